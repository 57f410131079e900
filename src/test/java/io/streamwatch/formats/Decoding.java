package io.streamwatch.formats;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.Decoded;
import java.util.List;

/**
 * What a {@link RecordDecoder} makes of one payload, as its callers get it from {@link
 * RecordDecoder#decodeAll}: the events, or one dead letter in their place (never both: a record
 * with a bad part gives none of its good events).
 */
final class Decoding {
    private Decoding() {}

    /** The events of a payload the decoder accepts; fails the test on a dead letter. */
    static List<Decoded> events(RecordDecoder d, byte[] payload, RecordOrigin origin) {
        List<Decoded> out = d.decodeAll(payload, origin);
        assertThat(out)
                .as("dead letter")
                .allSatisfy(e -> assertThat(e.deadLetter).as("dead letter").isNull());
        return out;
    }

    /** The dead letter of a payload the decoder rejects; fails the test on anything else. */
    static DeadLetter deadLetter(RecordDecoder d, byte[] payload, RecordOrigin origin) {
        DeadLetter dl = rejection(d, payload, origin);
        assertThat(dl).as("dead letter").isNotNull();
        return dl;
    }

    /** The dead letter of a payload, or null when the decoder accepts it. */
    static DeadLetter rejection(RecordDecoder d, byte[] payload, RecordOrigin origin) {
        List<Decoded> out = d.decodeAll(payload, origin);
        for (Decoded e : out) {
            if (e.deadLetter != null) {
                assertThat(out).as("a dead letter and events").hasSize(1);
                return e.deadLetter;
            }
        }
        return null;
    }
}
