package io.streamwatch.cli;

import io.streamwatch.config.ConfigOverride;
import io.streamwatch.config.Secrets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The job parameters that choose and override the configuration, shared by every command that loads
 * it (run, {@code validate}) so they accept exactly the same arguments.
 */
public class ConfigOptions {
    static final String KAFKA_PREFIX = "--kafka.";

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = "--config",
            paramLabel = "PATH",
            defaultValue = "jobs-config/streamwatch.yaml",
            description = "The job configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers (kafka.bootstrap_servers; config default localhost:9092).")
    String bootstrapServers;

    @Option(
            names = "--group-id",
            paramLabel = "ID",
            description = "Consumer group id (kafka.group_id; config default streamwatch).")
    String groupId;

    @Option(
            names = "--starting-offsets",
            paramLabel = "WHERE",
            description =
                    "Where sources start without a checkpoint: earliest, latest, committed (the"
                            + " group's committed offsets; earliest for partitions it has none"
                            + " of) or timestamp:<epoch ms> (kafka.starting_offsets; config"
                            + " default committed).")
    String startingOffsets;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "Job parallelism, 0 for the cluster's default (config default 0).")
    String parallelism;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "DURATION",
            description = "Checkpoint interval (checkpoint.interval; config default 10s).")
    String checkpointInterval;

    @Option(
            names = "--checkpoint-timeout",
            paramLabel = "DURATION",
            description = "Checkpoint timeout (checkpoint.timeout; config default 2m).")
    String checkpointTimeout;

    @Option(
            names = "--state-backend",
            paramLabel = "NAME",
            description = "rocksdb or hashmap (checkpoint.state_backend; config default rocksdb).")
    String stateBackend;

    @Option(
            names = "--delivery",
            paramLabel = "GUARANTEE",
            description =
                    "exactly-once, at-least-once or none (delivery; config default"
                            + " exactly-once).")
    String delivery;

    @Option(
            names = "--window-type",
            paramLabel = "TYPE",
            description =
                    "tumbling or sliding, for all pipelines (window.type; config default"
                            + " tumbling).")
    String windowType;

    @Option(
            names = "--window-size",
            paramLabel = "DURATION",
            description = "Window size, for all pipelines (window.size; config default 1m).")
    String windowSize;

    @Option(
            names = "--window-slide",
            paramLabel = "DURATION",
            description =
                    "Window slide of sliding windows, for all pipelines (window.slide; needs"
                            + " window type sliding).")
    String windowSlide;

    @Option(
            names = "--out-of-orderness",
            paramLabel = "DURATION",
            description =
                    "How late events may arrive before the watermark passes them, for all"
                            + " pipelines (out_of_orderness; config default 5s).")
    String outOfOrderness;

    @Option(
            names = "--idleness",
            paramLabel = "DURATION",
            description =
                    "After this long without data a partition stops holding back the"
                            + " watermark, for all pipelines; 0 = off (idleness; config"
                            + " default 30s).")
    String idleness;

    @Option(
            names = "--allowed-lateness",
            paramLabel = "DURATION",
            description =
                    "How long after a window closes a late event still updates it, for all"
                            + " pipelines (allowed_lateness; config default 0s).")
    String allowedLateness;

    @Option(
            names = "--input-topic",
            paramLabel = "PIPELINE=TOPIC",
            description = "The topic a pipeline reads (topic). Repeatable.")
    Map<String, String> inputTopics = new LinkedHashMap<>();

    @Option(
            names = "--output-topic",
            paramLabel = "PIPELINE=TOPIC",
            description =
                    "The topic a pipeline writes aggregates to (output_topic; config default"
                            + " streamwatch.log-aggregates or streamwatch.metric-aggregates)."
                            + " Repeatable.")
    Map<String, String> outputTopics = new LinkedHashMap<>();

    @Option(
            names = "--dead-letter-topic",
            paramLabel = "TOPIC",
            description =
                    "Where rejected records go (dead_letter_topic; config default"
                            + " streamwatch.dead-letter).")
    String deadLetterTopic;

    @Option(
            names = "--late-events-topic",
            paramLabel = "TOPIC",
            description =
                    "Where records too late for their window go (late_events_topic; config"
                            + " default streamwatch.late-events).")
    String lateEventsTopic;

    @Option(
            names = "--alerts-topic",
            paramLabel = "TOPIC",
            description = "Where alerts go (alerts.topic; config default streamwatch.alerts).")
    String alertsTopic;

    @Option(
            names = "--set",
            paramLabel = "PATH=VALUE",
            description =
                    "Any other config value by its path, e.g. pipelines.app-logs.window.size=5m"
                            + " or pipelines.*.top_patterns=10; applied before the options"
                            + " above. Repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The file to load. */
    public Path config() {
        return config;
    }

    /**
     * Every override given, each named after the parameter it came from.
     *
     * @throws ParameterException for arguments that are neither options nor {@code --kafka.*}
     */
    public List<ConfigOverride> overrides() {
        List<ConfigOverride> out = new ArrayList<>();
        settings.forEach(
                (path, value) -> out.add(new ConfigOverride(path, value, "--set " + path)));
        add(out, "kafka.bootstrap_servers", bootstrapServers, "--bootstrap-servers");
        add(out, "kafka.group_id", groupId, "--group-id");
        add(out, "kafka.starting_offsets", startingOffsets, "--starting-offsets");
        add(out, "parallelism", parallelism, "--parallelism");
        add(out, "checkpoint.interval", checkpointInterval, "--checkpoint-interval");
        add(out, "checkpoint.timeout", checkpointTimeout, "--checkpoint-timeout");
        add(out, "checkpoint.state_backend", stateBackend, "--state-backend");
        add(out, "delivery", delivery, "--delivery");
        add(out, "pipelines.*.window.type", windowType, "--window-type");
        add(out, "pipelines.*.window.size", windowSize, "--window-size");
        add(out, "pipelines.*.window.slide", windowSlide, "--window-slide");
        add(out, "pipelines.*.out_of_orderness", outOfOrderness, "--out-of-orderness");
        add(out, "pipelines.*.idleness", idleness, "--idleness");
        add(out, "pipelines.*.allowed_lateness", allowedLateness, "--allowed-lateness");
        inputTopics.forEach(
                (name, topic) ->
                        add(out, "pipelines." + name + ".topic", topic, "--input-topic " + name));
        outputTopics.forEach(
                (name, topic) ->
                        add(
                                out,
                                "pipelines." + name + ".output_topic",
                                topic,
                                "--output-topic " + name));
        add(out, "dead_letter_topic", deadLetterTopic, "--dead-letter-topic");
        add(out, "late_events_topic", lateEventsTopic, "--late-events-topic");
        add(out, "alerts.topic", alertsTopic, "--alerts-topic");
        kafkaProperties()
                .forEach(
                        (key, value) ->
                                add(out, "kafka.properties." + key, value, KAFKA_PREFIX + key));
        return out;
    }

    /**
     * Warns about {@code --kafka.*} secrets written out in the arguments: they show in process
     * lists and shell history, where a reference would not.
     */
    public void warnAboutLiteralSecrets(PrintWriter err) {
        kafkaProperties()
                .forEach(
                        (key, value) -> {
                            if (Secrets.isSecretKey(key)
                                    && !value.contains("${env:")
                                    && !value.contains("${file:")) {
                                err.println(
                                        "warning: "
                                                + KAFKA_PREFIX
                                                + key
                                                + " looks like a secret; pass it as ${env:NAME}"
                                                + " or ${file:PATH} instead of in the arguments");
                            }
                        });
    }

    /** The {@code --kafka.<key> VALUE} and {@code --kafka.<key>=VALUE} pairs, in order. */
    Map<String, String> kafkaProperties() {
        List<String> unmatched = spec.commandLine().getUnmatchedArguments();
        Map<String, String> out = new LinkedHashMap<>();
        List<String> rejected = new ArrayList<>();
        for (int i = 0; i < unmatched.size(); i++) {
            String arg = unmatched.get(i);
            if (!arg.startsWith(KAFKA_PREFIX)) {
                rejected.add(arg);
                continue;
            }
            String key;
            String value;
            int eq = arg.indexOf('=');
            if (eq >= 0) {
                key = arg.substring(KAFKA_PREFIX.length(), eq);
                value = arg.substring(eq + 1);
            } else {
                key = arg.substring(KAFKA_PREFIX.length());
                if (i + 1 >= unmatched.size() || unmatched.get(i + 1).startsWith(KAFKA_PREFIX)) {
                    throw new ParameterException(
                            spec.commandLine(),
                            "Missing value for " + arg + " (use " + arg + " VALUE)");
                }
                value = unmatched.get(++i);
            }
            if (key.isBlank()) {
                throw new ParameterException(
                        spec.commandLine(),
                        "A Kafka client property name is missing in '" + arg + "'");
            }
            out.put(key, value);
        }
        if (!rejected.isEmpty()) {
            throw new UnmatchedArgumentException(spec.commandLine(), rejected);
        }
        return out;
    }

    private static void add(List<ConfigOverride> out, String path, String value, String source) {
        if (value != null) {
            out.add(new ConfigOverride(path, value, source));
        }
    }
}
