package io.streamwatch.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.streamwatch.testing.SharedKafka;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge against stand-ins for Alertmanager's API (small HTTP servers that keep what is POSTed
 * and answer as told) and the shared test broker: the firing set rebuilt from the topic before
 * anything is sent, transitions forwarded, the periodic re-send, a failing instance retried while
 * another is served, a refused batch not retried, and a topic that appears late. The real
 * Alertmanager's side of it (deduplication, silences, notifications) is the end-to-end test's.
 */
class AlertmanagerBridgeIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** A stand-in for {@code POST /api/v2/alerts}: answers {@code failFirst} times with a code. */
    static final class FakeAlertmanager implements AutoCloseable {
        final HttpServer server;
        final List<JsonNode> accepted = new ArrayList<>();
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger failFirst;
        final int failStatus;

        FakeAlertmanager(int failFirst, int failStatus) throws Exception {
            this.failFirst = new AtomicInteger(failFirst);
            this.failStatus = failStatus;
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext(
                    "/api/v2/alerts",
                    exchange -> {
                        JsonNode body;
                        try (InputStream in = exchange.getRequestBody()) {
                            body = JSON.readTree(in);
                        }
                        attempts.incrementAndGet();
                        int status = this.failFirst.getAndDecrement() > 0 ? this.failStatus : 200;
                        if (status == 200) {
                            synchronized (accepted) {
                                body.forEach(accepted::add);
                            }
                        }
                        exchange.sendResponseHeaders(status, -1);
                        exchange.close();
                    });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        List<JsonNode> accepted() {
            synchronized (accepted) {
                return new ArrayList<>(accepted);
            }
        }

        /** Accepted alerts of {@code service}: "firing" or "resolved" (has endsAt) each. */
        List<String> of(String service) {
            return accepted().stream()
                    .filter(a -> a.path("labels").path("service").asText().equals(service))
                    .map(a -> a.has("endsAt") ? "resolved" : "firing")
                    .toList();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private static String record(String service, String status) {
        return """
                {"fingerprint":"fp-%s","status":"%s",
                 "labels":{"alertname":"HighErrorRatio","severity":"page","service":"%s"},
                 "annotations":{"summary":"s","description":"d"},
                 "startsAt":"2026-11-25T10:16:00.000Z","endsAt":%s,"value":0.12,
                 "threshold":0.05,"window_start":"2026-11-25T10:15:00.000Z",
                 "window_end":"2026-11-25T10:16:00.000Z","rule":"HighErrorRatio",
                 "pipeline":"app-logs"}
                """
                .formatted(
                        service,
                        status,
                        service,
                        status.equals("firing") ? "null" : "\"2026-11-25T10:21:00.000Z\"");
    }

    private static void send(
            KafkaProducer<byte[], byte[]> p, String topic, String service, String status)
            throws Exception {
        SharedKafka.sendKeyed(
                p, topic, "fp-" + service, status == null ? null : record(service, status));
    }

    private AlertmanagerBridge start(
            String topic, List<String> urls, Duration resend, StringWriter err) {
        AlertmanagerBridge bridge =
                new AlertmanagerBridge(
                        new AlertmanagerBridge.Settings(
                                SharedKafka.bootstrapServers(),
                                Map.of(),
                                topic,
                                urls,
                                resend,
                                Duration.ofSeconds(2),
                                Duration.ofSeconds(5),
                                "http://127.0.0.1:1",
                                "job-1",
                                "Streamwatch"),
                        new BridgeLog(new PrintWriter(new StringWriter()), new PrintWriter(err)));
        Thread t = new Thread(bridge::run, "bridge-under-test");
        t.start();
        open.add(
                () -> {
                    bridge.close();
                    t.join(TimeUnit.SECONDS.toMillis(20));
                    assertThat(t.isAlive()).as("the bridge stopped").isFalse();
                });
        return bridge;
    }

    private static <T> T waitFor(String what, Callable<T> poll, Predicate<T> ok) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        T last = null;
        while (System.nanoTime() < end) {
            last = poll.call();
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        return fail("%s: not within %s; last: %s", what, DEADLINE, last);
    }

    @Test
    void theFiringSetIsRebuiltBeforeAnythingIsSentThenTransitionsAndResendsFollow()
            throws Exception {
        String topic = SharedKafka.uniqueTopic("alerts");
        SharedKafka.createTopics(2, topic);
        FakeAlertmanager am = new FakeAlertmanager(0, 200);
        open.add(am);
        try (KafkaProducer<byte[], byte[]> p = SharedKafka.producer()) {
            // Before the bridge starts: a fires; b fires and resolves; c fires and is deleted
            // (a tombstone); d resolves, fires again.
            send(p, topic, "a", "firing");
            send(p, topic, "b", "firing");
            send(p, topic, "b", "resolved");
            send(p, topic, "c", "firing");
            send(p, topic, "c", null);
            send(p, topic, "d", "resolved");
            send(p, topic, "d", "firing");

            AlertmanagerBridge bridge =
                    start(topic, List.of(am.url()), Duration.ofHours(1), new StringWriter());
            waitFor("the rebuild", bridge::caughtUp, ok -> ok);
            waitFor("the rebuilt set delivered", am::accepted, l -> l.size() >= 2);

            // Only what fires now, with its labels, startsAt and generatorURL; nothing resolved.
            List<JsonNode> first = am.accepted();
            assertThat(first)
                    .extracting(a -> a.path("labels").path("service").asText())
                    .containsExactlyInAnyOrder("a", "d");
            assertThat(first.get(0).path("startsAt").asText())
                    .isEqualTo("2026-11-25T10:16:00.000Z");
            assertThat(first.get(0).has("endsAt")).isFalse();
            assertThat(first.get(0).path("generatorURL").asText())
                    .isEqualTo("http://127.0.0.1:1/#/job/running/job-1/overview");
            assertThat(bridge.firing()).isEqualTo(2);

            // Then each transition as it comes: a resolves (with endsAt), e fires.
            send(p, topic, "a", "resolved");
            send(p, topic, "e", "firing");
            waitFor("a's resolve and e", () -> am.of("a").size() + am.of("e").size(), n -> n >= 3);
            assertThat(am.of("a")).containsExactly("firing", "resolved");
            assertThat(am.of("e")).containsExactly("firing");
            assertThat(am.of("b")).isEmpty();
            assertThat(am.of("c")).isEmpty();
        }
    }

    @Test
    void everyFiringAlertIsSentAgainAtTheResendInterval() throws Exception {
        String topic = SharedKafka.uniqueTopic("alerts");
        SharedKafka.createTopics(1, topic);
        FakeAlertmanager am = new FakeAlertmanager(0, 200);
        open.add(am);
        try (KafkaProducer<byte[], byte[]> p = SharedKafka.producer()) {
            send(p, topic, "a", "firing");
            send(p, topic, "b", "firing");
            send(p, topic, "b", "resolved");
            AlertmanagerBridge bridge =
                    start(topic, List.of(am.url()), Duration.ofMillis(300), new StringWriter());

            waitFor("three re-sends", bridge::resends, n -> n >= 3);
            waitFor("a at least four times", () -> am.of("a").size(), n -> n >= 4);
            assertThat(am.of("a")).containsOnly("firing");
            assertThat(am.of("b")).isEmpty();
        }
    }

    @Test
    void aFailingInstanceIsRetriedWithBackoffWhileTheOtherIsServed() throws Exception {
        String topic = SharedKafka.uniqueTopic("alerts");
        SharedKafka.createTopics(1, topic);
        FakeAlertmanager up = new FakeAlertmanager(0, 200);
        // Fails three times: answers after waits of 1 s, 2 s and 2 s (the maximum here).
        FakeAlertmanager failing = new FakeAlertmanager(3, 503);
        open.add(up);
        open.add(failing);
        StringWriter err = new StringWriter();
        try (KafkaProducer<byte[], byte[]> p = SharedKafka.producer()) {
            send(p, topic, "a", "firing");
            AlertmanagerBridge bridge =
                    start(topic, List.of(failing.url(), up.url()), Duration.ofHours(1), err);

            waitFor("a at the instance that is up", () -> up.of("a"), l -> !l.isEmpty());
            // Served while the other had not yet accepted anything (it waits out 5 s of
            // backoff before its first success).
            assertThat(failing.accepted()).isEmpty();
            waitFor(
                    "a at the failing instance, after retries",
                    () -> failing.of("a"),
                    l -> !l.isEmpty());
            assertThat(failing.attempts.get()).isEqualTo(4);
            assertThat(bridge.targets().get(0).failures()).isEqualTo(3);
            assertThat(err.toString())
                    .contains(failing.url() + ": HTTP 503; retry 1 in 1.0 s")
                    .contains("retry 2 in 2.0 s")
                    .contains("retry 3 in 2.0 s");
        }
    }

    @Test
    void aBatchAlertmanagerRefusesIsLoggedNotRetried() throws Exception {
        String topic = SharedKafka.uniqueTopic("alerts");
        SharedKafka.createTopics(1, topic);
        FakeAlertmanager refusing = new FakeAlertmanager(1, 400);
        open.add(refusing);
        StringWriter err = new StringWriter();
        try (KafkaProducer<byte[], byte[]> p = SharedKafka.producer()) {
            send(p, topic, "a", "firing");
            AlertmanagerBridge bridge =
                    start(topic, List.of(refusing.url()), Duration.ofHours(1), err);
            waitFor("the refusal", refusing.attempts::get, n -> n >= 1);

            send(p, topic, "b", "firing");
            waitFor("b, after a's refusal", () -> refusing.of("b"), l -> !l.isEmpty());
            assertThat(refusing.attempts.get()).isEqualTo(2);
            assertThat(refusing.of("a")).isEmpty();
            assertThat(err.toString())
                    .contains("refused 1 alerts (HTTP 400")
                    .contains("not retried");
            assertThat(bridge.targets().get(0).failures()).isZero();
        }
    }

    @Test
    void aTopicThatDoesNotExistYetIsWaitedFor() throws Exception {
        String topic = SharedKafka.uniqueTopic("alerts");
        FakeAlertmanager am = new FakeAlertmanager(0, 200);
        open.add(am);
        StringWriter err = new StringWriter();
        AlertmanagerBridge bridge = start(topic, List.of(am.url()), Duration.ofHours(1), err);

        SharedKafka.createTopics(1, topic);
        try (KafkaProducer<byte[], byte[]> p = SharedKafka.producer()) {
            send(p, topic, "a", "firing");
            waitFor("a, once the topic exists", () -> am.of("a"), l -> !l.isEmpty());
        }
        assertThat(bridge.caughtUp()).isTrue();
        assertThat(err.toString()).as("a missing topic is no error").isEmpty();
    }
}
