package io.streamwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.alerts.Alert;
import io.streamwatch.config.ConfigLoader;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogAggregate;
import io.streamwatch.records.LogEvent;
import io.streamwatch.records.MetricAggregate;
import io.streamwatch.records.MetricPoint;
import io.streamwatch.records.PatternCount;
import io.streamwatch.sinks.AlertEncoder;
import io.streamwatch.sinks.DeadLetterEncoder;
import io.streamwatch.sinks.LateEventEncoder;
import io.streamwatch.sinks.LogAggregateEncoder;
import io.streamwatch.sinks.MetricAggregateEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SQL tables of {@code deploy/sql/streamwatch.sql} against what the job writes: each table
 * reads the topic the default configuration writes to, and its columns are exactly the fields of
 * the records the job's encoders write (every optional field included). A field added to a record
 * without a column, or a column whose field was renamed, fails here, before the end-to-end test
 * ({@code SqlEndToEndTest}) runs the queries on a cluster.
 */
class SqlTableDefinitionsTest {
    private static final Path TABLES = Path.of("deploy/sql/streamwatch.sql");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TABLE =
            Pattern.compile("(?ms)^CREATE TABLE (\\w+) \\((.*?)^\\) WITH \\((.*?)^\\);");
    private static final Pattern COLUMN = Pattern.compile("^\\s+`?(\\w+)`? [A-Z]");
    private static final Pattern TOPIC = Pattern.compile("'topic' = '([^']+)'");

    record Table(String topic, Set<String> columns) {}

    private static Map<String, Table> tables;

    @BeforeAll
    static void parse() throws Exception {
        tables = new LinkedHashMap<>();
        Matcher t = TABLE.matcher(Files.readString(TABLES));
        while (t.find()) {
            Set<String> columns = new TreeSet<>();
            for (String line : t.group(2).split("\n")) {
                Matcher c = COLUMN.matcher(line);
                // Computed columns (name AS expression) are not fields of the record.
                if (c.find() && !line.contains(" AS ") && !line.strip().startsWith("WATERMARK")) {
                    columns.add(c.group(1));
                }
            }
            Matcher topic = TOPIC.matcher(t.group(3));
            assertThat(topic.find()).as("table %s names its topic", t.group(1)).isTrue();
            tables.put(t.group(1), new Table(topic.group(1), columns));
        }
    }

    @Test
    void everyOutputTopicOfTheDefaultConfigurationIsATable() throws Exception {
        StreamwatchConfig c = ConfigLoader.load(Path.of("jobs-config/streamwatch.yaml"), Map.of());
        assertThat(tables)
                .containsOnlyKeys(
                        "log_aggregates",
                        "metric_aggregates",
                        "alerts",
                        "dead_letters",
                        "late_events");
        assertThat(tables.get("log_aggregates").topic())
                .isEqualTo(c.pipeline("app-logs").outputTopic());
        assertThat(tables.get("metric_aggregates").topic())
                .isEqualTo(c.pipeline("app-metrics").outputTopic());
        assertThat(tables.get("alerts").topic()).isEqualTo(c.alerts().topic());
        assertThat(tables.get("dead_letters").topic()).isEqualTo(c.deadLetterTopic());
        assertThat(tables.get("late_events").topic()).isEqualTo(c.lateEventsTopic());
    }

    @Test
    void aggregateColumnsAreTheAggregateFields() throws Exception {
        LogAggregate log = new LogAggregate();
        log.pipeline = "app-logs";
        log.group = Map.of("service", "checkout");
        log.levels = Map.of("ERROR", 1L);
        log.total = 1;
        log.topPatterns = List.of(new PatternCount("a", "b <NUM>", 1, "b 1"));
        assertThat(tables.get("log_aggregates").columns())
                .isEqualTo(fields(new LogAggregateEncoder().map(log).value));

        MetricAggregate metric = new MetricAggregate();
        metric.pipeline = "app-metrics";
        metric.name = "cpu";
        metric.group = Map.of("host", "web-1");
        assertThat(tables.get("metric_aggregates").columns())
                .isEqualTo(fields(new MetricAggregateEncoder().map(metric).value));
    }

    @Test
    void alertColumnsAreTheFieldsOfFiringAndResolvedTransitions() throws Exception {
        Alert a = new Alert();
        a.fingerprint = "f";
        a.status = Alert.FIRING;
        a.labels = Map.of("alertname", "R");
        a.summary = "s";
        a.rule = "R";
        a.pipeline = "app-logs";
        Set<String> fields = fields(new AlertEncoder().map(a).value);
        a.status = Alert.RESOLVED;
        a.endsAt = 2;
        a.resolvedAt = 2;
        a.reason = "rule changed";
        fields.addAll(fields(new AlertEncoder().map(a).value));
        assertThat(tables.get("alerts").columns()).isEqualTo(fields);
    }

    @Test
    void deadLetterAndLateEventColumnsAreTheirFields() throws Exception {
        DeadLetter d = new DeadLetter();
        d.sourceTopic = "logs";
        d.reason = "malformed_json";
        d.raw = "{";
        assertThat(tables.get("dead_letters").columns())
                .isEqualTo(fields(new DeadLetterEncoder().map(d).value));

        // A log line whose message and record were cut, and a metric record standing for several
        // points: together every field a late event can have.
        LogEvent line = new LogEvent("checkout", 1, Level.ERROR, "x".repeat(20));
        line.record = "{\"message\":\"xxxxxxxxxxxxxxxxxxxx\"}".getBytes(StandardCharsets.UTF_8);
        MetricPoint point = new MetricPoint("cpu\u001fweb-1", "cpu", 1, 0.5);
        point.values = new double[] {0.5, 0.7};
        Set<String> fields =
                fields(
                        new LateEventEncoder.Logs("app-logs", List.of("service"), 8)
                                .map(line)
                                .value);
        fields.addAll(
                fields(
                        new LateEventEncoder.Metrics("app-metrics", List.of("host"), 8)
                                .map(point)
                                .value));
        assertThat(tables.get("late_events").columns()).isEqualTo(fields);
    }

    private static Set<String> fields(byte[] json) throws Exception {
        JsonNode node = JSON.readTree(json);
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
