package io.streamwatch.aggregation;

import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Folds log events into a {@link LogAccumulator} as they arrive, so a window keeps one small
 * accumulator instead of its records.
 */
public class LogAggregateFunction
        implements AggregateFunction<LogEvent, LogAccumulator, LogAccumulator> {
    private static final long serialVersionUID = 1L;

    @Override
    public LogAccumulator createAccumulator() {
        return new LogAccumulator();
    }

    @Override
    public LogAccumulator add(LogEvent event, LogAccumulator acc) {
        if (Level.of(event.level).isError()) {
            acc.add(event.level, event.message, event.patternId, event.pattern);
        } else {
            // Possibly several lines, combined before the keyBy (PreAggregator).
            acc.addCounted(event.level, event.count);
        }
        return acc;
    }

    @Override
    public LogAccumulator getResult(LogAccumulator acc) {
        return acc;
    }

    @Override
    public LogAccumulator merge(LogAccumulator a, LogAccumulator b) {
        return a.merge(b);
    }
}
