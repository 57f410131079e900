package io.streamwatch.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One real Kafka broker (KRaft, in this JVM) shared by every integration test, started on first use
 * and stopped when the JVM exits. Tests isolate themselves with unique topic names.
 */
public final class SharedKafka {
    private static final long CLOSE_TIMEOUT_MS = 10_000;

    private static KafkaClusterTestKit cluster;

    private SharedKafka() {}

    public static synchronized String bootstrapServers() {
        if (cluster == null) {
            keepBrokerFromEndingTheJvm();
            try {
                KafkaClusterTestKit c =
                        new KafkaClusterTestKit.Builder(
                                        new TestKitNodes.Builder()
                                                .setCombined(true)
                                                .setNumBrokerNodes(1)
                                                .setNumControllerNodes(1)
                                                .setBootstrapMetadataVersion(
                                                        MetadataVersion.latestProduction())
                                                .build())
                                .setConfigProp("transaction.state.log.replication.factor", "1")
                                .setConfigProp("transaction.state.log.min.isr", "1")
                                .setConfigProp("offsets.topic.replication.factor", "1")
                                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                                .build();
                c.format();
                c.startup();
                c.waitForReadyBrokers();
                cluster = c;
                Runtime.getRuntime().addShutdownHook(new Thread(SharedKafka::stop));
            } catch (Exception e) {
                throw new IllegalStateException("could not start the test Kafka broker", e);
            }
        }
        return cluster.bootstrapServers();
    }

    /**
     * The broker runs inside the test JVM, and on a fault it takes as fatal (a log directory it
     * cannot write, a controller that does not answer) Kafka halts its process with status 1. Here
     * that process is the test runner's fork: a broker fault while the JVM shuts down (and closes
     * the broker, concurrently with every other shutdown hook) turned a run in which every test
     * passed into "Error occurred in starting fork". A fault during a test still fails that test,
     * through the broker it stops answering; this only keeps the JVM alive and says why.
     */
    private static void keepBrokerFromEndingTheJvm() {
        Exit.setHaltProcedure(SharedKafka::reportExit);
        Exit.setExitProcedure(SharedKafka::reportExit);
    }

    private static void reportExit(int status, String message) {
        // System.err, not a logger: during JVM shutdown the logging framework may be stopped.
        System.err.println(
                "SharedKafka: the test broker asked to end the JVM with status "
                        + status
                        + (message == null ? "" : ": " + message)
                        + " (ignored)");
    }

    /**
     * Closes the broker when the test JVM exits, but waits at most {@link #CLOSE_TIMEOUT_MS}: on a
     * busy machine a clean broker shutdown can take longer than the test runner allows the forked
     * JVM to exit, and the runner then fails the build although every test passed. Its data is
     * under {@code target/}, so a close cut short loses nothing.
     */
    private static void stop() {
        Thread closer =
                new Thread(
                        () -> {
                            try {
                                cluster.close();
                            } catch (Exception e) {
                                // The JVM is exiting.
                            }
                        },
                        "shared-kafka-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(CLOSE_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A topic name no other test uses. */
    public static String uniqueTopic(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static void createTopics(int partitions, String... topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            List<NewTopic> list = new ArrayList<>();
            for (String t : topics) {
                list.add(new NewTopic(t, partitions, (short) 1));
            }
            admin.createTopics(list).all().get();
        }
    }

    public static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends and waits for the broker's acknowledgement, so offsets are known. */
    public static long send(
            KafkaProducer<byte[], byte[]> producer, String topic, int partition, byte[] value)
            throws Exception {
        return producer.send(new ProducerRecord<>(topic, partition, null, value)).get().offset();
    }

    /** Sends a keyed record (a null value is a tombstone) and waits for the acknowledgement. */
    public static void sendKeyed(
            KafkaProducer<byte[], byte[]> producer, String topic, String key, String value)
            throws Exception {
        producer.send(
                        new ProducerRecord<>(
                                topic,
                                key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                value == null
                                        ? null
                                        : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .get();
    }

    /** A compacted topic, as the rule control topic must be. */
    public static void createCompactedTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(topic, 1, (short) 1)
                                            .configs(Map.of("cleanup.policy", "compact"))))
                    .all()
                    .get();
        }
    }

    /**
     * Reads a whole topic with {@code read_committed} until {@code done} holds for what was read,
     * or fails at the deadline with what it saw.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readUntil(
            String topic, Duration deadline, Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Collection<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic)
                    .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long end = System.nanoTime() + deadline.toNanos();
            while (!done.test(seen)) {
                if (System.nanoTime() > end) {
                    throw new AssertionError(
                            "gave up on "
                                    + topic
                                    + " after "
                                    + deadline
                                    + "; read "
                                    + seen.size()
                                    + " records");
                }
                c.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        return seen;
    }

    /** Every committed record of a topic, up to its current end. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic)
                    .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end " + end);
                }
                c.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
        }
        return seen;
    }
}
