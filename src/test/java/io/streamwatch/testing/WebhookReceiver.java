package io.streamwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The receiving end of an Alertmanager webhook: a small HTTP server on a free loopback port that
 * keeps every notification (Alertmanager's webhook JSON: {@code status}, {@code alerts} with their
 * {@code status} and {@code labels}, ...) in arrival order.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> notifications = new ArrayList<>();

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/hook",
                exchange -> {
                    try (InputStream in = exchange.getRequestBody()) {
                        JsonNode n = JSON.readTree(in);
                        synchronized (notifications) {
                            notifications.add(n);
                        }
                    }
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The notifications so far, oldest first. */
    public List<JsonNode> notifications() {
        synchronized (notifications) {
            return new ArrayList<>(notifications);
        }
    }

    /**
     * How many notifications named an alert with label {@code name} = {@code value} in state {@code
     * status} ({@code firing} or {@code resolved}).
     */
    public long count(String name, String value, String status) {
        return notifications().stream()
                .flatMap(n -> iterable(n.path("alerts")).stream())
                .filter(a -> value.equals(a.path("labels").path(name).asText(null)))
                .filter(a -> status.equals(a.path("status").asText()))
                .count();
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
