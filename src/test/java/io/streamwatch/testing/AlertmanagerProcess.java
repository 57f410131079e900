package io.streamwatch.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}) as a process on a free
 * loopback port, without gossip ({@code --cluster.listen-address=}), with the configuration given.
 * Its output goes to {@code alertmanager.log} in its directory, which a failing test names.
 */
public final class AlertmanagerProcess implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private AlertmanagerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts it in {@code dir} with {@code config} (YAML) and waits until it is ready. */
    public static AlertmanagerProcess start(Path binary, Path dir, String config)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, config);
        Path log = dir.resolve("alertmanager.log");
        int port = ExternalBinary.freePort();
        Process p =
                new ProcessBuilder(
                                List.of(
                                        binary.toString(),
                                        "--config.file=" + file,
                                        "--storage.path=" + dir.resolve("data"),
                                        "--web.listen-address=127.0.0.1:" + port,
                                        "--cluster.listen-address=",
                                        "--log.level=info"))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        AlertmanagerProcess am = new AlertmanagerProcess(p, port, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!am.ready()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                am.close();
                throw new IllegalStateException(
                        "Alertmanager did not become ready on port "
                                + port
                                + ":\n"
                                + Files.readString(log));
            }
            Thread.sleep(100);
        }
        return am;
    }

    private boolean ready() {
        try {
            return HTTP.send(
                                    HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** GET of a path of its API, the body; fails on a status other than 200. */
    public String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(url() + path))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** POST of JSON to a path of its API, the body; fails on a status other than 200. */
    public String post(String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(url() + path))
                                .timeout(Duration.ofSeconds(5))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("POST " + path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
