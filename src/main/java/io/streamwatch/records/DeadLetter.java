package io.streamwatch.records;

import java.io.Serializable;

/**
 * A record that could not be used, with the reason and its raw bytes, as written to the dead-letter
 * topic (SPEC section 5). Nothing is dropped silently: every rejected input becomes one of these.
 */
public class DeadLetter implements Serializable {
    private static final long serialVersionUID = 1L;

    public String sourceTopic;
    public int partition;
    public long offset;

    /** One word, see {@link RejectReason}. */
    public String reason;

    /** Human-readable detail, such as the parser's message with line and column. */
    public String detail;

    /** The payload as text, or base64 when it is not valid UTF-8; cut to the configured limit. */
    public String raw;

    /** {@code utf-8} or {@code base64}. */
    public String rawEncoding;

    /** Size of the whole payload in bytes, before any cut. */
    public int rawSize;

    public boolean rawTruncated;
    public String pipeline;

    /** Epoch milliseconds (wall clock) when the record was rejected. */
    public long rejectedAt;

    public DeadLetter() {}

    @Override
    public String toString() {
        return "DeadLetter{"
                + sourceTopic
                + "/"
                + partition
                + "@"
                + offset
                + " "
                + reason
                + ": "
                + detail
                + "}";
    }
}
