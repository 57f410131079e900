package io.streamwatch.formats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.streamwatch.config.LimitsConfig;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.RejectReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka source's deserializer: turns every input record into events or into exactly one dead
 * letter, and never throws, so one bad record can neither stop the job nor hide the records around
 * it. Decoding in the source lets the source assign event time and watermarks per partition.
 *
 * <p>Bad input is a {@link RejectException} or a parse error of the JSON parser, and goes to the
 * dead letter with its reason. Any other exception of a format is a bug, not bad input: the record
 * goes to the dead letter as {@code internal_error} (with the exception in the detail, counted by
 * the rejected-records metric under that reason) and the exception is logged at ERROR (the first
 * few in full, then one in {@value #LOG_EVERY}), so it is loud without restarting the job in a loop
 * on a record it would read again.
 */
public class RecordDecoder implements KafkaRecordDeserializationSchema<Decoded> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);

    /** Internal errors logged with their stack trace before only every {@link #LOG_EVERY}th is. */
    private static final int LOGGED_IN_FULL = 10;

    private static final int LOG_EVERY = 1000;

    private final String pipeline;
    private final InputFormat format;
    private final int maxRecordBytes;
    private final int rawLimit;

    private transient RecordOrigin origin;
    private transient List<Decoded> buffer;
    private transient DecoderMetrics metrics;

    /** Records lost to a bug in a format so far, for rate-limiting their log lines. */
    private transient long internalErrors;

    public RecordDecoder(PipelineConfig pipeline, LimitsConfig limits) {
        this(pipeline.name(), InputFormats.create(pipeline, limits), limits);
    }

    /** A decoder used outside a Kafka source, so there are no metrics to register. */
    public static RecordDecoder standalone(PipelineConfig pipeline, LimitsConfig limits) {
        RecordDecoder d = new RecordDecoder(pipeline, limits);
        d.format.open();
        return d;
    }

    @VisibleForTesting
    RecordDecoder(String pipeline, InputFormat format, LimitsConfig limits) {
        this.pipeline = pipeline;
        this.format = format;
        this.maxRecordBytes = limits.maxRecordBytes();
        this.rawLimit = limits.deadLetterRawBytes();
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        format.open();
        origin = new RecordOrigin();
        buffer = new ArrayList<>(4);
        metrics = new DecoderMetrics(context.getMetricGroup(), pipeline);
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded> out) {
        Decoded rejected =
                decode(
                        record.value(),
                        origin.set(
                                record.topic(),
                                record.partition(),
                                record.offset(),
                                record.timestamp()));
        if (rejected != null) {
            out.collect(rejected);
            return;
        }
        for (Decoded d : buffer) {
            out.collect(d);
        }
    }

    /**
     * Decodes one payload into {@link #buffer}; returns the dead letter instead when the record is
     * unusable.
     */
    private Decoded decode(byte[] value, RecordOrigin origin) {
        if (buffer == null) {
            buffer = new ArrayList<>(4);
        }
        if (metrics != null) {
            metrics.recordIn();
        }
        buffer.clear();
        RejectReason reason;
        String detail;
        try {
            if (value == null || value.length == 0) {
                throw new RejectException(
                        RejectReason.EMPTY,
                        value == null ? "tombstone (null value)" : "empty payload");
            }
            if (value.length > maxRecordBytes) {
                throw new RejectException(
                        RejectReason.OVERSIZED,
                        value.length + " bytes exceed limits.max_record_size of " + maxRecordBytes);
            }
            int bad = Utf8.firstInvalid(value);
            if (bad >= 0) {
                throw new RejectException(
                        RejectReason.INVALID_UTF8,
                        String.format(
                                "invalid UTF-8 byte 0x%02x at offset %d", value[bad] & 0xff, bad));
            }
            format.decode(value, origin, buffer);
            if (buffer.size() == 1) {
                buffer.get(0).keepRecord(value);
            }
            if (metrics != null) {
                for (Decoded d : buffer) {
                    metrics.eventTime(d.eventTime());
                }
            }
            return null;
        } catch (RejectException e) {
            reason = e.reason();
            detail = e.getMessage();
        } catch (StreamConstraintsException e) {
            reason = RejectReason.TOO_DEEP;
            detail = e.getOriginalMessage();
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            reason =
                    msg != null && msg.startsWith("Duplicate field")
                            ? RejectReason.DUPLICATE_KEY
                            : RejectReason.MALFORMED_JSON;
            detail = where(msg, e);
        } catch (IOException e) {
            // Other parser I/O errors (e.g. a CharConversionException of an encoding the parser
            // detected): reading a byte array, they can only be about the payload.
            reason = RejectReason.MALFORMED_JSON;
            detail = e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (RuntimeException e) {
            // Formats turn every parse error into a RejectException; anything else is a bug in
            // the format, not bad input. It goes to the dead letter under its own reason (one
            // bug must not put the job in a restart loop on a record it re-reads) and is logged.
            reason = RejectReason.INTERNAL_ERROR;
            detail = internalError(e, origin);
        }
        buffer.clear();
        if (metrics != null) {
            metrics.rejected(reason);
        }
        return Decoded.of(deadLetter(value, origin, reason, detail));
    }

    /** The dead-letter detail of a format's bug; logs it at ERROR, rate-limited. */
    private String internalError(RuntimeException e, RecordOrigin origin) {
        StringBuilder detail = new StringBuilder(e.getClass().getName());
        if (e.getMessage() != null) {
            detail.append(": ").append(e.getMessage());
        }
        StackTraceElement[] trace = e.getStackTrace();
        if (trace.length > 0) {
            detail.append(" at ").append(trace[0]);
        }
        long n = ++internalErrors;
        if (n <= LOGGED_IN_FULL || n % LOG_EVERY == 0) {
            LOG.error(
                    "Decoder bug in pipeline {} (not bad input): {} at {}/{}/{} went to the dead"
                            + " letter as {}; {} such record(s) so far{}",
                    pipeline,
                    format.getClass().getSimpleName(),
                    origin.topic,
                    origin.partition,
                    origin.offset,
                    RejectReason.INTERNAL_ERROR.code(),
                    n,
                    n < LOGGED_IN_FULL ? "" : ", logging one in " + LOG_EVERY + " from now on",
                    e);
        }
        return detail.toString();
    }

    private static String where(String msg, JsonProcessingException e) {
        String first = msg == null ? "unreadable JSON" : msg.split("\n", 2)[0];
        if (e.getLocation() == null) {
            return first;
        }
        return first
                + " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    }

    private DeadLetter deadLetter(
            byte[] value, RecordOrigin origin, RejectReason reason, String detail) {
        DeadLetter d = new DeadLetter();
        d.sourceTopic = origin.topic;
        d.partition = origin.partition;
        d.offset = origin.offset;
        d.reason = reason.code();
        d.detail = detail;
        d.pipeline = pipeline;
        d.rejectedAt = System.currentTimeMillis();
        byte[] v = value == null ? new byte[0] : value;
        d.rawSize = v.length;
        d.rawTruncated = rawLimit < v.length;
        // Cut at a character boundary so a valid text stays valid; base64 when it is not text.
        int keep = Utf8.cutAt(v, rawLimit);
        if (reason == RejectReason.INVALID_UTF8 || Utf8.firstInvalid(v, keep) >= 0) {
            keep = Math.min(v.length, rawLimit);
            d.rawEncoding = "base64";
            d.raw = Base64.getEncoder().encodeToString(Arrays.copyOf(v, keep));
        } else {
            d.rawEncoding = "utf-8";
            d.raw = new String(v, 0, keep, StandardCharsets.UTF_8);
        }
        return d;
    }

    @Override
    public TypeInformation<Decoded> getProducedType() {
        return TypeInformation.of(Decoded.class);
    }

    /**
     * Decodes one payload outside a Kafka source (rule tests, backtests): its events, or the one
     * dead letter that replaces them.
     */
    public List<Decoded> decodeAll(byte[] value, RecordOrigin origin) {
        if (origin == null) {
            origin = new RecordOrigin();
        }
        Decoded rejected = decode(value, origin);
        return rejected != null ? List.of(rejected) : new ArrayList<>(buffer);
    }
}
