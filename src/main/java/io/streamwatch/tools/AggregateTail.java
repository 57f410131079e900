package io.streamwatch.tools;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints the job's output topics as they are written, one readable line per record, so the
 * playground shows aggregates and alerts arriving without a separate Kafka UI. It reads with {@code
 * read_committed}, which is what a downstream consumer of an exactly-once job must do, so what it
 * shows is what such a consumer would see. It joins no consumer group and commits nothing: watching
 * must not change any state.
 */
@Command(
        name = "tail",
        mixinStandardHelpOptions = true,
        description = "Prints Streamwatch output records (aggregates, alerts) as readable lines.")
public final class AggregateTail implements Callable<Integer> {

    /** How often to look for topics that did not exist yet. */
    private static final long TOPIC_RETRY_MS = 5_000;

    @Option(
            names = "--bootstrap-servers",
            defaultValue = "127.0.0.1:19092",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(
            names = "--topics",
            split = ",",
            defaultValue =
                    "streamwatch.log-aggregates,streamwatch.metric-aggregates,streamwatch.alerts",
            description = "Topics to read (default: ${DEFAULT-VALUE}).")
    List<String> topics;

    @Option(
            names = "--alerts-only",
            description =
                    "Print only alert transitions (FIRING, RESOLVED), not aggregates or dead"
                            + " letters.")
    boolean alertsOnly;

    @Option(
            names = "--color",
            defaultValue = "auto",
            paramLabel = "WHEN",
            description =
                    "Colour alert lines: auto (when run at a terminal and NO_COLOR is not set),"
                            + " always, never (default: ${DEFAULT-VALUE}).")
    String color;

    @Option(
            names = "--from-beginning",
            description = "Start at the earliest offsets instead of the end.")
    boolean fromBeginning;

    @Option(
            names = "--max-records",
            defaultValue = "0",
            description = "Exit 0 after printing this many records; 0 = no limit (default).")
    long maxRecords;

    @Option(
            names = "--timeout",
            converter = DurationConverter.class,
            description =
                    "Exit after this long, e.g. 60s. With --max-records, exit 1 if fewer arrived.")
    Duration timeout;

    @Option(
            names = "--status-interval",
            defaultValue = "5s",
            converter = DurationConverter.class,
            description =
                    "How often to print a status line to stderr; 0 = never (default: ${DEFAULT-VALUE}).")
    Duration statusInterval;

    @Option(
            names = "--lag-group",
            description =
                    "Consumer group of the job (e.g. streamwatch): the status line then shows the"
                            + " input rate and the group's lag on --lag-topics.")
    String lagGroup;

    @Option(
            names = "--lag-topics",
            split = ",",
            defaultValue = "logs,metrics",
            description = "Input topics for --lag-group (default: ${DEFAULT-VALUE}).")
    List<String> lagTopics;

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final CountDownLatch finished = new CountDownLatch(1);

    /** Fingerprints of the alerts whose last transition seen here was FIRING. */
    private final Set<String> firing = new HashSet<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new AggregateTail()).execute(args));
    }

    @Override
    public Integer call() {
        boolean colour =
                switch (color.toLowerCase(java.util.Locale.ROOT)) {
                    case "always" -> true;
                    case "never" -> false;
                    case "auto" -> colourByDefault();
                    default ->
                            throw new CommandLine.ParameterException(
                                    new CommandLine(this),
                                    "--color must be auto, always or never, not " + color);
                };
        TailFormat format = new TailFormat(ZoneId.systemDefault(), colour);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties());
                InputLag lag =
                        lagGroup == null
                                ? null
                                : new InputLag(bootstrapServers, lagGroup, lagTopics)) {
            Thread pollThread = Thread.currentThread();
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        // Ctrl-C: wake the poll so the consumer closes cleanly.
                                        consumer.wakeup();
                                        try {
                                            finished.await(5, TimeUnit.SECONDS);
                                        } catch (InterruptedException e) {
                                            pollThread.interrupt();
                                        }
                                    },
                                    "tail-shutdown"));
            return tail(consumer, format, lag);
        } catch (WakeupException e) {
            return 0;
        } finally {
            System.out.flush();
            finished.countDown();
        }
    }

    private int tail(KafkaConsumer<byte[], byte[]> consumer, TailFormat format, InputLag lag) {
        long start = System.nanoTime();
        long deadline = timeout == null ? Long.MAX_VALUE : start + timeout.toNanos();
        long statusNanos = statusInterval.toNanos();
        long nextStatus = start + statusNanos;
        long nextTopicCheck = start;
        Set<String> missing = new LinkedHashSet<>(topics);
        Set<TopicPartition> assigned = new HashSet<>();
        long seen = 0;
        long seenAtLastStatus = 0;
        long lastStatusAt = start;
        boolean firstAssignment = true;
        while (true) {
            long now = System.nanoTime();
            if (now >= deadline) {
                System.err.printf("tail: timeout after %s with %d records%n", timeout, seen);
                return maxRecords > 0 && seen < maxRecords ? 1 : 0;
            }
            if (!missing.isEmpty() && now >= nextTopicCheck) {
                nextTopicCheck = now + TimeUnit.MILLISECONDS.toNanos(TOPIC_RETRY_MS);
                List<TopicPartition> added = assignExisting(consumer, missing, assigned);
                if (added == null) {
                    continue; // broker not answering yet; the next check decides "first"
                }
                if (!added.isEmpty()) {
                    // Topics found at start honour --from-beginning; a topic that appears later
                    // holds only new records, so it is read from its beginning.
                    if (fromBeginning || !firstAssignment) {
                        consumer.seekToBeginning(added);
                    } else {
                        consumer.seekToEnd(added);
                    }
                }
                firstAssignment = false;
            }
            if (assigned.isEmpty()) {
                sleep(200);
            } else {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TailFormat.Line line = format.format(record.value());
                    if (line.kind() == TailFormat.Kind.ALERT && line.fingerprint() != null) {
                        if ("firing".equals(line.alertStatus())) {
                            firing.add(line.fingerprint());
                        } else {
                            firing.remove(line.fingerprint());
                        }
                    }
                    if (alertsOnly && line.kind() != TailFormat.Kind.ALERT) {
                        continue;
                    }
                    System.out.println(line.text());
                    seen++;
                    if (maxRecords > 0 && seen >= maxRecords) {
                        System.out.flush();
                        return 0;
                    }
                }
                System.out.flush();
            }
            now = System.nanoTime();
            if (statusNanos > 0 && now >= nextStatus) {
                double seconds = (now - lastStatusAt) / 1e9;
                System.err.printf(
                        "%s tail: %d records, %.1f/s%s; %d alert%s firing (of those seen since start)%s%n",
                        LocalTime.now().format(CLOCK),
                        seen,
                        (seen - seenAtLastStatus) / seconds,
                        lag == null ? "" : lag.status(),
                        firing.size(),
                        firing.size() == 1 ? "" : "s",
                        missing.isEmpty() ? "" : "; waiting for topics " + missing);
                seenAtLastStatus = seen;
                lastStatusAt = now;
                nextStatus = now + statusNanos;
            }
        }
    }

    /**
     * Assigns all partitions of the topics in {@code missing} that exist now; {@code null} if the
     * broker did not answer in time.
     */
    private static List<TopicPartition> assignExisting(
            KafkaConsumer<byte[], byte[]> consumer,
            Set<String> missing,
            Set<TopicPartition> assigned) {
        Map<String, List<PartitionInfo>> existing;
        try {
            existing = consumer.listTopics(Duration.ofSeconds(10));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return null;
        }
        List<TopicPartition> added = new ArrayList<>();
        for (String topic : List.copyOf(missing)) {
            List<PartitionInfo> partitions = existing.get(topic);
            if (partitions != null && !partitions.isEmpty()) {
                partitions.forEach(p -> added.add(new TopicPartition(topic, p.partition())));
                missing.remove(topic);
            }
        }
        if (!added.isEmpty()) {
            assigned.addAll(added);
            consumer.assign(assigned);
        }
        return added;
    }

    /**
     * Colour only for a person at a terminal: {@code System.console()} is null when stdout (or
     * stdin) is redirected, and {@code NO_COLOR} (no-color.org) or {@code TERM=dumb} turn it off.
     */
    private static boolean colourByDefault() {
        String noColor = System.getenv("NO_COLOR");
        return System.console() != null
                && (noColor == null || noColor.isEmpty())
                && !"dumb".equals(System.getenv("TERM"));
    }

    private Properties consumerProperties() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        // Only committed transactions: aborted attempts of the exactly-once sink stay invisible.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamwatch-tail");
        return props;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }
}
