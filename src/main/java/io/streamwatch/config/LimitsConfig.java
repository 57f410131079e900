package io.streamwatch.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * Bounds that decide when an input record is rejected, and how much of it the dead-letter record
 * keeps.
 *
 * @param maxRecordBytes larger payloads are rejected as {@code oversized}
 * @param deadLetterRawBytes the dead letter's {@code raw} is cut to this many bytes
 * @param maxEventAge an event time this much older than the record's Kafka timestamp is rejected as
 *     {@code timestamp_out_of_range}
 * @param maxEventFuture an event time this much newer than the Kafka timestamp is rejected too
 */
public record LimitsConfig(
        int maxRecordBytes, int deadLetterRawBytes, Duration maxEventAge, Duration maxEventFuture)
        implements Serializable {}
