package io.streamwatch.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One input topic and what to aggregate from it.
 *
 * @param format input preset: {@code streamwatch}, {@code ecs}, {@code otel}, {@code telegraf}
 * @param fields field mapping overrides: logical field ({@code timestamp}, {@code level}, ...) to
 *     the JSON path the shipper writes; merged over the preset's mapping
 * @param groupBy logical field names (or JSON paths) whose values key the aggregates
 * @param topPatterns how many ERROR/FATAL patterns a log aggregate lists
 * @param patterns how log pipelines find message patterns (the template miner's settings)
 * @param preAggregation whether events are combined per key and window before the shuffle
 */
public record PipelineConfig(
        String name,
        PipelineKind kind,
        String topic,
        String format,
        Map<String, String> fields,
        List<String> groupBy,
        WindowConfig window,
        Duration outOfOrderness,
        Duration idleness,
        Duration allowedLateness,
        String outputTopic,
        int topPatterns,
        PatternsConfig patterns,
        PreAggregationConfig preAggregation)
        implements Serializable {

    /** A pipeline with the default pattern settings. */
    public PipelineConfig(
            String name,
            PipelineKind kind,
            String topic,
            String format,
            Map<String, String> fields,
            List<String> groupBy,
            WindowConfig window,
            Duration outOfOrderness,
            Duration idleness,
            Duration allowedLateness,
            String outputTopic,
            int topPatterns) {
        this(
                name,
                kind,
                topic,
                format,
                fields,
                groupBy,
                window,
                outOfOrderness,
                idleness,
                allowedLateness,
                outputTopic,
                topPatterns,
                PatternsConfig.defaults(),
                PreAggregationConfig.defaults());
    }

    /** The same pipeline with other pattern settings. */
    public PipelineConfig withPatterns(PatternsConfig p) {
        return new PipelineConfig(
                name,
                kind,
                topic,
                format,
                fields,
                groupBy,
                window,
                outOfOrderness,
                idleness,
                allowedLateness,
                outputTopic,
                topPatterns,
                p,
                preAggregation);
    }

    /** The same pipeline with other pre-aggregation settings. */
    public PipelineConfig withPreAggregation(PreAggregationConfig p) {
        return new PipelineConfig(
                name,
                kind,
                topic,
                format,
                fields,
                groupBy,
                window,
                outOfOrderness,
                idleness,
                allowedLateness,
                outputTopic,
                topPatterns,
                patterns,
                p);
    }
}
