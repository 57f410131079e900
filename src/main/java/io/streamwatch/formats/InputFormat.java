package io.streamwatch.formats;

import io.streamwatch.records.Decoded;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * Turns one Kafka record's payload into events. One class per input format ({@code streamwatch} and
 * {@code ecs} share {@link MappedJsonFormat}); a format may emit several events for one record
 * (Telegraf writes several fields per record).
 *
 * <p>A format reports unusable input by throwing {@link RejectException} (or the JSON parser's
 * {@link IOException}); {@link RecordDecoder} turns that into a dead letter. A parse error of its
 * own (a {@link NumberFormatException} of a field's text, a {@code DateTimeParseException}) must
 * become a {@link RejectException} where it arises: any other exception is taken for a bug and
 * reported as {@code internal_error}. Events go to {@code out} and are only emitted when the whole
 * record decoded.
 */
public interface InputFormat extends Serializable {

    /** Called once per parallel instance before the first record. */
    default void open() {}

    void decode(byte[] payload, RecordOrigin origin, List<Decoded> out)
            throws RejectException, IOException;
}
