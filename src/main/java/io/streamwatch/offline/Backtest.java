package io.streamwatch.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.alerts.RuleRecord;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.formats.RecordDecoder;
import io.streamwatch.job.StreamwatchJob;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.KafkaMessage;
import io.streamwatch.records.Times;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.sources.RuleRecordDeserializer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.Admin;

/**
 * Runs the pipelines and rules over a past time range of the input topics (bounded by Kafka record
 * timestamps) and reports what would have fired, so a rule can be tuned before it goes live. Reads
 * the live topic rules too (the control topic up to now), plus any candidate rules given; writes
 * nothing to the job's output topics.
 */
public final class Backtest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StreamwatchConfig config;
    private final List<RuleDefinition> rules;
    private final long from;
    private final long to;

    /** A problem that stops the backtest before it runs, with a message for the user. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    public Backtest(StreamwatchConfig config, List<RuleDefinition> rules, long from, long to)
            throws Refused {
        if (from >= to) {
            throw new Refused(
                    "the time range is empty: --from "
                            + Times.iso(from)
                            + " is not before --to "
                            + Times.iso(to));
        }
        this.config = config;
        this.rules = rules;
        this.from = from;
        this.to = to;
    }

    /** Parses a time: ISO-8601 ({@code 2026-11-26T06:00:00Z}), {@code now}, or {@code now-2h}. */
    public static long parseTime(String text, String option, long now) throws Refused {
        String t = text.trim();
        try {
            if (t.equals("now")) {
                return now;
            }
            if (t.startsWith("now-")) {
                return now - io.streamwatch.config.Durations.parse(t.substring(4)).toMillis();
            }
            return Instant.parse(t).toEpochMilli();
        } catch (RuntimeException e) {
            throw new Refused(
                    option
                            + " \""
                            + text
                            + "\" is not a time: use ISO-8601 (2026-11-26T06:00:00Z), now, or now-2h");
        }
    }

    /** Checks that every topic the backtest reads exists. */
    public void checkTopics() throws Refused {
        Set<String> wanted = new LinkedHashSet<>();
        config.pipelines().forEach(p -> wanted.add(p.topic()));
        Properties props = new Properties();
        props.putAll(config.kafka().properties());
        props.put("bootstrap.servers", config.kafka().bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (String t : wanted) {
                if (!existing.contains(t)) {
                    throw new Refused(
                            "topic \""
                                    + t
                                    + "\" does not exist on "
                                    + config.kafka().bootstrapServers()
                                    + " (pipeline '"
                                    + pipelineOf(t)
                                    + "')");
                }
            }
        } catch (Refused e) {
            throw e;
        } catch (Exception e) {
            throw new Refused(
                    "cannot reach Kafka at "
                            + config.kafka().bootstrapServers()
                            + ": "
                            + e.getMessage());
        }
    }

    private String pipelineOf(String topic) {
        return config.pipelines().stream()
                .filter(p -> p.topic().equals(topic))
                .map(PipelineConfig::name)
                .findFirst()
                .orElse("?");
    }

    /** Runs it; returns the alert transitions, and prints the per-rule summary to {@code out}. */
    public List<JsonNode> run(PrintWriter out) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        StreamwatchJob.Sources sources =
                new StreamwatchJob.Sources() {
                    @Override
                    public Source<Decoded, ?, ?> pipeline(PipelineConfig p) {
                        return KafkaSource.<Decoded>builder()
                                .setBootstrapServers(config.kafka().bootstrapServers())
                                .setTopics(p.topic())
                                .setGroupId(config.kafka().groupId() + "-backtest-" + run)
                                .setStartingOffsets(OffsetsInitializer.timestamp(from))
                                .setBounded(OffsetsInitializer.timestamp(to))
                                .setDeserializer(new RecordDecoder(p, config.limits()))
                                .setProperties(properties())
                                .build();
                    }

                    @Override
                    public Source<RuleRecord, ?, ?> ruleControl() {
                        return KafkaSource.<RuleRecord>builder()
                                .setBootstrapServers(config.kafka().bootstrapServers())
                                .setTopics(config.alerts().controlTopic())
                                .setGroupId(config.kafka().groupId() + "-backtest-" + run)
                                .setStartingOffsets(OffsetsInitializer.earliest())
                                .setBounded(OffsetsInitializer.latest())
                                .setDeserializer(new RuleRecordDeserializer())
                                .setProperties(properties())
                                .build();
                    }
                };
        String alertsTopic = config.alerts().topic();
        OfflineRun.Output output =
                new OfflineRun(config, rules).run(sources, t -> t.equals(alertsTopic));
        List<JsonNode> alerts = new ArrayList<>();
        for (KafkaMessage m : output.records().getOrDefault(alertsTopic, List.of())) {
            JsonNode a = JSON.readTree(new String(m.value, StandardCharsets.UTF_8));
            // The input ends at --to, and event time runs on to the end of everything: what
            // happens after --to (hosts "silent" because the data stops) is not an answer.
            boolean firing = a.get("status").asText().equals("firing");
            long at = Instant.parse(a.get(firing ? "startsAt" : "endsAt").asText()).toEpochMilli();
            if (at <= to) {
                alerts.add(a);
            }
        }
        Map<String, Long> keys = new java.util.HashMap<>();
        config.pipelines()
                .forEach(p -> keys.put(p.name(), output.keys().getOrDefault(p.outputTopic(), 0L)));
        summarize(out, alerts, output.counts(), keys, output.deadLetters());
        return alerts;
    }

    private Properties properties() {
        Properties props = new Properties();
        props.putAll(config.kafka().properties());
        props.setProperty("isolation.level", "read_committed");
        props.setProperty("commit.offsets.on.checkpoint", "false");
        return props;
    }

    private void summarize(
            PrintWriter out,
            List<JsonNode> alerts,
            Map<String, Long> counts,
            Map<String, Long> keysByPipeline,
            Map<String, DeadLetterReasons.Reason> deadLetters) {
        long aggregates =
                config.pipelines().stream()
                        .mapToLong(p -> counts.getOrDefault(p.outputTopic(), 0L))
                        .sum();
        out.printf(
                "Backtest %s .. %s: %d aggregates, %d dead letters, %d alert transitions%n",
                Times.iso(from),
                Times.iso(to),
                aggregates,
                counts.getOrDefault(config.deadLetterTopic(), 0L),
                alerts.size());
        DeadLetterReasons.print(out, deadLetters);
        Map<String, long[]> byRule = new TreeMap<>();
        Map<String, Long> open = new TreeMap<>();
        for (JsonNode a : alerts) {
            String rule = a.get("rule").asText();
            // fired, first, last, firing millis
            long[] s = byRule.computeIfAbsent(rule, r -> new long[] {0, Long.MAX_VALUE, 0, 0});
            long startsAt = Instant.parse(a.get("startsAt").asText()).toEpochMilli();
            String id = rule + "/" + a.get("fingerprint").asText();
            if (a.get("status").asText().equals("firing")) {
                s[0]++;
                s[1] = Math.min(s[1], startsAt);
                s[2] = Math.max(s[2], startsAt);
                open.put(id, startsAt);
            } else {
                Long since = open.remove(id);
                long endsAt = Instant.parse(a.get("endsAt").asText()).toEpochMilli();
                s[3] += endsAt - (since == null ? startsAt : since);
            }
        }
        open.forEach(
                (id, since) ->
                        byRule.get(id.substring(0, id.indexOf('/')))[3] += Math.max(0, to - since));
        if (byRule.isEmpty()) {
            out.println("No rule fired.");
            return;
        }
        out.printf(
                "%-28s %6s  %-24s  %-24s  %s%n", "rule", "fired", "first", "last", "firing in all");
        byRule.forEach(
                (rule, s) ->
                        out.printf(
                                "%-28s %6d  %-24s  %-24s  %s%n",
                                rule,
                                s[0],
                                s[0] == 0 ? "-" : Times.iso(s[1]),
                                s[0] == 0 ? "-" : Times.iso(s[2]),
                                io.streamwatch.config.Durations.format(Duration.ofMillis(s[3]))));
        double days = (to - from) / 86_400_000.0;
        FiringRates.print(out, FiringRates.of(alerts, keysByPipeline, days), days);
        out.flush();
    }
}
