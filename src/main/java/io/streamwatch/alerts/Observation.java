package io.streamwatch.alerts;

import io.streamwatch.records.GroupKey;
import io.streamwatch.records.PatternCount;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One window aggregate as the rule evaluator sees it, whatever the pipeline kind: group, window,
 * numeric fields by name, and (for logs) the error patterns of the window. Shuffled to the
 * evaluator with {@link ObservationSerializer}.
 */
@TypeInfo(ObservationTypeInfoFactory.class)
public class Observation {
    public String pipeline;

    /** The group values without the metric name: what absence rules watch. */
    public String groupKey;

    /** The metric name; null for log aggregates. */
    public String name;

    public Map<String, String> group;
    public long windowStart;
    public long windowEnd;

    /** Numeric fields by the names rules use: total, error_ratio, error, p99, ... */
    public Map<String, Double> numbers;

    /** Log aggregates: every ERROR/FATAL pattern of the window. */
    public List<PatternCount> patterns;

    public Observation() {}

    /** What the evaluator is keyed by: pipeline and group. */
    public String evaluationKey() {
        return pipeline + GroupKey.SEPARATOR + groupKey;
    }
}
