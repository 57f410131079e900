package io.streamwatch.alertmanager;

import io.streamwatch.records.Times;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Keeps one or more Alertmanagers in step with the alerts topic. It reads the topic {@code
 * read_committed} (an alert of an aborted transaction was never an alert) from the beginning,
 * without a consumer group: the topic, keyed by fingerprint, is the state, so at every start the
 * firing set is rebuilt from it before anything is sent, and then the alerts firing now are sent
 * with their original {@code startsAt}. Alertmanager identifies an alert by its label set, so such
 * a re-send merges into the alert it has and notifies nobody again. After that every transition is
 * forwarded as it is read (a resolve with {@code endsAt}), and every {@code resendInterval} the
 * whole firing set again: Alertmanager resolves an alert that is not re-sent within its {@code
 * resolve_timeout} (5 minutes by default).
 *
 * <p>Each Alertmanager URL (an HA pair is two) has its own {@link AlertmanagerTarget}, so one that
 * is down is retried with backoff while the others are served.
 */
public final class AlertmanagerBridge implements AutoCloseable {

    /**
     * What the bridge is told.
     *
     * @param kafkaProperties client settings for the consumer (security, ...), as the job's
     * @param maxBackoff the longest wait between two attempts at a failing Alertmanager
     * @param requestTimeout the timeout of one POST
     * @param flinkUrl the Flink web UI's base URL for {@code generatorURL}
     * @param jobId the job's id, or null to look it up by {@code jobName}
     */
    public record Settings(
            String bootstrapServers,
            Map<String, String> kafkaProperties,
            String topic,
            List<String> urls,
            Duration resendInterval,
            Duration maxBackoff,
            Duration requestTimeout,
            String flinkUrl,
            String jobId,
            String jobName) {}

    /** How often to look again for a topic that does not exist yet. */
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(5);

    private static final Duration POLL = Duration.ofMillis(500);

    private final Settings settings;
    private final BridgeLog log;
    private final FlinkJobLink link;
    private final List<AlertmanagerTarget> targets = new ArrayList<>();
    private final FiringAlerts firing = new FiringAlerts();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean running;
    private volatile boolean closed;
    private volatile boolean caughtUp;
    private volatile int firingCount;
    private volatile long resends;

    public AlertmanagerBridge(Settings settings, BridgeLog log) {
        if (settings.urls().isEmpty()) {
            throw new IllegalArgumentException("no Alertmanager URL");
        }
        this.settings = settings;
        this.log = log;
        this.link =
                new FlinkJobLink(settings.flinkUrl(), settings.jobId(), settings.jobName(), log);
        for (String url : settings.urls()) {
            targets.add(
                    new AlertmanagerTarget(
                            url, settings.maxBackoff(), settings.requestTimeout(), link::get, log));
        }
        this.consumer = new KafkaConsumer<>(consumerProperties(settings));
    }

    static Properties consumerProperties(Settings s) {
        Properties p = new Properties();
        p.putAll(s.kafkaProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamwatch-alertmanager");
        // A misspelt topic must not be created by a reader: it waits for the job to create it.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        p.remove(ConsumerConfig.GROUP_ID_CONFIG); // no group: it commits nothing, joins nothing
        return p;
    }

    /** Runs until {@link #close()}. */
    public void run() {
        running = true;
        try {
            log.info(
                    "reading "
                            + settings.topic()
                            + " (read_committed) from "
                            + settings.bootstrapServers()
                            + "; Alertmanager: "
                            + String.join(", ", settings.urls())
                            + "; re-sending firing alerts every "
                            + settings.resendInterval().toSeconds()
                            + " s");
            Set<TopicPartition> assigned = new HashSet<>();
            boolean told = false;
            while (!closed && assignNew(assigned).isEmpty()) {
                if (!told) {
                    log.info("waiting for topic " + settings.topic() + " to exist");
                    told = true;
                }
                pause(TOPIC_RETRY);
            }
            if (closed) {
                return;
            }
            rebuild(assigned);
            long interval = settings.resendInterval().toNanos();
            long nextResend = System.nanoTime() + interval;
            while (!closed) {
                long wait = Math.max(0, Math.min(POLL.toNanos(), nextResend - System.nanoTime()));
                List<AlertmanagerAlert> changes = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofNanos(wait))) {
                    AlertmanagerAlert change = apply(r);
                    if (change != null) {
                        changes.add(change);
                        logTransition(change);
                    }
                }
                firingCount = firing.size();
                targets.forEach(t -> t.offer(changes));
                if (System.nanoTime() >= nextResend) {
                    nextResend = System.nanoTime() + interval;
                    link.refresh();
                    List<TopicPartition> added = assignNew(assigned);
                    if (!added.isEmpty()) {
                        // A partition added later holds only what came after: read it all.
                        consumer.seekToBeginning(added);
                    }
                    List<AlertmanagerAlert> all = firing.all();
                    targets.forEach(t -> t.offer(all));
                    resends++;
                }
            }
        } catch (WakeupException e) {
            // close()
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                // closing anyway
            }
            targets.forEach(t -> t.close(Duration.ofSeconds(5)));
            finished.countDown();
        }
    }

    /**
     * Reads every partition up to its end as of now (the last stable offset, under read_committed),
     * then sends the alerts that are firing.
     */
    private void rebuild(Set<TopicPartition> assigned) {
        consumer.seekToBeginning(assigned);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(assigned));
        long records = 0;
        while (!closed
                && end.entrySet().stream()
                        .anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                apply(r);
                records++;
            }
        }
        firingCount = firing.size();
        link.refresh();
        List<AlertmanagerAlert> all = firing.all();
        log.info(
                "rebuilt the firing set from "
                        + records
                        + " records of "
                        + settings.topic()
                        + ": "
                        + all.size()
                        + " firing; sending them with their original startsAt");
        targets.forEach(t -> t.offer(all));
        caughtUp = true;
    }

    private AlertmanagerAlert apply(ConsumerRecord<byte[], byte[]> r) {
        Instant now = Instant.now();
        if (r.value() == null) {
            if (r.key() == null) {
                return null;
            }
            return firing.delete(
                    new String(r.key(), StandardCharsets.UTF_8), Times.iso(now.toEpochMilli()));
        }
        try {
            return firing.apply(AlertRecordMapping.map(r.value(), now));
        } catch (IllegalArgumentException e) {
            log.warn(
                    "skipped record "
                            + r.topic()
                            + "/"
                            + r.partition()
                            + "@"
                            + r.offset()
                            + ": "
                            + e.getMessage());
            return null;
        }
    }

    private void logTransition(AlertmanagerAlert a) {
        StringBuilder b = new StringBuilder(a.firing() ? "firing   " : "resolved ");
        b.append(a.label("alertname")).append('{');
        var labels = a.alert().path("labels").fields();
        String sep = "";
        while (labels.hasNext()) {
            var e = labels.next();
            if (!e.getKey().equals("alertname")) {
                b.append(sep)
                        .append(e.getKey())
                        .append("=\"")
                        .append(e.getValue().asText())
                        .append('"');
                sep = ",";
            }
        }
        b.append("} ").append(a.fingerprint());
        log.info(b.toString());
    }

    /**
     * Assigns the topic's partitions not assigned yet; returns them (empty if none or no topic).
     */
    private List<TopicPartition> assignNew(Set<TopicPartition> assigned) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(settings.topic(), Duration.ofSeconds(10));
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("could not list the partitions of " + settings.topic() + ": " + e);
            return List.of();
        }
        List<TopicPartition> added = new ArrayList<>();
        if (infos != null) {
            for (PartitionInfo i : infos) {
                TopicPartition tp = new TopicPartition(i.topic(), i.partition());
                if (assigned.add(tp)) {
                    added.add(tp);
                }
            }
        }
        if (!added.isEmpty()) {
            consumer.assign(new ArrayList<>(assigned));
        }
        return added;
    }

    /** Waits, or less when the bridge is closed meanwhile. */
    private void pause(Duration d) {
        try {
            closing.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Whether the firing set has been rebuilt from the topic and sent. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Alerts firing now, as read. */
    public int firing() {
        return firingCount;
    }

    /** Re-sends of the whole firing set so far (not counting the one after the rebuild). */
    public long resends() {
        return resends;
    }

    public List<AlertmanagerTarget> targets() {
        return List.copyOf(targets);
    }

    /** Stops reading and sending; waits at most 15 s for the consumer and the targets to close. */
    @Override
    public void close() {
        closed = true;
        closing.countDown();
        if (!running) {
            consumer.close(Duration.ofSeconds(5));
            targets.forEach(t -> t.close(Duration.ofSeconds(5)));
            return;
        }
        consumer.wakeup();
        try {
            finished.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
