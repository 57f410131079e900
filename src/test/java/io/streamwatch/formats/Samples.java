package io.streamwatch.formats;

import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.PipelineKind;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.GroupKey;
import io.streamwatch.records.Level;
import io.streamwatch.records.OtelPoint;
import io.streamwatch.records.Times;
import io.streamwatch.testing.TestPipelines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Sample payloads under {@code samples/} and a readable one-line form of decoded events. */
final class Samples {
    /** The samples' event times are around this instant. */
    static final long T = Instant.parse("2026-11-25T10:15:30.123Z").toEpochMilli();

    private Samples() {}

    static byte[] read(String name) {
        try {
            return Files.readAllBytes(Path.of("src/test/resources/samples/" + name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A record origin whose Kafka time is a few seconds after the samples' event times. */
    static RecordOrigin origin() {
        return new RecordOrigin().set("in", 3, 77, T + 10_000);
    }

    /** A pipeline of this format and kind grouping by these fields. */
    static PipelineConfig pipeline(
            String format, PipelineKind kind, List<String> groupBy, Map<String, String> fields) {
        PipelineConfig p =
                kind == PipelineKind.LOGS
                        ? TestPipelines.logs(format)
                        : TestPipelines.metrics(format);
        return new PipelineConfig(
                p.name(),
                p.kind(),
                p.topic(),
                p.format(),
                fields,
                groupBy,
                p.window(),
                p.outOfOrderness(),
                p.idleness(),
                p.allowedLateness(),
                p.outputTopic(),
                p.topPatterns());
    }

    static RecordDecoder decoder(
            String format, PipelineKind kind, List<String> groupBy, Map<String, String> fields) {
        return new RecordDecoder(pipeline(format, kind, groupBy, fields), TestPipelines.LIMITS);
    }

    /**
     * {@code time level group/values message} for a log event, {@code time name group/values =
     * value} for a metric point; the group values are split from the key, as the aggregates do.
     */
    static String line(Decoded d) {
        if (d.log != null) {
            return Times.iso(d.log.timestamp)
                    + " "
                    + Level.of(d.log.level)
                    + " "
                    + String.join("/", GroupKey.split(d.log.key))
                    + " "
                    + d.log.message;
        }
        if (d.metric != null) {
            List<String> key = GroupKey.split(d.metric.key);
            if (!key.get(0).equals(d.metric.name)) {
                throw new AssertionError("key does not start with the name: " + d.metric);
            }
            String line =
                    Times.iso(d.metric.timestamp)
                            + " "
                            + String.join("/", key)
                            + " = "
                            + d.metric.value;
            if (d.metric instanceof OtelPoint o) {
                // A distribution shows how many observations its value is the mean of; a running
                // total (which becomes a delta after the decoder) says so.
                line +=
                        (o.isDistribution() ? " of " + o.count : "")
                                + (o.series != null ? " cumulative" : "");
            }
            return line;
        }
        return "dead letter " + d.deadLetter.reason + ": " + d.deadLetter.detail;
    }
}
