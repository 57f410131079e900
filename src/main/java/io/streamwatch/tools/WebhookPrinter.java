package io.streamwatch.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The playground's Alertmanager receiver: a webhook endpoint that prints one line per alert of
 * every notification Alertmanager sends, so a user sees an incident go from the job's FIRING record
 * through Alertmanager's grouping to a notification, and its resolve, without setting up mail or
 * chat. Listens on loopback only.
 */
@Command(
        name = "webhook-printer",
        mixinStandardHelpOptions = true,
        description = "Prints the notifications an Alertmanager webhook receiver gets.")
public final class WebhookPrinter implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Option(
            names = "--port",
            defaultValue = "9097",
            description = "Port on 127.0.0.1 to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--path",
            defaultValue = "/notify",
            description = "Path Alertmanager posts to (default: ${DEFAULT-VALUE}).")
    String path;

    public static void main(String[] args) {
        System.exit(new CommandLine(new WebhookPrinter()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        PrintStream out = System.out;
        server.createContext(
                path,
                exchange -> {
                    try (InputStream in = exchange.getRequestBody()) {
                        JsonNode n = JSON.readTree(in);
                        synchronized (out) {
                            lines(n).forEach(out::println);
                            out.flush();
                        }
                    } catch (Exception e) {
                        System.err.println("webhook-printer: unreadable notification: " + e);
                    }
                    exchange.sendResponseHeaders(200, -1);
                    exchange.close();
                });
        server.start();
        System.out.println("webhook-printer: listening on http://127.0.0.1:" + port + path);
        System.out.flush();
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    server.stop(0);
                                    stop.countDown();
                                }));
        stop.await();
        return 0;
    }

    /** One line per alert of an Alertmanager webhook notification (version 4 of its JSON). */
    static java.util.List<String> lines(JsonNode notification) {
        java.util.List<String> out = new java.util.ArrayList<>();
        String time = LocalTime.now(ZoneId.systemDefault()).format(CLOCK);
        String receiver = notification.path("receiver").asText();
        for (JsonNode a : notification.path("alerts")) {
            StringBuilder b = new StringBuilder();
            b.append(time)
                    .append(" notified ")
                    .append(a.path("status").asText().toUpperCase(java.util.Locale.ROOT))
                    .append(' ')
                    .append(a.path("labels").path("alertname").asText())
                    .append('{');
            String sep = "";
            for (Iterator<Map.Entry<String, JsonNode>> it = a.path("labels").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("alertname")) {
                    b.append(sep)
                            .append(e.getKey())
                            .append("=\"")
                            .append(e.getValue().asText())
                            .append('"');
                    sep = ",";
                }
            }
            b.append("} via ").append(receiver);
            String summary = a.path("annotations").path("summary").asText("");
            if (!summary.isEmpty()) {
                b.append(": ").append(summary);
            }
            out.add(b.toString());
        }
        return out;
    }
}
