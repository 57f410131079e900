package io.streamwatch.alerts;

import io.streamwatch.records.GroupKey;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogAggregate;
import io.streamwatch.records.MetricAggregate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;

/** Turn aggregates into {@link Observation}s for the rule evaluator. */
public final class Observations {
    private Observations() {}

    /** Log aggregates: total, error_ratio, one count per level, and the error patterns. */
    public static class Logs implements MapFunction<LogAggregate, Observation> {
        private static final long serialVersionUID = 1L;

        @Override
        public Observation map(LogAggregate a) {
            Observation o = base(a.pipeline, a.key, null, a.group, a.windowStart, a.windowEnd);
            o.numbers.put("total", (double) a.total);
            o.numbers.put("error_ratio", a.errorRatio);
            for (io.streamwatch.records.Level l : Level.values()) {
                Long n = a.levels.get(l.name());
                o.numbers.put(l.name().toLowerCase(Locale.ROOT), n == null ? 0.0 : n);
            }
            o.patterns = a.patterns == null ? List.of() : a.patterns;
            return o;
        }
    }

    /** Metric aggregates: count, sum, min, max, mean and the quantiles. */
    public static class Metrics implements MapFunction<MetricAggregate, Observation> {
        private static final long serialVersionUID = 1L;

        @Override
        public Observation map(MetricAggregate a) {
            // The key is name + group values; absence rules watch the group without the name.
            String key = a.key.substring(a.key.indexOf(GroupKey.SEPARATOR) + 1);
            Observation o = base(a.pipeline, key, a.name, a.group, a.windowStart, a.windowEnd);
            Map<String, Double> n = o.numbers;
            n.put("count", (double) a.count);
            n.put("sum", a.sum);
            n.put("min", a.min);
            n.put("max", a.max);
            n.put("mean", a.mean);
            n.put("p50", a.p50);
            n.put("p90", a.p90);
            n.put("p95", a.p95);
            n.put("p99", a.p99);
            o.patterns = List.of();
            return o;
        }
    }

    private static Observation base(
            String pipeline,
            String groupKey,
            String name,
            Map<String, String> group,
            long start,
            long end) {
        Observation o = new Observation();
        o.pipeline = pipeline;
        o.groupKey = groupKey;
        o.name = name;
        o.group = group;
        o.windowStart = start;
        o.windowEnd = end;
        o.numbers = new HashMap<>();
        return o;
    }
}
