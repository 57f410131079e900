package io.streamwatch.deploy;

import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;

/**
 * Turns the metrics a Flink run registered (collected by Flink's {@link InMemoryReporter}) into the
 * names Flink's Prometheus reporter gives them, so the Grafana dashboard can be checked against
 * what the job really registers. The naming rule is the reporter's: {@code flink_} + the group's
 * logical scope joined by {@code _} + the metric name, with every character outside {@code
 * [a-zA-Z0-9:_]} replaced by {@code _}; key-value groups such as {@code pipeline} become labels and
 * keep only their key in the name.
 */
final class JobMetricNames {
    private static final CharacterFilter FILTER = s -> s.replaceAll("[^a-zA-Z0-9:_]", "_");

    private JobMetricNames() {}

    static Set<String> prometheusNames(InMemoryReporter reporter) {
        Set<String> names = new TreeSet<>();
        reporter.getMetricsByGroup()
                .forEach(
                        (group, metrics) ->
                                metrics.keySet().forEach(m -> names.add(prometheusName(group, m))));
        return names;
    }

    static String prometheusName(MetricGroup group, String metric) {
        // The reporter sees a front group that provides the logical scope; the in-memory reporter
        // keeps the group behind it, which has the same method.
        String scope =
                group instanceof AbstractMetricGroup<?> g
                        ? g.getLogicalScope(FILTER, '_')
                        : LogicalScopeProvider.castFrom(group).getLogicalScope(FILTER, '_');
        return "flink_" + scope + "_" + FILTER.filterCharacters(metric);
    }
}
