package io.streamwatch.formats;

import static io.streamwatch.formats.Decoding.deadLetter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.config.ConfigLoader;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.records.DeadLetter;
import io.streamwatch.testing.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The input topics that {@code bin/cluster}, the playground and {@code docker-compose.yml} create
 * take records larger than the job's {@code limits.max_record_size}, so an oversized record reaches
 * the job and is dead-lettered as {@code oversized} (issue 21). With the broker's default
 * (max.message.bytes 1 MiB + 12 bytes) a record just above 1 MiB was refused at produce time and
 * the job's limit and its dead-letter path for such records were never reached.
 */
class InputTopicSizeTest {
    // What a batch of one record adds to its value: batch header (61 bytes), record header, key.
    private static final int BATCH_OVERHEAD = 1024;
    private static final Pattern SETTING = Pattern.compile("(?m)^INPUT_MAX_MESSAGE_BYTES=(\\d+)$");
    private static final Pattern COMPOSE_CREATE =
            Pattern.compile("(?m)^\\s*create (\\S+) --partitions \\d+(.*)$");

    /** max.message.bytes of the input topics in bin/lib/settings.sh's TOPICS. */
    private static Map<String, Integer> clusterInputTopics() throws Exception {
        String settings = Files.readString(Path.of("bin/lib/settings.sh"));
        Matcher m = SETTING.matcher(settings);
        assertThat(m.find()).as("INPUT_MAX_MESSAGE_BYTES in bin/lib/settings.sh").isTrue();
        int bytes = Integer.parseInt(m.group(1));
        Map<String, Integer> out = new TreeMap<>();
        for (String topic : List.of("logs", "metrics")) {
            if (settings.contains(
                    "\"" + topic + ":2:max.message.bytes=$INPUT_MAX_MESSAGE_BYTES\"")) {
                out.put(topic, bytes);
            }
        }
        return out;
    }

    private static StreamwatchConfig defaults() throws Exception {
        return ConfigLoader.load(Path.of("jobs-config/streamwatch.yaml"), Map.of());
    }

    @Test
    void inputTopicsTakeRecordsAboveTheDefaultMaxRecordSize() throws Exception {
        StreamwatchConfig config = defaults();
        int maxRecord = config.limits().maxRecordBytes();
        int codeDefault =
                ConfigLoader.load(Path.of("src/test/resources/configs/minimal.yaml"), Map.of())
                        .limits()
                        .maxRecordBytes();
        assertThat(maxRecord).isEqualTo(codeDefault).isEqualTo(1 << 20);

        List<String> inputTopics =
                config.pipelines().stream().map(PipelineConfig::topic).distinct().toList();
        Map<String, Integer> cluster = clusterInputTopics();
        assertThat(cluster.keySet())
                .as("bin/lib/settings.sh sets max.message.bytes on every input topic")
                .containsExactlyInAnyOrderElementsOf(inputTopics);
        cluster.values()
                .forEach(b -> assertThat(b).isGreaterThanOrEqualTo(maxRecord + BATCH_OVERHEAD));

        String compose = Files.readString(Path.of("docker-compose.yml"));
        Matcher m = COMPOSE_CREATE.matcher(compose);
        List<String> composeInputs = new ArrayList<>();
        while (m.find()) {
            if (!inputTopics.contains(m.group(1))) {
                continue;
            }
            composeInputs.add(m.group(1));
            assertThat(m.group(2))
                    .as("docker-compose.yml's topic %s", m.group(1))
                    .contains("--config max.message.bytes=" + cluster.get(m.group(1)));
        }
        assertThat(composeInputs).containsExactlyInAnyOrderElementsOf(inputTopics);
    }

    @Test
    void aRecordBetweenOneMebibyteAndTheTopicLimitReachesTheJobAsOversized() throws Exception {
        int topicLimit = clusterInputTopics().get("logs");
        String configured = SharedKafka.uniqueTopic("big-logs");
        String brokerDefault = SharedKafka.uniqueTopic("default-logs");
        try (Admin admin =
                Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            admin.createTopics(
                            List.of(
                                    new NewTopic(configured, 1, (short) 1)
                                            .configs(
                                                    Map.of(
                                                            "max.message.bytes",
                                                            Integer.toString(topicLimit))),
                                    new NewTopic(brokerDefault, 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        // 1.5 MiB: above 1 MiB (and the job's limit), below the input topics' limit.
        byte[] value =
                ("{\"timestamp\":1,\"message\":\"" + "x".repeat(3 << 19) + "\"}")
                        .getBytes(StandardCharsets.UTF_8);
        Properties p = new Properties();
        p.put("bootstrap.servers", SharedKafka.bootstrapServers());
        // The producer's own limit (max.request.size) above the record: the topic decides.
        p.put("max.request.size", Integer.toString(4 << 20));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(
                            () ->
                                    producer.send(new ProducerRecord<>(brokerDefault, value))
                                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RecordTooLargeException.class);
            producer.send(new ProducerRecord<>(configured, value)).get(30, TimeUnit.SECONDS);
        }

        // The consumer's fetch sizes as the job leaves them (defaults: max.partition.fetch.bytes
        // 1 MiB is a soft limit, a larger first batch is still returned).
        Properties c = new Properties();
        c.put("bootstrap.servers", SharedKafka.bootstrapServers());
        ConsumerRecord<byte[], byte[]> got = null;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(configured, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got == null && System.nanoTime() < until) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    got = r;
                }
            }
        }
        assertThat(got).as("the record is fetched").isNotNull();
        assertThat(got.value()).hasSize(value.length);

        StreamwatchConfig config = defaults();
        DeadLetter d =
                deadLetter(
                        new RecordDecoder(config.pipeline("app-logs"), config.limits()),
                        got.value(),
                        new RecordOrigin().set(configured, 0, got.offset(), got.timestamp()));
        assertThat(d.reason).isEqualTo("oversized");
        assertThat(d.rawSize).isEqualTo(value.length);
    }
}
