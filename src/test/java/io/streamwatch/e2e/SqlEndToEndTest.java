package io.streamwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.alerts.Alert;
import io.streamwatch.records.DeadLetter;
import io.streamwatch.records.GroupKey;
import io.streamwatch.records.KafkaMessage;
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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Flink SQL over the job's outputs, as a user runs it: {@code bin/cluster start} (a Kafka broker
 * and a standalone Flink cluster, whose lib/ has the planner and the JSON format), records in the
 * output topics, and {@code bin/cluster sql -f} running queries through Flink's SQL client with the
 * shipped table definitions ({@code deploy/sql/streamwatch.sql}). The records are written with the
 * job's own encoders, in Kafka transactions as the job's exactly-once sinks write them (one of them
 * aborted, which no query may count), and every answer is checked against the test's model of what
 * it wrote. It catches a column type that does not match a record, a reserved word left unquoted, a
 * jar missing from the cluster or the client, and a bounded read that does not end.
 *
 * <p>Runs in the Maven profile {@code e2e}, on ports of its own (Kafka 29792, Flink 8791/6823), in
 * {@code target/e2e-sql}.
 */
class SqlEndToEndTest {

    private static final Path ROOT =
            Path.of(System.getProperty("streamwatch.root", ".")).toAbsolutePath().normalize();
    private static final Path WORK = ROOT.resolve("target/e2e-sql");
    private static final PlaygroundPorts PORTS =
            new PlaygroundPorts(29792, 8791, 6823, 9849, 9890, 9893, 9897);
    private static final String BOOTSTRAP = "127.0.0.1:" + PORTS.kafka();
    private static final Path QUERIES = ROOT.resolve("src/test/resources/e2e/sql-queries.sql");

    /** The topics of jobs-config/streamwatch.yaml, which deploy/sql/streamwatch.sql reads. */
    private static final String LOG_AGGREGATES = "streamwatch.log-aggregates";

    private static final String METRIC_AGGREGATES = "streamwatch.metric-aggregates";
    private static final String ALERTS = "streamwatch.alerts";
    private static final String DEAD_LETTERS = "streamwatch.dead-letter";
    private static final String LATE_EVENTS = "streamwatch.late-events";

    private static boolean started;

    @BeforeAll
    static void startCluster() throws Exception {
        for (int port : List.of(29792, 29793, 8791, 6823, 6824, 9849, 9850)) {
            assertThat(PlaygroundPorts.open(port)).as("port %d must be free", port).isFalse();
        }
        Files.createDirectories(WORK);
        started = true;
        RepositoryScript start = script(Duration.ofMinutes(5), "bin/cluster", "start");
        assertThat(start.exit()).as("bin/cluster start failed:%n%s", start.stderr()).isZero();
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (started) {
            script(Duration.ofMinutes(2), "bin/cluster", "stop");
        }
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES)
    void queriesOverTheOutputTopicsAnswerAsTheRecordsSay() throws Exception {
        Model model = new Model(Instant.now());
        writeInTransaction(model.committed(), true);
        writeInTransaction(model.aborted(), false);

        RepositoryScript sql =
                script(Duration.ofMinutes(10), "bin/cluster", "sql", "-f", QUERIES.toString());
        assertThat(sql.exit())
                .as("bin/cluster sql failed:%n%s%n%s", sql.stdout(), sql.stderr())
                .isZero();
        List<List<List<String>>> results = TableauOutput.results(sql.stdout());
        assertThat(results).as("one result per query in:%n%s", sql.stdout()).hasSize(6);

        assertThat(results.get(0))
                .as("dead letters per service in the last hour")
                .isEqualTo(model.deadLettersPerServiceLastHour());
        assertThat(results.get(1))
                .as("dead letters per reason")
                .isEqualTo(model.deadLettersPerReason());
        assertTopErrorRatios(results.get(2), model);
        assertThat(results.get(3)).as("alerts firing per rule").isEqualTo(model.firingPerRule());
        assertWorstP99(results.get(4), model);
        assertThat(results.get(5)).as("late events").isEqualTo(model.lateEventsPerKind());
    }

    private static void assertTopErrorRatios(List<List<String>> rows, Model model) {
        List<ServiceRatio> expected = model.topErrorRatios();
        assertThat(rows).as("top error ratios: %s", rows).hasSize(expected.size());
        for (int i = 0; i < rows.size(); i++) {
            List<String> row = rows.get(i);
            ServiceRatio e = expected.get(i);
            assertThat(row.get(0)).isEqualTo(e.service());
            assertThat(Long.parseLong(row.get(1))).isEqualTo(e.lines());
            // ROUND(x, 4) in SQL; the model's ratio unrounded.
            assertThat(Double.parseDouble(row.get(2)))
                    .isCloseTo(e.ratio(), Offset.offset(0.000051));
        }
    }

    private static void assertWorstP99(List<List<String>> rows, Model model) {
        List<List<String>> expected = model.worstP99PerServiceAndHour();
        assertThat(rows).as("worst p99 per hour: %s", rows).hasSize(expected.size());
        for (int i = 0; i < rows.size(); i++) {
            List<String> row = rows.get(i);
            List<String> e = expected.get(i);
            assertThat(row.get(0)).isEqualTo(e.get(0));
            assertThat(row.get(1)).isEqualTo(e.get(1));
            assertThat(Double.parseDouble(row.get(2))).isEqualTo(Double.parseDouble(e.get(2)));
            assertThat(row.get(3)).isEqualTo(e.get(3));
        }
    }

    // ---------------------------------------------------------------------------------------
    // The records and the answers they imply

    /** A service's share of ERROR and FATAL lines over its windows. */
    record ServiceRatio(String service, long lines, double ratio) {}

    /** A record for a topic, already encoded. */
    record Out(String topic, KafkaMessage message) {}

    /**
     * Records of every output table, around {@code now}: dead letters of several reasons and
     * services, some older than an hour; log aggregates of four services over two hours; metric
     * aggregates over two hours; alert transitions of three rules; late events of both kinds; and
     * dead letters of a transaction that is aborted.
     */
    static final class Model {
        final Instant now;
        final long hour;
        final List<DeadLetter> deadLetters = new ArrayList<>();
        final List<DeadLetter> abortedDeadLetters = new ArrayList<>();
        final List<LogAggregate> logAggregates = new ArrayList<>();
        final List<MetricAggregate> metricAggregates = new ArrayList<>();
        final List<Alert> alerts = new ArrayList<>();
        final List<String> lateLogs = List.of("checkout", "checkout", "search");
        final List<String> lateMetrics = List.of("web-1", "web-2");

        Model(Instant now) {
            this.now = now;
            // Two full hours before the current one: all their windows are in the past.
            this.hour = now.truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS).toEpochMilli();
            int minute = 1;
            for (String[] d :
                    new String[][] {
                        {"checkout", "missing_field"},
                        {"checkout", "missing_field"},
                        {"checkout", "missing_field"},
                        {"checkout", "wrong_type"},
                        {"search", "missing_field"},
                        {"payments", "timestamp_out_of_range"},
                        {"payments", "timestamp_out_of_range"},
                        {null, "malformed_json"},
                        {null, "malformed_json"},
                        {null, "invalid_utf8"}
                    }) {
                deadLetters.add(deadLetter(d[0], d[1], now.minus(minute++, ChronoUnit.MINUTES)));
            }
            for (int i = 0; i < 4; i++) {
                deadLetters.add(
                        deadLetter("checkout", "missing_field", now.minus(3, ChronoUnit.HOURS)));
            }
            for (int i = 0; i < 5; i++) {
                abortedDeadLetters.add(deadLetter("checkout", "empty", now.minusSeconds(30)));
            }

            String[] services = {"checkout", "search", "payments", "cart"};
            for (int w = 0; w < 120; w += 7) {
                for (int s = 0; s < services.length; s++) {
                    long start = hour + w * 60_000L;
                    long total = 100 + 3L * w + 11L * s;
                    long errors = (w * (s + 1)) % 13 + 2L * s;
                    long fatal = s == 2 && w % 2 == 0 ? 3 : 0;
                    logAggregates.add(logAggregate(services[s], start, total, errors, fatal));
                }
            }
            for (int w = 0; w < 120; w += 5) {
                for (int s = 0; s < 2; s++) {
                    long start = hour + w * 60_000L;
                    double p99 = 100 + (w * 37 + s * 101) % 400 + 0.5;
                    metricAggregates.add(metricAggregate(services[s], start, 10 + w + s, p99));
                }
            }

            // HighErrorRatio: checkout fired and resolved, search and cart fire.
            // SlowCheckout: web-1 fires; web-2 fired, resolved and fires again.
            // HostSilent: web-3 fired and resolved.
            long t = hour + 10 * 60_000L;
            alerts.add(alert("HighErrorRatio", "checkout", "firing", t, -1));
            alerts.add(alert("HighErrorRatio", "checkout", "resolved", t, t + 120_000));
            alerts.add(alert("HighErrorRatio", "search", "firing", t + 60_000, -1));
            alerts.add(alert("HighErrorRatio", "cart", "firing", t + 180_000, -1));
            alerts.add(alert("SlowCheckout", "web-1", "firing", t, -1));
            alerts.add(alert("SlowCheckout", "web-2", "firing", t, -1));
            alerts.add(alert("SlowCheckout", "web-2", "resolved", t, t + 60_000));
            alerts.add(alert("SlowCheckout", "web-2", "firing", t + 240_000, -1));
            alerts.add(alert("HostSilent", "web-3", "firing", t, -1));
            alerts.add(alert("HostSilent", "web-3", "resolved", t, t + 300_000));
        }

        private DeadLetter deadLetter(String service, String reason, Instant at) {
            DeadLetter d = new DeadLetter();
            d.sourceTopic = "logs";
            d.partition = 0;
            d.offset = deadLetters.size() + abortedDeadLetters.size();
            d.reason = reason;
            d.detail = "detail of " + reason;
            if (service != null) {
                d.raw = "{\"timestamp\":\"x\",\"service\":\"" + service + "\"}";
                d.rawEncoding = "utf-8";
            } else if (reason.equals("invalid_utf8")) {
                d.raw = Base64.getEncoder().encodeToString(new byte[] {(byte) 0xc3, 0x28});
                d.rawEncoding = "base64";
            } else {
                // Cut JSON that names a service: still no service to the query.
                d.raw = "{\"service\":\"checkout\",\"level\":";
                d.rawEncoding = "utf-8";
            }
            d.rawSize = d.raw.length();
            d.pipeline = "app-logs";
            d.rejectedAt = at.toEpochMilli();
            return d;
        }

        private static LogAggregate logAggregate(
                String service, long start, long total, long errors, long fatal) {
            LogAggregate a = new LogAggregate();
            a.pipeline = "app-logs";
            a.group = Map.of("service", service);
            a.windowStart = start;
            a.windowEnd = start + 60_000;
            a.total = total;
            a.levels = new LinkedHashMap<>();
            a.levels.put("INFO", total - errors - fatal);
            if (errors > 0) {
                a.levels.put("ERROR", errors);
            }
            if (fatal > 0) {
                a.levels.put("FATAL", fatal);
            }
            a.errorRatio = (double) (errors + fatal) / total;
            a.topPatterns =
                    List.of(
                            new PatternCount(
                                    "a3f9c1d2",
                                    "Timeout after <NUM> ms",
                                    errors,
                                    "Timeout after 3 ms"));
            return a;
        }

        private static MetricAggregate metricAggregate(
                String service, long start, long count, double p99) {
            MetricAggregate a = new MetricAggregate();
            a.pipeline = "app-metrics";
            a.name = "http.server.duration";
            a.group = Map.of("service", service, "host", "web-1");
            a.windowStart = start;
            a.windowEnd = start + 60_000;
            a.count = count;
            a.sum = count * 10.0;
            a.min = 1;
            a.max = p99 + 1;
            a.mean = 10;
            a.p50 = 9;
            a.p90 = p99 / 2;
            a.p95 = p99 / 1.5;
            a.p99 = p99;
            return a;
        }

        private static Alert alert(
                String rule, String subject, String status, long startsAt, long endsAt) {
            Alert a = new Alert();
            a.fingerprint = Integer.toHexString((rule + "/" + subject).hashCode());
            a.status = status;
            a.labels = Map.of("alertname", rule, "severity", "page", "subject", subject);
            a.summary = rule + " on " + subject;
            a.description = "";
            a.startsAt = startsAt;
            a.endsAt = endsAt;
            a.value = 0.5;
            a.threshold = 0.05;
            a.windowStart = startsAt - 60_000;
            a.windowEnd = startsAt;
            a.rule = rule;
            a.pipeline = "app-logs";
            if (status.equals(Alert.RESOLVED)) {
                a.resolvedValue = 0.01;
                a.resolvedAt = endsAt;
            }
            return a;
        }

        /** Everything but the aborted dead letters, encoded as the job's sinks encode it. */
        List<Out> committed() throws Exception {
            List<Out> out = new ArrayList<>();
            DeadLetterEncoder dead = new DeadLetterEncoder();
            for (DeadLetter d : deadLetters) {
                out.add(new Out(DEAD_LETTERS, dead.map(d)));
            }
            LogAggregateEncoder logs = new LogAggregateEncoder();
            for (LogAggregate a : logAggregates) {
                out.add(new Out(LOG_AGGREGATES, logs.map(a)));
            }
            MetricAggregateEncoder metrics = new MetricAggregateEncoder();
            for (MetricAggregate a : metricAggregates) {
                out.add(new Out(METRIC_AGGREGATES, metrics.map(a)));
            }
            AlertEncoder alertEncoder = new AlertEncoder();
            for (Alert a : alerts) {
                out.add(new Out(ALERTS, alertEncoder.map(a)));
            }
            LateEventEncoder.Logs lateLogEncoder =
                    new LateEventEncoder.Logs("app-logs", List.of("service"), 65536);
            for (int i = 0; i < lateLogs.size(); i++) {
                LogEvent e =
                        new LogEvent(
                                GroupKey.join(List.of(lateLogs.get(i))),
                                hour + i,
                                Level.ERROR,
                                "late " + i);
                e.topic = "logs";
                e.offset = i;
                e.record = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                out.add(new Out(LATE_EVENTS, lateLogEncoder.map(e)));
            }
            LateEventEncoder.Metrics lateMetricEncoder =
                    new LateEventEncoder.Metrics("app-metrics", List.of("host"), 65536);
            for (int i = 0; i < lateMetrics.size(); i++) {
                MetricPoint p =
                        new MetricPoint(
                                GroupKey.join(List.of("cpu", lateMetrics.get(i))),
                                "cpu",
                                hour + i,
                                0.5);
                p.topic = "metrics";
                p.offset = i;
                out.add(new Out(LATE_EVENTS, lateMetricEncoder.map(p)));
            }
            return out;
        }

        List<Out> aborted() {
            DeadLetterEncoder dead = new DeadLetterEncoder();
            return abortedDeadLetters.stream()
                    .map(d -> new Out(DEAD_LETTERS, dead.map(d)))
                    .toList();
        }

        // The answers, as the tableau rows print them.

        List<List<String>> deadLettersPerServiceLastHour() {
            long since = now.minus(1, ChronoUnit.HOURS).toEpochMilli();
            return countRows(
                    deadLetters.stream()
                            .filter(d -> d.rejectedAt > since)
                            .map(d -> serviceIn(d.raw))
                            .toList());
        }

        List<List<String>> deadLettersPerReason() {
            return countRows(deadLetters.stream().map(d -> d.reason).toList());
        }

        /** Counts of each value, most first, then by value: the queries' ORDER BY. */
        private static List<List<String>> countRows(List<String> values) {
            Map<String, Long> counts =
                    values.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            Function.identity(), Collectors.counting()));
            return counts.entrySet().stream()
                    .sorted(
                            Map.Entry.<String, Long>comparingByValue()
                                    .reversed()
                                    .thenComparing(Map.Entry.comparingByKey()))
                    .map(e -> List.of(e.getKey(), Long.toString(e.getValue())))
                    .toList();
        }

        /** A service field in a complete JSON object (cut JSON and base64 have none). */
        private static final Pattern SERVICE =
                Pattern.compile("^\\{.*\"service\":\"([^\"]+)\".*}$");

        private static String serviceIn(String raw) {
            Matcher m = SERVICE.matcher(raw);
            return m.matches() ? m.group(1) : "(no service)";
        }

        List<ServiceRatio> topErrorRatios() {
            Map<String, long[]> perService = new HashMap<>();
            for (LogAggregate a : logAggregates) {
                long[] sums = perService.computeIfAbsent(a.group.get("service"), k -> new long[2]);
                sums[0] += a.total;
                sums[1] += a.levels.getOrDefault("ERROR", 0L) + a.levels.getOrDefault("FATAL", 0L);
            }
            return perService.entrySet().stream()
                    .map(
                            e ->
                                    new ServiceRatio(
                                            e.getKey(),
                                            e.getValue()[0],
                                            (double) e.getValue()[1] / e.getValue()[0]))
                    .sorted(Comparator.comparingDouble(ServiceRatio::ratio).reversed())
                    .limit(3)
                    .toList();
        }

        List<List<String>> firingPerRule() {
            Map<String, Alert> latest = new LinkedHashMap<>();
            for (Alert a : alerts) {
                latest.merge(
                        a.fingerprint, a, (x, y) -> transitionTime(y) >= transitionTime(x) ? y : x);
            }
            Map<String, Long> perRule = new TreeMap<>();
            latest.values().stream()
                    .filter(a -> a.status.equals(Alert.FIRING))
                    .forEach(a -> perRule.merge(a.rule, 1L, Long::sum));
            return perRule.entrySet().stream()
                    .map(e -> List.of(e.getKey(), Long.toString(e.getValue())))
                    .toList();
        }

        private static long transitionTime(Alert a) {
            return a.endsAt >= 0 ? a.endsAt : a.startsAt;
        }

        /** Hour (as printed: UTC, milliseconds), service, worst p99, points. */
        List<List<String>> worstP99PerServiceAndHour() {
            Map<String, double[]> perHour = new TreeMap<>();
            for (MetricAggregate a : metricAggregates) {
                // The hour the window's end falls in (the window function's own rule).
                long h = (a.windowEnd / 3_600_000L) * 3_600_000L;
                String key =
                        SQL_TIME.format(Instant.ofEpochMilli(h)) + "|" + a.group.get("service");
                double[] v =
                        perHour.computeIfAbsent(
                                key, k -> new double[] {Double.NEGATIVE_INFINITY, 0});
                v[0] = Math.max(v[0], a.p99);
                v[1] += a.count;
            }
            return perHour.entrySet().stream()
                    .map(
                            e -> {
                                String[] k = e.getKey().split("\\|");
                                return List.of(
                                        k[0],
                                        k[1],
                                        Double.toString(e.getValue()[0]),
                                        Long.toString((long) e.getValue()[1]));
                            })
                    .toList();
        }

        List<List<String>> lateEventsPerKind() {
            return List.of(
                    List.of("app-logs", "log", Integer.toString(lateLogs.size())),
                    List.of("app-metrics", "metric", Integer.toString(lateMetrics.size())));
        }
    }

    /** How the SQL client prints a TIMESTAMP_LTZ(3) in a session with time zone UTC. */
    private static final DateTimeFormatter SQL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    // ---------------------------------------------------------------------------------------
    // Kafka and script helpers

    /** Writes {@code records} in one transaction, committed or aborted, as the job's sinks do. */
    private static void writeInTransaction(List<Out> records, boolean commit) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sql-e2e-" + commit);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Out o : records) {
                producer.send(new ProducerRecord<>(o.topic(), o.message().key, o.message().value));
            }
            producer.flush();
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
        }
    }

    /** Runs a script of the repository with this test's work directory and ports. */
    private static RepositoryScript script(Duration timeout, String... command) throws Exception {
        Map<String, String> env = new HashMap<>();
        PORTS.putInto(env);
        return RepositoryScript.run(ROOT, WORK, env, timeout, command);
    }
}
