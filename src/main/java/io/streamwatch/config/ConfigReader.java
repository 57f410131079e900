package io.streamwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the whole (already overridden) YAML tree into a {@link StreamwatchConfig}: every section,
 * its defaults, and the checks that span sections (timeouts, topics that must differ).
 */
final class ConfigReader {
    static final List<String> TOP_KEYS =
            List.of(
                    "kafka",
                    "delivery",
                    "checkpoint",
                    "parallelism",
                    "limits",
                    "pipelines",
                    "alerts",
                    "dead_letter_topic",
                    "late_events_topic");

    // The broker's default transaction.max.timeout.ms; a longer client timeout is refused.
    static final Duration BROKER_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);
    // Flink's smallest checkpoint interval.
    private static final Duration MIN_CHECKPOINT = Duration.ofMillis(10);
    private static final Duration POSITIVE = Duration.ofMillis(1);
    private static final Pattern BROKER =
            Pattern.compile("([A-Za-z_]+://)?(\\[[0-9A-Fa-f:.]+]|[^:\\s\\[\\]/]+):(\\d{1,5})");
    // Client settings that have their own config key; two places for one value invite conflicts.
    private static final Map<String, String> OWN_KEYS =
            Map.of(
                    "bootstrap.servers", "kafka.bootstrap_servers",
                    "group.id", "kafka.group_id",
                    "transaction.timeout.ms", "kafka.transaction_timeout",
                    "transactional.id", "kafka.transactional_id_prefix");

    private final Problems problems;
    private final Function<String, String> env;
    private final Path baseDir;
    private StreamwatchConfig forRuleChecks;
    private boolean namesRuleFiles;

    ConfigReader(Problems problems, Function<String, String> env, Path baseDir) {
        this.problems = problems;
        this.env = env;
        this.baseDir = baseDir;
    }

    /** The config, or null when the tree has problems (all of them in {@link Problems}). */
    StreamwatchConfig read(String source, JsonNode root) {
        Section top = Section.root(problems, root);
        top.allowOnly(TOP_KEYS);
        Section kafkaSection = top.section("kafka");
        KafkaConfig kafka = kafka(kafkaSection);
        Delivery delivery =
                Delivery.parse(
                        top.choice(
                                "delivery",
                                "exactly-once",
                                Arrays.stream(Delivery.values())
                                        .map(Delivery::configName)
                                        .toList()));
        CheckpointConfig checkpoint = checkpoint(top.section("checkpoint"));
        int parallelism = top.integer("parallelism", 0, 0, 32768);
        LimitsConfig limits = limits(top.section("limits"));
        int problemsBefore = problems.size();
        List<PipelineConfig> pipelines = pipelines(top);
        AlertsConfig alerts = alerts(top.section("alerts"));
        // The rule files need only these two sections: when they read cleanly, the rules can be
        // checked even though another section has problems (validate then reports both).
        boolean ruleInputsClean = problems.size() == problemsBefore;
        namesRuleFiles = !alerts.rules().isEmpty();
        String deadLetter = top.topic("dead_letter_topic", "streamwatch.dead-letter");
        String lateEvents = top.topic("late_events_topic", "streamwatch.late-events");

        if (delivery == Delivery.EXACTLY_ONCE) {
            checkTransactionTimeout(kafkaSection, kafka, checkpoint);
        }
        new TopicCheck(problems).check(pipelines, alerts, deadLetter, lateEvents);
        if (!problems.isEmpty() && !ruleInputsClean) {
            return null;
        }
        StreamwatchConfig config =
                new StreamwatchConfig(
                        source,
                        kafka,
                        delivery,
                        checkpoint,
                        parallelism,
                        limits,
                        List.copyOf(pipelines),
                        alerts,
                        deadLetter,
                        lateEvents);
        if (!problems.isEmpty()) {
            // Not a config to run, but its pipelines and alerts serve to check the rules too.
            forRuleChecks = config;
            return null;
        }
        return config;
    }

    /**
     * After a {@link #read} that found problems: the config as read, for checking the rule files
     * only, when its pipelines and alerts sections had none; else null. Other sections may hold
     * invalid values.
     */
    StreamwatchConfig forRuleChecks() {
        return forRuleChecks;
    }

    /** After a {@link #read}: whether alerts.rules names any rule file (as far as it reads). */
    boolean namesRuleFiles() {
        return namesRuleFiles;
    }

    private KafkaConfig kafka(Section s) {
        s.allowOnly(
                List.of(
                        "bootstrap_servers",
                        "group_id",
                        "starting_offsets",
                        "properties",
                        "transaction_timeout",
                        "transactional_id_prefix"));
        String servers = s.string("bootstrap_servers", "localhost:9092");
        checkServers(s, servers);
        String groupId = nonBlank(s, "group_id", "streamwatch");
        StartingOffsets offsets = StartingOffsets.of(StartingOffsets.Kind.COMMITTED);
        String offsetsText = s.string("starting_offsets", null);
        if (offsetsText != null) {
            try {
                offsets = StartingOffsets.parse(offsetsText);
            } catch (IllegalArgumentException e) {
                s.problem("starting_offsets", e.getMessage());
            }
        }
        Duration txTimeout = s.duration("transaction_timeout", Duration.ofMinutes(10), POSITIVE);
        if (txTimeout.compareTo(BROKER_MAX_TRANSACTION_TIMEOUT) >= 0) {
            s.problem(
                    "transaction_timeout",
                    Durations.format(txTimeout)
                            + " must be less than 15m, the broker's default maximum"
                            + " (transaction.max.timeout.ms); the broker would refuse the"
                            + " transactions");
        }
        String prefix = nonBlank(s, "transactional_id_prefix", groupId);
        return new KafkaConfig(servers, groupId, offsets, properties(s), txTimeout, prefix);
    }

    private static void checkServers(Section s, String servers) {
        if (servers.isBlank()) {
            s.problem("bootstrap_servers", "is empty; give host:port[,host:port...]");
            return;
        }
        for (String server : servers.split(",")) {
            var m = BROKER.matcher(server.strip());
            if (!m.matches() || Integer.parseInt(m.group(3)) > 65535) {
                s.problem(
                        "bootstrap_servers",
                        Names.quote(server.strip()) + " is not host:port (e.g. localhost:9092)");
            }
        }
    }

    private static String nonBlank(Section s, String key, String def) {
        String v = s.string(key, def);
        if (v.isBlank()) {
            s.problem(key, "is empty");
            return def;
        }
        return v;
    }

    /** Client properties with secret references resolved; values never appear in messages. */
    private Map<String, String> properties(Section s) {
        Map<String, String> raw = s.stringMap("properties");
        Set<String> kafkaProviders = new HashSet<>();
        for (String p : raw.getOrDefault("config.providers", "").split(",")) {
            kafkaProviders.add(p.strip().toLowerCase(Locale.ROOT));
        }
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach(
                (key, value) -> {
                    String field = "properties." + key;
                    if (OWN_KEYS.containsKey(key)) {
                        s.problem(field, "set " + OWN_KEYS.get(key) + " instead");
                    }
                    try {
                        out.put(key, Secrets.resolve(value, env, baseDir, kafkaProviders));
                    } catch (IllegalArgumentException e) {
                        s.problem(field, e.getMessage());
                    }
                });
        return Collections.unmodifiableMap(out);
    }

    private CheckpointConfig checkpoint(Section s) {
        s.allowOnly(
                List.of(
                        "interval",
                        "timeout",
                        "state_backend",
                        "dir",
                        "tolerable_failures",
                        "unaligned"));
        Duration interval = s.duration("interval", Duration.ofSeconds(10), MIN_CHECKPOINT);
        Duration timeout = s.duration("timeout", Duration.ofMinutes(2), MIN_CHECKPOINT);
        String backend = s.choice("state_backend", "rocksdb", List.of("rocksdb", "hashmap"));
        String dir = s.string("dir", null);
        if (dir != null) {
            try {
                if (dir.isBlank()) {
                    throw new URISyntaxException(dir, "empty");
                }
                new URI(dir);
            } catch (URISyntaxException e) {
                s.problem(
                        "dir",
                        Names.quote(dir)
                                + " is not a URI (e.g. file:///var/lib/streamwatch/checkpoints,"
                                + " s3://bucket/checkpoints)");
            }
        }
        int tolerable =
                s.integer(
                        "tolerable_failures", CheckpointConfig.DEFAULT_TOLERABLE_FAILURES, 0, 100);
        boolean unaligned = s.bool("unaligned", false);
        return new CheckpointConfig(interval, timeout, backend, dir, tolerable, unaligned);
    }

    private static LimitsConfig limits(Section s) {
        s.allowOnly(
                List.of(
                        "max_record_size",
                        "dead_letter_raw_limit",
                        "max_event_age",
                        "max_event_future"));
        return new LimitsConfig(
                s.size("max_record_size", 1 << 20, 1),
                // 0 keeps no raw payload in dead letters.
                s.size("dead_letter_raw_limit", 64 << 10, 0),
                s.duration("max_event_age", Duration.ofDays(30), POSITIVE),
                s.duration("max_event_future", Duration.ofHours(1), Duration.ZERO));
    }

    private List<PipelineConfig> pipelines(Section top) {
        JsonNode list = top.get("pipelines");
        List<PipelineConfig> out = new ArrayList<>();
        if (list == null) {
            top.problem("pipelines", "is missing; at least one pipeline is needed");
            return out;
        }
        if (!list.isArray()) {
            top.problem("pipelines", "must be a list of pipelines, got " + Section.describe(list));
            return out;
        }
        if (list.isEmpty()) {
            top.problem("pipelines", "is empty; at least one pipeline is needed");
        }
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            PipelineConfig p = PipelineReader.read(problems, list.get(i), i);
            if (p == null) {
                continue;
            }
            if (p.name() != null) {
                Integer first = seen.putIfAbsent(p.name(), i);
                if (first != null) {
                    problems.at(
                            "pipeline '" + p.name() + "'",
                            "name",
                            "duplicate pipeline name (pipeline #"
                                    + (first + 1)
                                    + " has it too); names must be unique",
                            "pipelines[" + i + "].name");
                }
            }
            out.add(p);
        }
        return out;
    }

    private static AlertsConfig alerts(Section s) {
        s.allowOnly(List.of("topic", "rules", "control_topic", "status_topic", "state_ttl"));
        return new AlertsConfig(
                s.topic("topic", "streamwatch.alerts"),
                s.stringList("rules", List.of()),
                s.topic("control_topic", "streamwatch.rules"),
                s.topic("status_topic", "streamwatch.rule-status"),
                s.duration("state_ttl", AlertsConfig.DEFAULT_STATE_TTL, Duration.ZERO));
    }

    // Flink keeps a transaction open from one checkpoint until a later one completes; if the
    // broker aborts it first, the output of that checkpoint is lost.
    private static void checkTransactionTimeout(
            Section kafkaSection, KafkaConfig kafka, CheckpointConfig checkpoint) {
        Duration needed = checkpoint.longestTransaction();
        if (kafka.transactionTimeout().compareTo(needed) <= 0) {
            String bound =
                    checkpoint.tolerableFailures() == 0
                            ? "checkpoint.interval + checkpoint.timeout"
                            : "(checkpoint.tolerable_failures + 1) x (checkpoint.interval +"
                                    + " checkpoint.timeout)";
            kafkaSection.problems.at(
                    "kafka",
                    "transaction_timeout",
                    Durations.format(kafka.transactionTimeout())
                            + " must be longer than "
                            + bound
                            + " ("
                            + Durations.format(needed)
                            + "), or exactly-once transactions abort before they commit",
                    "kafka.transaction_timeout",
                    "checkpoint.interval",
                    "checkpoint.timeout",
                    "checkpoint.tolerable_failures");
        }
    }
}
