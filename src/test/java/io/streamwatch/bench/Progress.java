package io.streamwatch.bench;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * How many input records the Kafka consumers of this JVM have consumed so far, whoever owns them
 * (Flink's KafkaSource readers, Kafka Streams' stream threads): the sum of {@code
 * records-consumed-total} of the consumers' topic-level fetch metrics (JMX, on by default in every
 * Kafka client) for the given input topics. Repartition and output topics, which the same JVM may
 * read, are left out by topic. It is how a contender that does not count its own input tells when
 * its warm-up span is over.
 */
final class Progress {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName query;
    private final Set<String> topics;

    /**
     * @param topics the input topics, as named in Kafka
     */
    Progress(Set<String> topics) {
        try {
            this.query = new ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,*");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        this.topics = topics;
    }

    /** Records of the input topics consumed so far by every consumer of this JVM. */
    long consumed() {
        // A client registers a topic's metrics twice, under its name and with the dots written
        // as underscores (the old tag): counted once per client and topic.
        Map<String, Long> byClientTopic = new HashMap<>();
        for (ObjectName n : server.queryNames(query, null)) {
            String topic = n.getKeyProperty("topic");
            if (topic == null || n.getKeyProperty("partition") != null) {
                continue;
            }
            String name = topics.contains(topic) ? topic : topic.replace('_', '.');
            if (!topics.contains(name)) {
                continue;
            }
            try {
                Object v = server.getAttribute(n, "records-consumed-total");
                if (v instanceof Number num) {
                    byClientTopic.merge(
                            n.getKeyProperty("client-id") + "\n" + name,
                            (long) num.doubleValue(),
                            Math::max);
                }
            } catch (Exception e) {
                // The consumer closed between the query and the read.
            }
        }
        return byClientTopic.values().stream().mapToLong(Long::longValue).sum();
    }
}
