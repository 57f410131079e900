package io.streamwatch.formats;

import io.streamwatch.records.RejectReason;

/**
 * Thrown by a format when a record cannot be used. Carries the dead-letter reason; it has no stack
 * trace because it is an expected outcome on the hot path, not a bug.
 */
public class RejectException extends Exception {
    private final RejectReason reason;

    public RejectException(RejectReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
