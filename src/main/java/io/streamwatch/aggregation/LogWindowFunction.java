package io.streamwatch.aggregation;

import io.streamwatch.functions.PipelineMetrics;
import io.streamwatch.records.GroupKey;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogAggregate;
import io.streamwatch.records.PatternCount;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a window's {@link LogAccumulator} into the log aggregate record: adds the group fields, the
 * window bounds and the pipeline, and ranks the error patterns.
 */
public class LogWindowFunction
        extends ProcessWindowFunction<LogAccumulator, LogAggregate, String, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private static final Comparator<Map.Entry<String, PatternStat>> BY_COUNT_THEN_PATTERN =
            Comparator.<Map.Entry<String, PatternStat>>comparingLong(e -> -e.getValue().count)
                    .thenComparing(e -> e.getValue().pattern)
                    .thenComparing(Map.Entry::getKey);

    private final String pipeline;
    private final List<String> groupBy;
    private final int topPatterns;
    private transient Counter aggregatesOut;

    public LogWindowFunction(String pipeline, List<String> groupBy, int topPatterns) {
        this.pipeline = pipeline;
        this.groupBy = List.copyOf(groupBy);
        this.topPatterns = topPatterns;
    }

    @Override
    public void open(OpenContext openContext) {
        aggregatesOut =
                PipelineMetrics.group(getRuntimeContext().getMetricGroup(), pipeline)
                        .counter("aggregatesOut");
    }

    @Override
    public void process(
            String key,
            Context context,
            Iterable<LogAccumulator> accumulators,
            Collector<LogAggregate> out) {
        LogAccumulator acc = accumulators.iterator().next();
        out.collect(toAggregate(key, context.window(), acc));
        if (aggregatesOut != null) {
            aggregatesOut.inc();
        }
    }

    LogAggregate toAggregate(String key, TimeWindow window, LogAccumulator acc) {
        LogAggregate a = new LogAggregate();
        a.pipeline = pipeline;
        a.key = key;
        a.group = GroupKey.toMap(groupBy, key, 0);
        a.windowStart = window.getStart();
        a.windowEnd = window.getEnd();
        a.total = acc.total;
        a.levels = new LinkedHashMap<>();
        long errors = 0;
        for (Level l : Level.values()) {
            long n = acc.levels[l.ordinal()];
            if (n > 0) {
                a.levels.put(l.name(), n);
            }
            if (l.isError()) {
                errors += n;
            }
        }
        a.errorRatio = acc.total == 0 ? 0.0 : (double) errors / acc.total;
        List<Map.Entry<String, PatternStat>> ranked = new ArrayList<>(acc.patterns.entrySet());
        ranked.sort(BY_COUNT_THEN_PATTERN);
        a.patterns = new ArrayList<>(ranked.size());
        for (Map.Entry<String, PatternStat> e : ranked) {
            a.patterns.add(
                    new PatternCount(
                            e.getKey(),
                            e.getValue().pattern,
                            e.getValue().count,
                            e.getValue().example));
        }
        a.topPatterns =
                new ArrayList<>(a.patterns.subList(0, Math.min(topPatterns, ranked.size())));
        return a;
    }
}
