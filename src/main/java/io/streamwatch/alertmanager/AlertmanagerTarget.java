package io.streamwatch.alertmanager;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One Alertmanager (of an HA pair, each gets its own): a thread that POSTs what is pending to
 * {@code <url>/api/v2/alerts}, so an instance that is down or slow delays only its own deliveries.
 * Pending alerts are kept by fingerprint, latest state wins: a resolve that arrives while the
 * firing alert still waits replaces it, and a re-send of the firing set while the instance is down
 * adds nothing. A failed POST (no connection, a timeout, a 5xx or 429) is retried after a backoff
 * that doubles from {@link #INITIAL_BACKOFF} up to the configured maximum, each failure logged; a
 * 4xx other than 429 means Alertmanager refused the alerts themselves (it still took the valid ones
 * of the batch), so they are logged and dropped instead of retried forever.
 */
public final class AlertmanagerTarget implements AutoCloseable {
    static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);

    /** Alerts per POST: Alertmanager takes any number, but a huge body helps nobody. */
    static final int BATCH = 500;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final URI endpoint;
    private final Duration maxBackoff;
    private final Duration requestTimeout;
    private final Supplier<String> generatorUrl;
    private final BridgeLog log;
    private final HttpClient http;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, AlertmanagerAlert> pending = new LinkedHashMap<>();
    private boolean closed;
    private long delivered;
    private long failures;
    private final Thread thread;

    /**
     * @param url the Alertmanager's base URL, e.g. {@code http://127.0.0.1:9093}
     * @param generatorUrl the {@code generatorURL} to send, asked at each POST
     */
    public AlertmanagerTarget(
            String url,
            Duration maxBackoff,
            Duration requestTimeout,
            Supplier<String> generatorUrl,
            BridgeLog log) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.endpoint = URI.create(this.url + "/api/v2/alerts");
        this.maxBackoff = maxBackoff;
        this.requestTimeout = requestTimeout;
        this.generatorUrl = generatorUrl;
        this.log = log;
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
        this.thread = new Thread(this::run, "alertmanager-" + this.url);
        thread.setDaemon(true);
        thread.start();
    }

    public String url() {
        return url;
    }

    /** Queues alerts for delivery; a newer state of a fingerprint replaces a pending older one. */
    public void offer(Collection<AlertmanagerAlert> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            for (AlertmanagerAlert a : alerts) {
                pending.remove(a.fingerprint()); // re-inserted last: delivered in order
                pending.put(a.fingerprint(), a);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** How many alerts wait for delivery (for tests and status lines). */
    public int pending() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /** Alerts delivered so far (accepted or refused by Alertmanager, not retried). */
    public long delivered() {
        lock.lock();
        try {
            return delivered;
        } finally {
            lock.unlock();
        }
    }

    /** Failed POSTs so far. */
    public long failures() {
        lock.lock();
        try {
            return failures;
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        Duration backoff = Duration.ZERO;
        int streak = 0;
        while (true) {
            List<AlertmanagerAlert> batch;
            lock.lock();
            try {
                long waitUntil = System.nanoTime() + backoff.toNanos();
                // Wait for work, and after a failure for the backoff; closing ends both.
                while (!closed && (pending.isEmpty() || System.nanoTime() < waitUntil)) {
                    long left = pending.isEmpty() ? Long.MAX_VALUE : waitUntil - System.nanoTime();
                    if (left == Long.MAX_VALUE) {
                        changed.await();
                    } else if (left > 0) {
                        changed.awaitNanos(left);
                    }
                }
                if (closed && (pending.isEmpty() || streak > 0)) {
                    return; // closing: a last attempt only if the instance was answering
                }
                batch = new ArrayList<>();
                var it = pending.values().iterator();
                while (it.hasNext() && batch.size() < BATCH) {
                    batch.add(it.next());
                    it.remove();
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            String failure = post(batch);
            lock.lock();
            try {
                if (failure == null) {
                    delivered += batch.size();
                    if (streak > 0) {
                        log.info(url + ": delivering again after " + streak + " failed attempts");
                    }
                    streak = 0;
                    backoff = Duration.ZERO;
                } else {
                    failures++;
                    streak++;
                    // Put them back unless a newer state arrived meanwhile.
                    Map<String, AlertmanagerAlert> back = new LinkedHashMap<>();
                    batch.forEach(a -> back.put(a.fingerprint(), a));
                    pending.forEach(back::put);
                    pending.clear();
                    pending.putAll(back);
                    backoff =
                            backoff.isZero()
                                    ? INITIAL_BACKOFF
                                    : backoff.multipliedBy(2).compareTo(maxBackoff) > 0
                                            ? maxBackoff
                                            : backoff.multipliedBy(2);
                    if (closed) {
                        log.warn(
                                url
                                        + ": "
                                        + failure
                                        + "; stopping with "
                                        + pending.size()
                                        + " alerts undelivered");
                        return;
                    }
                    log.warn(
                            url
                                    + ": "
                                    + failure
                                    + "; retry "
                                    + streak
                                    + " in "
                                    + backoff.toMillis() / 1000.0
                                    + " s ("
                                    + pending.size()
                                    + " alerts pending)");
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** POSTs the batch; null when it was delivered (or refused for good), else why it failed. */
    private String post(List<AlertmanagerAlert> batch) {
        String link = generatorUrl.get();
        ArrayNode body = JSON.createArrayNode();
        batch.forEach(a -> body.add(a.body(link)));
        HttpResponse<String> response;
        try {
            HttpRequest request =
                    HttpRequest.newBuilder(endpoint)
                            .timeout(requestTimeout)
                            .header("Content-Type", "application/json")
                            .POST(
                                    HttpRequest.BodyPublishers.ofByteArray(
                                            JSON.writeValueAsBytes(body)))
                            .build();
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            return "POST failed: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return null;
        }
        String answer = response.body() == null ? "" : response.body().strip();
        if (status / 100 == 4 && status != 429) {
            log.warn(
                    url
                            + ": Alertmanager refused "
                            + batch.size()
                            + " alerts (HTTP "
                            + status
                            + ": "
                            + answer
                            + "); not retried");
            return null;
        }
        return "HTTP " + status + (answer.isEmpty() ? "" : ": " + answer);
    }

    /**
     * Stops the thread: pending alerts get one last attempt unless the instance was failing, at
     * most {@code wait} long.
     */
    public void close(Duration wait) {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            thread.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
