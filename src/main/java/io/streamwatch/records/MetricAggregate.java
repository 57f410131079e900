package io.streamwatch.records;

import java.util.Map;

/** The metric aggregate of one metric, group key and window (SPEC section 5). */
public class MetricAggregate {
    public String pipeline;
    public String name;
    public Map<String, String> group;
    public long windowStart;
    public long windowEnd;
    public long count;
    public double sum;
    public double min;
    public double max;
    public double mean;
    public double p50;
    public double p90;
    public double p95;
    public double p99;

    /** The key the stream was keyed by; used for the Kafka record key. */
    public String key;

    public MetricAggregate() {}
}
