package io.streamwatch.aggregation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Labeled log corpora for measuring template accuracy: each line of {@code
 * src/test/resources/logs/<corpus>.log} is {@code E<n><TAB><line>}, where {@code E<n>} is the event
 * (the format string in the code that logged it). The lines are generated from the event formats
 * below with a fixed seed, so they are reproducible: {@code main} rewrites the files.
 *
 * <p>Variable parts are what real logs have: numbers and ids, but also plain words (user names,
 * host names, states, queue and table names), which is where masking alone fails. A newline in a
 * message (a stack trace) is written as the two characters {@code \n}.
 */
public final class LogCorpora {
    /** The corpora, in the order they are reported. */
    public static final List<String> NAMES =
            List.of("java-services", "http", "kubernetes", "syslog", "database", "storage");

    static final int LINES_PER_CORPUS = 800;
    private static final long SEED = 20260311L;

    private LogCorpora() {}

    /** One labeled line. */
    public record Labeled(String event, String message) {}

    /** Reads a corpus from the test resources. */
    public static List<Labeled> read(String name) throws IOException {
        List<Labeled> out = new ArrayList<>();
        for (String line :
                Files.readAllLines(
                        Path.of("src/test/resources/logs/" + name + ".log"),
                        StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            out.add(new Labeled(line.substring(0, tab), unescape(line.substring(tab + 1))));
        }
        return out;
    }

    static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\t", "\t");
    }

    /** Rewrites every corpus file under the given directory (default: the test resources). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/logs");
        Files.createDirectories(dir);
        for (String name : NAMES) {
            List<String> lines = new ArrayList<>();
            for (Labeled l : generate(name)) {
                lines.add(l.event() + "\t" + l.message().replace("\t", "\\t").replace("\n", "\\n"));
            }
            Files.write(dir.resolve(name + ".log"), lines, StandardCharsets.UTF_8);
        }
    }

    /** The lines of one corpus: every event at least once, then a skewed mix. */
    static List<Labeled> generate(String name) {
        String[] formats = formats(name);
        Random r = new Random(SEED + name.hashCode());
        double[] weight = new double[formats.length];
        double total = 0;
        for (int i = 0; i < formats.length; i++) {
            // Zipf-like: a few frequent events, a long tail of rare ones.
            weight[i] = 1.0 / Math.pow(1 + r.nextInt(formats.length), 1.1);
            total += weight[i];
        }
        List<Integer> events = new ArrayList<>();
        for (int i = 0; i < formats.length; i++) {
            events.add(i);
        }
        while (events.size() < LINES_PER_CORPUS) {
            double x = r.nextDouble() * total;
            int i = 0;
            while (i < formats.length - 1 && (x -= weight[i]) > 0) {
                i++;
            }
            events.add(i);
        }
        java.util.Collections.shuffle(events, r);
        List<Labeled> out = new ArrayList<>();
        for (int e : events) {
            out.add(new Labeled("E" + (e + 1), fill(formats[e], r)));
        }
        return out;
    }

    // ---- slot values -----------------------------------------------------------------------

    private static final String[] USERS = {
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
        "mallory", "oscar", "peggy", "trent", "victor", "walter", "admin", "deploy", "jenkins"
    };
    private static final String[] SERVICES = {
        "checkout",
        "payments",
        "inventory",
        "search",
        "auth",
        "gateway",
        "catalog",
        "shipping",
        "billing",
        "notifications"
    };
    private static final String[] HOSTS = {
        "web-a",
        "web-b",
        "api-east",
        "api-west",
        "db-primary",
        "db-replica",
        "cache",
        "bastion",
        "ingest",
        "worker-blue",
        "worker-green"
    };
    private static final String[] STATES = {
        "RUNNING", "PENDING", "FAILED", "SUCCEEDED", "KILLED", "NEW", "ACCEPTED", "FINISHED"
    };
    private static final String[] REASONS = {
        "OOMKilled",
        "Error",
        "Completed",
        "CrashLoopBackOff",
        "ImagePullBackOff",
        "ContainerCreating",
        "Evicted"
    };
    private static final String[] NAMESPACES = {
        "default", "kube-system", "monitoring", "payments", "staging", "ingress-nginx"
    };
    private static final String[] CLASSES = {
        "com.acme.checkout.OrderService", "com.acme.payments.PaymentClient",
        "com.acme.inventory.StockRepository", "com.acme.auth.TokenValidator",
        "com.acme.search.IndexWriter", "com.acme.shipping.RateCalculator"
    };
    private static final String[] METHODS = {
        "placeOrder",
        "refund",
        "reserveStock",
        "validateToken",
        "reindex",
        "quote",
        "cancel",
        "capture",
        "lookup"
    };
    private static final String[] EXCEPTIONS = {
        "java.lang.NullPointerException", "java.net.SocketTimeoutException",
        "java.lang.IllegalStateException", "java.sql.SQLTransientConnectionException",
        "java.io.IOException", "java.util.concurrent.TimeoutException"
    };
    private static final String[] TABLES = {
        "orders",
        "users",
        "payments",
        "shipments",
        "inventory",
        "sessions",
        "audit_log",
        "line_items"
    };
    private static final String[] DATABASES = {"shop", "analytics", "billing", "postgres"};
    private static final String[] TOPICS = {
        "orders", "payments", "clickstream", "audit", "inventory-updates", "emails"
    };
    private static final String[] QUEUES = {"default", "high", "low", "mail", "reports", "exports"};
    private static final String[] HTTP_METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH"};
    private static final String[] ROUTES = {
        "/api/v1/orders",
        "/api/v1/users",
        "/api/v2/cart",
        "/health",
        "/login",
        "/static/app.js",
        "/api/v1/search",
        "/metrics"
    };
    private static final String[] STATUSES = {
        "200", "201", "204", "301", "304", "400", "401", "403", "404", "409", "500", "502", "503",
        "504"
    };
    private static final String[] AGENTS = {
        "Mozilla/5.0 (X11; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0",
        "curl/8.5.0",
        "Go-http-client/1.1",
        "kube-probe/1.29",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15"
    };
    private static final String[] IMAGES = {
        "nginx:1.25.3",
        "acme/checkout:2.14.0",
        "redis:7.2",
        "postgres:16.1",
        "acme/payments:latest",
        "busybox"
    };
    private static final String[] MONTHS = {"Feb", "Mar"};
    private static final String[] PROGRAMS = {"cron", "sshd", "kernel", "systemd", "sudo"};
    private static final String[] UNITS = {
        "nginx.service",
        "docker.service",
        "kubelet.service",
        "ssh.service",
        "cron.service",
        "postgresql.service"
    };
    private static final String[] INTERFACES = {"eth0", "eth1", "ens5", "docker0", "wlan0"};
    private static final String[] DISKS = {"sda", "sdb", "nvme0n1", "xvdf"};
    private static final String[] WORDS = {
        "primary", "secondary", "blue", "green", "canary", "stable", "east", "west", "hot", "cold"
    };
    private static final String[] LEVELS = {"INFO", "WARN", "ERROR"};
    private static final String[] DN_STATES = {"NORMAL", "DECOMMISSIONING", "DECOMMISSIONED"};
    private static final String[] RACKS = {"/rack-a", "/rack-b", "/default-rack"};

    private static String pick(String[] a, Random r) {
        return a[r.nextInt(a.length)];
    }

    private static String hex(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(Character.forDigit(r.nextInt(16), 16));
        }
        return b.toString();
    }

    private static String alnum(Random r, int n) {
        String chars = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(chars.charAt(r.nextInt(chars.length())));
        }
        return b.toString();
    }

    private static String ip(Random r) {
        return "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
    }

    private static String stackTrace(Random r) {
        StringBuilder b = new StringBuilder(pick(EXCEPTIONS, r)).append(": ").append("failed");
        int depth = 2 + r.nextInt(6);
        for (int i = 0; i < depth; i++) {
            String c = pick(CLASSES, r);
            b.append("\n\tat ")
                    .append(c)
                    .append('.')
                    .append(pick(METHODS, r))
                    .append('(')
                    .append(c.substring(c.lastIndexOf('.') + 1))
                    .append(".java:")
                    .append(20 + r.nextInt(400))
                    .append(')');
        }
        return b.toString();
    }

    private static String slot(String name, Random r) {
        switch (name) {
            case "int":
                return Integer.toString(r.nextInt(100000));
            case "small":
                return Integer.toString(1 + r.nextInt(12));
            case "ms":
                return Integer.toString(1 + r.nextInt(30000));
            case "dur":
                return (1 + r.nextInt(900)) + "ms";
            case "float":
                return String.format(Locale.ROOT, "%.2f", r.nextDouble() * 100);
            case "port":
                return Integer.toString(1024 + r.nextInt(60000));
            case "pid":
                return Integer.toString(100 + r.nextInt(60000));
            case "ip":
                return ip(r);
            case "uuid":
                return hex(r, 8)
                        + "-"
                        + hex(r, 4)
                        + "-4"
                        + hex(r, 3)
                        + "-a"
                        + hex(r, 3)
                        + "-"
                        + hex(r, 12);
            case "trace":
                return hex(r, 16) + "9";
            case "user":
                return pick(USERS, r);
            case "svc":
                return pick(SERVICES, r);
            case "host":
                return pick(HOSTS, r);
            case "state":
                return pick(STATES, r);
            case "reason":
                return pick(REASONS, r);
            case "ns":
                return pick(NAMESPACES, r);
            case "pod":
                return pick(SERVICES, r) + "-" + hex(r, 9) + "-" + alnum(r, 5);
            case "node":
                return "ip-10-0-" + r.nextInt(16) + "-" + r.nextInt(256) + ".ec2.internal";
            case "image":
                return pick(IMAGES, r);
            case "class":
                return pick(CLASSES, r);
            case "method":
                return pick(METHODS, r);
            case "exc":
                return pick(EXCEPTIONS, r);
            case "stack":
                return stackTrace(r);
            case "table":
                return pick(TABLES, r);
            case "db":
                return pick(DATABASES, r);
            case "topic":
                return pick(TOPICS, r);
            case "queue":
                return pick(QUEUES, r);
            case "word":
                return pick(WORDS, r);
            case "httpm":
                return pick(HTTP_METHODS, r);
            case "route":
                String route = pick(ROUTES, r);
                return route.startsWith("/api") && r.nextBoolean()
                        ? route + "/" + r.nextInt(99999)
                        : route;
            case "status":
                return pick(STATUSES, r);
            case "agent":
                return pick(AGENTS, r);
            case "order":
                return "ORD-" + (100000 + r.nextInt(900000));
            case "email":
                return pick(USERS, r) + "@example.com";
            case "month":
                return pick(MONTHS, r);
            case "day":
                int d = 1 + r.nextInt(28);
                return d < 10 ? " " + d : Integer.toString(d);
            case "time":
                return String.format(
                        Locale.ROOT, "%02d:%02d:%02d", r.nextInt(24), r.nextInt(60), r.nextInt(60));
            case "date":
                return String.format(
                        Locale.ROOT, "2026-03-%02d %s", 1 + r.nextInt(28), slot("time", r));
            case "prog":
                return pick(PROGRAMS, r);
            case "unit":
                return pick(UNITS, r);
            case "iface":
                return pick(INTERFACES, r);
            case "disk":
                return pick(DISKS, r);
            case "level":
                return pick(LEVELS, r);
            case "blk":
                long b = r.nextLong() % 9000000000000000000L;
                return "blk_" + b;
            case "dnstate":
                return pick(DN_STATES, r);
            case "rack":
                return pick(RACKS, r);
            case "hdfspath":
                return "/user/"
                        + pick(USERS, r)
                        + "/"
                        + pick(TOPICS, r)
                        + "/part-"
                        + r.nextInt(300);
            case "lsn":
                return Integer.toHexString(r.nextInt(16)).toUpperCase(Locale.ROOT)
                        + "/"
                        + Integer.toHexString(r.nextInt()).toUpperCase(Locale.ROOT);
            case "xid":
                return Integer.toString(100000 + r.nextInt(900000));
            case "partitions":
                StringBuilder p = new StringBuilder("[");
                int k = 1 + r.nextInt(4);
                String t = pick(TOPICS, r);
                for (int i = 0; i < k; i++) {
                    p.append(i == 0 ? "" : ", ").append(t).append('-').append(i);
                }
                return p.append(']').toString();
            case "bytes":
                return Integer.toString(r.nextInt(5000000));
            case "size":
                return (1 + r.nextInt(900)) + "MB";
            case "version":
                return "v" + r.nextInt(4) + "." + r.nextInt(20) + "." + r.nextInt(10);
            case "decline":
                return pick(new String[] {"insufficient funds", "card expired", "fraud"}, r);
            case "breaker":
                return pick(new String[] {"CLOSED", "OPEN", "HALF_OPEN"}, r);
            case "loginfail":
                return pick(new String[] {"bad credentials", "account locked"}, r);
            case "nodestatus":
                return pick(new String[] {"NodeReady", "NodeNotReady", "NodeHasDiskPressure"}, r);
            case "hpareason":
                return pick(
                        new String[] {
                            "cpu resource utilization (percentage of request) above target",
                            "All metrics below target",
                            "memory resource utilization (percentage of request) above target"
                        },
                        r);
            case "pam":
                String prog = pick(new String[] {"sshd", "sudo", "CRON"}, r);
                return prog
                        + "["
                        + slot("pid", r)
                        + "]: pam_unix("
                        + prog.toLowerCase(Locale.ROOT)
                        + ":session)";
            case "uidby":
                return r.nextBoolean()
                        ? "(uid=0)"
                        : pick(USERS, r) + "(uid=" + r.nextInt(9999) + ")";
            case "checkpoint":
                return pick(new String[] {"time", "wal", "immediate force wait"}, r);
            case "url":
                return "https://hooks." + pick(WORDS, r) + ".example.com/notify/" + r.nextInt(999);
            case "sshkey":
                return "SHA256:" + alnum(r, 22) + "Xy9";
            default:
                throw new IllegalArgumentException("unknown slot {" + name + "}");
        }
    }

    /** Replaces each {@code {slot}} of a format with a value. */
    static String fill(String format, Random r) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            int close = c == '{' ? format.indexOf('}', i) : -1;
            if (close > i + 1 && format.substring(i + 1, close).matches("[a-z]+")) {
                b.append(slot(format.substring(i + 1, close), r));
                i = close + 1;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    // ---- event formats ---------------------------------------------------------------------

    static String[] formats(String corpus) {
        switch (corpus) {
            case "java-services":
                return JAVA;
            case "http":
                return HTTP;
            case "kubernetes":
                return KUBERNETES;
            case "syslog":
                return SYSLOG;
            case "database":
                return DATABASE;
            case "storage":
                return STORAGE;
            default:
                throw new IllegalArgumentException(corpus);
        }
    }

    /** Application messages of Java services (the message field, no header). */
    private static final String[] JAVA = {
        "Order {order} placed by user {user} with {small} items",
        "Order {order} cancelled by {user}",
        "Payment {uuid} captured for order {order}",
        "Payment {uuid} declined: {decline}",
        "Timeout calling {svc} after {ms} ms",
        "Retrying call to {svc} (attempt {small} of 5)",
        "CircuitBreaker '{svc}' changed state from {breaker} to {breaker}",
        "User {user} logged in from {ip}",
        "User {user} logged out",
        "Login failed for user {user}: {loginfail}",
        "Token for {user} expired at {date}",
        "Cache miss for key product:{int}",
        "Cache hit ratio {float} over last {small} minutes",
        "Evicted {int} entries from cache {word}",
        "Stock for SKU-{int} reserved: {small} units",
        "Stock for SKU-{int} below threshold ({small} left)",
        "Started {svc} in {float} seconds (process running for {float})",
        "Stopping {svc}: received signal TERM",
        "Connection pool {word} exhausted: {small} active, {small} idle, {small} waiting",
        "HikariPool-{small} - Connection is not available, request timed out after {ms}ms.",
        "Consumer group {svc}-consumers rebalanced, assigned partitions {partitions}",
        "Committed offset {int} for partition {topic}-{small}",
        "Failed to deserialize record at offset {int} of {topic}-{small}",
        "Message {uuid} sent to topic {topic}",
        "Scheduled job {method} finished in {ms} ms with status {state}",
        "Scheduled job {method} started by {user}",
        "Unhandled exception in {method}: {stack}",
        "Request {trace} to {svc} failed: {stack}",
        "Feature flag {word}-checkout is {state} for tenant {user}",
        "Configuration reloaded from {svc}.yaml ({small} keys changed)",
        "Email to {email} queued on {queue}",
        "Email to {email} bounced: mailbox full",
        "Rate limit exceeded for client {user} on {route}",
        "Shipping quote for order {order}: {float} EUR via {word}",
        "Refund of {float} EUR issued for order {order} by {user}",
        "Invoice {int} generated for customer {user}",
        "Search index {word} rebuilt with {int} documents in {ms} ms",
        "Slow query on table {table} took {ms} ms",
        "Health check of {svc} returned {state}",
        "JWT signature validation failed for issuer {svc}",
        "Session {uuid} for user {user} expired",
        "Upload of {int} bytes to bucket {word}-assets completed",
        "Thread pool {queue} saturated, rejecting task {method}",
        "GC pause of {ms} ms exceeded threshold",
        "Heap usage at {float}% of max",
        "Webhook delivery to {url} failed with status {status}",
    };

    /** Web server logs: access lines (one format each) and error log messages, raw. */
    private static final String[] HTTP = {
        "{ip} - {user} [{day}/Mar/2026:{time} +0000] \"{httpm} {route} HTTP/1.1\" {status} {bytes} \"-\" \"{agent}\"",
        "{ip} - - [{day}/Mar/2026:{time} +0000] \"{httpm} {route} HTTP/2.0\" {status} {bytes} \"https://shop.example.com/\" \"{agent}\"",
        "{date} [error] {pid}#0: *{int} upstream timed out (110: Connection timed out) while reading response header from upstream, client: {ip}, server: shop.example.com, request: \"{httpm} {route} HTTP/1.1\", upstream: \"http://{ip}:8080{route}\", host: \"shop.example.com\"",
        "{date} [error] {pid}#0: *{int} connect() failed (111: Connection refused) while connecting to upstream, client: {ip}, server: shop.example.com, request: \"{httpm} {route} HTTP/1.1\", upstream: \"http://{ip}:8080{route}\", host: \"shop.example.com\"",
        "{date} [error] {pid}#0: *{int} open() \"/usr/share/nginx/html{route}\" failed (2: No such file or directory), client: {ip}, server: shop.example.com, request: \"GET {route} HTTP/1.1\", host: \"shop.example.com\"",
        "{date} [warn] {pid}#0: *{int} an upstream response is buffered to a temporary file /var/cache/nginx/proxy_temp/{small}/{int} while reading upstream, client: {ip}, server: shop.example.com, request: \"GET {route} HTTP/1.1\"",
        "{date} [error] {pid}#0: *{int} client intended to send too large body: {bytes} bytes, client: {ip}, server: shop.example.com, request: \"POST {route} HTTP/1.1\", host: \"shop.example.com\"",
        "{date} [notice] {pid}#0: signal process started",
        "{date} [notice] {pid}#0: using the \"epoll\" event method",
        "{date} [notice] {pid}#0: start worker process {pid}",
        "{date} [notice] {pid}#0: worker process {pid} exited with code 0",
        "{date} [alert] {pid}#0: worker process {pid} exited on signal 9",
        "{date} [crit] {pid}#0: *{int} SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: {ip}, server: 0.0.0.0:443",
        "{date} [info] {pid}#0: *{int} client {ip} closed keepalive connection",
        "{date} [info] {pid}#0: *{int} client timed out (110: Connection timed out) while waiting for request, client: {ip}, server: 0.0.0.0:443",
        "{date} [error] {pid}#0: *{int} limiting requests, excess: {float} by zone \"{word}\", client: {ip}, server: shop.example.com, request: \"{httpm} {route} HTTP/1.1\"",
        "{date} [error] {pid}#0: *{int} access forbidden by rule, client: {ip}, server: shop.example.com, request: \"GET {route} HTTP/1.1\"",
        "{date} [error] {pid}#0: *{int} no live upstreams while connecting to upstream, client: {ip}, server: shop.example.com, request: \"{httpm} {route} HTTP/1.1\", upstream: \"http://{svc}{route}\"",
        "[{date}] [proxy:error] [pid {pid}] (111)Connection refused: AH00957: http: attempt to connect to {ip}:8080 ({svc}) failed",
        "[{date}] [proxy_http:error] [pid {pid}] [client {ip}:{port}] AH01114: HTTP: failed to make connection to backend: {svc}",
        "[{date}] [core:error] [pid {pid}] [client {ip}:{port}] AH00126: Invalid URI in request {httpm} {route} HTTP/1.1",
        "[{date}] [mpm_event:notice] [pid {pid}] AH00489: Apache/2.4.58 (Unix) configured -- resuming normal operations",
        "[{date}] [mpm_event:notice] [pid {pid}] AH00491: caught SIGTERM, shutting down",
        "[{date}] [ssl:warn] [pid {pid}] AH01909: {host}:443:0 server certificate does NOT include an ID which matches the server name",
        "[{date}] [authz_core:error] [pid {pid}] [client {ip}:{port}] AH01630: client denied by server configuration: /srv/www{route}",
        "[{date}] [auth_basic:error] [pid {pid}] [client {ip}:{port}] AH01618: user {user} not found: {route}",
        "[{date}] [auth_basic:error] [pid {pid}] [client {ip}:{port}] AH01617: user {user}: authentication failure for \"{route}\": Password Mismatch",
        "[{date}] [core:notice] [pid {pid}] AH00094: Command line: '/usr/sbin/httpd -D FOREGROUND'",
        "{httpm} {route} {status} {dur} user={user} trace={trace}",
        "request completed method={httpm} path={route} status={status} duration={dur} bytes={bytes}",
        "request aborted by client method={httpm} path={route} after={dur}",
        "TLS handshake error from {ip}:{port}: EOF",
        "TLS handshake error from {ip}:{port}: remote error: tls: bad certificate",
        "http: proxy error: context canceled",
        "http: Accept error: accept tcp [::]:8080: accept4: too many open files; retrying in {dur}",
        "Listening on :{port} for {svc}",
        "Shutting down server {svc} with timeout {dur}",
        "{ip} - {user} [{day}/Mar/2026:{time} +0000] \"CONNECT {host}:443 HTTP/1.1\" {status} 0 \"-\" \"{agent}\"",
        "upstream {svc} marked {state} after {small} failures",
        "reloaded configuration: {small} servers, {small} upstreams",
    };

    /** Kubernetes events and container runtime messages. */
    private static final String[] KUBERNETES = {
        "Successfully assigned {ns}/{pod} to {node}",
        "Pulling image \"{image}\"",
        "Successfully pulled image \"{image}\" in {dur} ({dur} including waiting)",
        "Container image \"{image}\" already present on machine",
        "Created container {svc}",
        "Started container {svc}",
        "Stopping container {svc}",
        "Back-off restarting failed container {svc} in pod {pod}_{ns}({uuid})",
        "Back-off pulling image \"{image}\"",
        "Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image",
        "Error: ErrImagePull",
        "Error: ImagePullBackOff",
        "Liveness probe failed: HTTP probe failed with statuscode: {status}",
        "Readiness probe failed: Get \"http://{ip}:8080/ready\": dial tcp {ip}:8080: connect: connection refused",
        "Readiness probe failed: HTTP probe failed with statuscode: {status}",
        "Container {svc} failed liveness probe, will be restarted",
        "0/{small} nodes are available: {small} Insufficient cpu, {small} Insufficient memory.",
        "0/{small} nodes are available: {small} node(s) had untolerated taint {node.kubernetes.io/not-ready: }.",
        "Scaled up replica set {pod} to {small}",
        "Scaled down replica set {pod} to {small}",
        "Created pod: {pod}",
        "Deleted pod: {pod}",
        "Pod {ns}/{pod} status changed to {state}",
        "Container {svc} in pod {pod} terminated with reason {reason} (exit code {small})",
        "Node {node} status is now: {nodestatus}",
        "Starting kubelet.",
        "Killing container with id containerd://{trace}:Need to kill Pod",
        "Memory cgroup out of memory: Killed process {pid} ({svc}) total-vm:{int}kB, anon-rss:{int}kB",
        "MountVolume.SetUp failed for volume \"{svc}-config\" : configmap \"{svc}-config\" not found",
        "Unable to attach or mount volumes: unmounted volumes=[{svc}-data], unattached volumes=[{svc}-data kube-api-access-{int}]: timed out waiting for the condition",
        "AttachVolume.Attach succeeded for volume \"pvc-{uuid}\"",
        "Successfully provisioned volume pvc-{uuid} using {word}-storage",
        "Job {svc}-migrate-{int} completed",
        "Job {svc}-backup has reached the specified backoff limit",
        "Saw completed job: {svc}-report-{int}, status: Complete",
        "Ensured load balancer for service {ns}/{svc}",
        "Updated load balancer with new hosts",
        "New size: {small}; reason: {hpareason}",
        "Leader election lost for lock {ns}/{svc}-leader",
        "Successfully acquired lease {ns}/{svc}-leader",
        "Certificate {svc}-tls is ready, expires at {date}",
        "Issuing certificate as Secret does not exist",
        "Evicted pod {ns}/{pod}: The node was low on resource: memory.",
        "Preempted by {ns}/{pod} on node {node}",
        "Deployment {ns}/{svc} rolled out revision {small}",
        "Deployment {ns}/{svc} exceeded its progress deadline",
        "network plugin is not ready: cni config uninitialized",
    };

    /** Linux syslog lines with their header (month, day, time, host, program[pid]). */
    private static final String[] SYSLOG = {
        "{month} {day} {time} {host} sshd[{pid}]: Accepted publickey for {user} from {ip} port {port} ssh2: ED25519 {sshkey}",
        "{month} {day} {time} {host} sshd[{pid}]: Accepted password for {user} from {ip} port {port} ssh2",
        "{month} {day} {time} {host} sshd[{pid}]: Failed password for {user} from {ip} port {port} ssh2",
        "{month} {day} {time} {host} sshd[{pid}]: Failed password for invalid user {user} from {ip} port {port} ssh2",
        "{month} {day} {time} {host} sshd[{pid}]: Invalid user {user} from {ip} port {port}",
        "{month} {day} {time} {host} {pam}: session opened for user {user}(uid={int}) by {uidby}",
        "{month} {day} {time} {host} {pam}: session closed for user {user}",
        "{month} {day} {time} {host} sshd[{pid}]: Received disconnect from {ip} port {port}:11: disconnected by user",
        "{month} {day} {time} {host} sshd[{pid}]: Disconnected from user {user} {ip} port {port}",
        "{month} {day} {time} {host} sshd[{pid}]: Connection closed by authenticating user {user} {ip} port {port} [preauth]",
        "{month} {day} {time} {host} sshd[{pid}]: error: maximum authentication attempts exceeded for {user} from {ip} port {port} ssh2 [preauth]",
        "{month} {day} {time} {host} sudo[{pid}]:     {user} : TTY=pts/{small} ; PWD=/home/{user} ; USER=root ; COMMAND=/usr/bin/systemctl restart {unit}",
        "{month} {day} {time} {host} sudo[{pid}]:     {user} : user NOT in sudoers ; TTY=pts/{small} ; PWD=/home/{user} ; USER=root ; COMMAND=/bin/bash",
        "{month} {day} {time} {host} CRON[{pid}]: ({user}) CMD (/usr/local/bin/backup.sh --target {word})",
        "{month} {day} {time} {host} systemd[1]: Started {unit}.",
        "{month} {day} {time} {host} systemd[1]: Stopped {unit}.",
        "{month} {day} {time} {host} systemd[1]: Starting {unit}...",
        "{month} {day} {time} {host} systemd[1]: {unit}: Main process exited, code=exited, status={small}/FAILURE",
        "{month} {day} {time} {host} systemd[1]: {unit}: Failed with result 'exit-code'.",
        "{month} {day} {time} {host} systemd[1]: {unit}: Scheduled restart job, restart counter is at {small}.",
        "{month} {day} {time} {host} systemd[1]: {unit}: Consumed {float}s CPU time.",
        "{month} {day} {time} {host} systemd[1]: Reloading.",
        "{month} {day} {time} {host} systemd-logind[{pid}]: New session {int} of user {user}.",
        "{month} {day} {time} {host} systemd-logind[{pid}]: Session {int} logged out. Waiting for processes to exit.",
        "{month} {day} {time} {host} systemd-logind[{pid}]: Removed session {int}.",
        "{month} {day} {time} {host} kernel: [{float}] {iface}: Link is Up - 1Gbps/Full - flow control off",
        "{month} {day} {time} {host} kernel: [{float}] {iface}: Link is Down",
        "{month} {day} {time} {host} kernel: [{float}] Out of memory: Killed process {pid} ({svc}) total-vm:{int}kB, anon-rss:{int}kB, file-rss:0kB",
        "{month} {day} {time} {host} kernel: [{float}] EXT4-fs ({disk}1): mounted filesystem with ordered data mode. Quota mode: none.",
        "{month} {day} {time} {host} kernel: [{float}] EXT4-fs error (device {disk}1): ext4_find_entry:1455: inode #{int}: comm {svc}: reading directory lblock 0",
        "{month} {day} {time} {host} kernel: [{float}] blk_update_request: I/O error, dev {disk}, sector {int} op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0",
        "{month} {day} {time} {host} kernel: [{float}] [UFW BLOCK] IN={iface} OUT= MAC={trace} SRC={ip} DST={ip} LEN={small} PROTO=TCP SPT={port} DPT={port}",
        "{month} {day} {time} {host} kernel: [{float}] TCP: request_sock_TCP: Possible SYN flooding on port {port}. Sending cookies.",
        "{month} {day} {time} {host} kernel: [{float}] nf_conntrack: table full, dropping packet",
        "{month} {day} {time} {host} dhclient[{pid}]: DHCPREQUEST for {ip} on {iface} to {ip} port 67",
        "{month} {day} {time} {host} dhclient[{pid}]: bound to {ip} -- renewal in {int} seconds.",
        "{month} {day} {time} {host} ntpd[{pid}]: adjusting local clock by {float}s",
        "{month} {day} {time} {host} rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2312.0\" x-pid=\"{pid}\" x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed",
        "{month} {day} {time} {host} postfix/smtp[{pid}]: {trace}: to=<{email}>, relay={host}[{ip}]:25, delay={float}, status=sent (250 2.0.0 OK)",
        "{month} {day} {time} {host} postfix/smtp[{pid}]: {trace}: to=<{email}>, relay=none, delay={float}, status=deferred (connect to {host}[{ip}]:25: Connection timed out)",
        "{month} {day} {time} {host} dockerd[{pid}]: time=\"2026-03-{small}T{time}Z\" level=info msg=\"ignoring event\" module=libcontainerd namespace=moby topic=/tasks/delete type=\"*events.TaskDelete\"",
        "{month} {day} {time} {host} containerd[{pid}]: time=\"2026-03-{small}T{time}Z\" level=info msg=\"shim disconnected\" id={trace}",
    };

    /** PostgreSQL server log lines with their header, and connection pool messages. */
    private static final String[] DATABASE = {
        "{date}.{int} UTC [{pid}] LOG:  connection received: host={ip} port={port}",
        "{date}.{int} UTC [{pid}] LOG:  connection authorized: user={user} database={db} application_name={svc}",
        "{date}.{int} UTC [{pid}] LOG:  connection authorized: user={user} database={db} SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)",
        "{date}.{int} UTC [{pid}] LOG:  disconnection: session time: 0:{small}:{float} user={user} database={db} host={ip} port={port}",
        "{date}.{int} UTC [{pid}] FATAL:  password authentication failed for user \"{user}\"",
        "{date}.{int} UTC [{pid}] FATAL:  database \"{word}\" does not exist",
        "{date}.{int} UTC [{pid}] FATAL:  role \"{user}\" does not exist",
        "{date}.{int} UTC [{pid}] FATAL:  remaining connection slots are reserved for non-replication superuser connections",
        "{date}.{int} UTC [{pid}] FATAL:  terminating connection due to administrator command",
        "{date}.{int} UTC [{pid}] FATAL:  the database system is starting up",
        "{date}.{int} UTC [{pid}] ERROR:  duplicate key value violates unique constraint \"{table}_pkey\"",
        "{date}.{int} UTC [{pid}] ERROR:  relation \"{table}\" does not exist at character {small}",
        "{date}.{int} UTC [{pid}] ERROR:  column \"{word}\" does not exist at character {small}",
        "{date}.{int} UTC [{pid}] ERROR:  deadlock detected",
        "{date}.{int} UTC [{pid}] ERROR:  canceling statement due to statement timeout",
        "{date}.{int} UTC [{pid}] ERROR:  canceling statement due to user request",
        "{date}.{int} UTC [{pid}] ERROR:  could not serialize access due to concurrent update",
        "{date}.{int} UTC [{pid}] ERROR:  insert or update on table \"{table}\" violates foreign key constraint \"{table}_user_id_fkey\"",
        "{date}.{int} UTC [{pid}] ERROR:  null value in column \"{word}\" of relation \"{table}\" violates not-null constraint",
        "{date}.{int} UTC [{pid}] ERROR:  syntax error at or near \"{word}\" at character {small}",
        "{date}.{int} UTC [{pid}] ERROR:  permission denied for table {table}",
        "{date}.{int} UTC [{pid}] DETAIL:  Key (id)=({int}) already exists.",
        "{date}.{int} UTC [{pid}] DETAIL:  Process {pid} waits for ShareLock on transaction {xid}; blocked by process {pid}.",
        "{date}.{int} UTC [{pid}] STATEMENT:  UPDATE {table} SET status = $1 WHERE id = $2",
        "{date}.{int} UTC [{pid}] STATEMENT:  SELECT * FROM {table} WHERE user_id = $1 ORDER BY created_at DESC LIMIT {small}",
        "{date}.{int} UTC [{pid}] LOG:  duration: {float} ms  statement: SELECT count(*) FROM {table}",
        "{date}.{int} UTC [{pid}] LOG:  duration: {float} ms  execute <unnamed>: INSERT INTO {table} (id, payload) VALUES ($1, $2)",
        "{date}.{int} UTC [{pid}] LOG:  checkpoint starting: {checkpoint}",
        "{date}.{int} UTC [{pid}] LOG:  checkpoint complete: wrote {int} buffers ({float}%); 0 WAL file(s) added, {small} removed, {small} recycled; write={float} s, sync={float} s, total={float} s",
        "{date}.{int} UTC [{pid}] LOG:  automatic vacuum of table \"{db}.public.{table}\": index scans: {small}",
        "{date}.{int} UTC [{pid}] LOG:  automatic analyze of table \"{db}.public.{table}\"",
        "{date}.{int} UTC [{pid}] LOG:  temporary file: path \"base/pgsql_tmp/pgsql_tmp{pid}.{small}\", size {int}",
        "{date}.{int} UTC [{pid}] LOG:  process {pid} still waiting for ShareLock on transaction {xid} after {float} ms",
        "{date}.{int} UTC [{pid}] LOG:  database system is ready to accept connections",
        "{date}.{int} UTC [{pid}] LOG:  database system was shut down at {date} UTC",
        "{date}.{int} UTC [{pid}] LOG:  received fast shutdown request",
        "{date}.{int} UTC [{pid}] LOG:  started streaming WAL from primary at {lsn} on timeline {small}",
        "{date}.{int} UTC [{pid}] LOG:  redo starts at {lsn}",
        "{date}.{int} UTC [{pid}] WARNING:  there is no transaction in progress",
        "{date}.{int} UTC [{pid}] LOG:  could not receive data from client: Connection reset by peer",
        "{date}.{int} UTC [{pid}] LOG:  unexpected EOF on client connection with an open transaction",
        "{date}.{int} UTC [{pid}] LOG:  replication slot \"{host}_slot\" is inactive",
        "{date} UTC [{pid}] pgbouncer LOG C-0x{trace}: {db}/{user}@{ip}:{port} login attempt: db={db} user={user} tls=no",
        "{date} UTC [{pid}] pgbouncer LOG C-0x{trace}: {db}/{user}@{ip}:{port} closing because: client close request (age={int}s)",
        "{date} UTC [{pid}] pgbouncer WARNING C-0x{trace}: {db}/{user}@{ip}:{port} pooler error: no more connections allowed (max_client_conn)",
        "{date} UTC [{pid}] pgbouncer LOG stats: {int} xacts/s, {int} queries/s, in {int} B/s, out {int} B/s, xact {int} us, query {int} us, wait {int} us",
    };

    /** A distributed file system (HDFS-like) with block ids, data nodes and their states. */
    private static final String[] STORAGE = {
        "{date} INFO dfs.DataNode$DataXceiver: Receiving block {blk} src: /{ip}:{port} dest: /{ip}:50010",
        "{date} INFO dfs.DataNode$PacketResponder: PacketResponder {small} for block {blk} terminating",
        "{date} INFO dfs.DataNode$PacketResponder: Received block {blk} of size {bytes} from /{ip}",
        "{date} INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: {ip}:50010 is added to {blk} size {bytes}",
        "{date} INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: {hdfspath}. {blk}",
        "{date} INFO dfs.FSNamesystem: BLOCK* NameSystem.delete: {blk} is added to invalidSet of {ip}:50010",
        "{date} INFO dfs.FSDataset: Deleting block {blk} file /data/dfs/current/subdir{small}/{blk}",
        "{date} INFO dfs.DataNode: {ip}:50010 Served block {blk} to /{ip}",
        "{date} WARN dfs.DataNode: {ip}:50010:Got exception while serving {blk} to /{ip}:",
        "{date} INFO dfs.DataNode$DataXceiver: writeBlock {blk} received exception java.io.IOException: Connection reset by peer",
        "{date} INFO dfs.DataNode$BlockReceiver: Exception in receiveBlock for block {blk} java.io.EOFException",
        "{date} INFO dfs.DataNode: Starting thread to transfer block {blk} to {ip}:50010",
        "{date} INFO dfs.DataBlockScanner: Verification succeeded for {blk}",
        "{date} WARN dfs.DataBlockScanner: Verification failed for {blk} on volume {word}",
        "{date} INFO dfs.FSNamesystem: BLOCK* ask {ip}:50010 to replicate {blk} to datanode(s) {ip}:50010",
        "{date} INFO dfs.FSNamesystem: BLOCK* ask {ip}:50010 to delete {blk}",
        "{date} WARN dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: Redundant addStoredBlock request received for {blk} on {ip}:50010 size {bytes}",
        "{date} INFO dfs.FSNamesystem: BLOCK* Removing block {blk} from neededReplications as it does not belong to any file.",
        "{date} INFO dfs.StateChange: BLOCK* NameSystem.registerDatanode: node registration from {ip}:50010 storage DS-{int}",
        "{date} INFO dfs.StateChange: Datanode {host} changed state to {dnstate}",
        "{date} INFO net.NetworkTopology: Adding a new node: {rack}/{ip}:50010",
        "{date} INFO dfs.FSNamesystem: Roll Edit Log from {ip}",
        "{date} INFO dfs.FSNamesystem: Number of transactions: {int} Total time for transactions(ms): {small} Number of transactions batched in Syncs: {small} Number of syncs: {int}",
        "{date} INFO dfs.FSNamesystem: Safe mode is {state}",
        "{date} WARN dfs.FSNamesystem: Not able to place enough replicas, still in need of {small} to reach {small}",
        "{date} INFO dfs.FSNamesystem: Lease for {hdfspath} held by client_{user} expired, recovering",
        "{date} INFO dfs.FSNamesystem: Completed file {hdfspath} closed by client_{user}",
        "{date} INFO dfs.FSNamesystem: Created file {hdfspath} by client_{user} with replication {small}",
        "{date} INFO dfs.Balancer: Moving block {blk} from {ip}:50010 to {ip}:50010 through {ip}:50010",
        "{date} INFO dfs.Balancer: Balancing iteration {small}: {bytes} bytes left to move",
        "{date} WARN dfs.DataNode: Slow BlockReceiver write packet to mirror took {ms}ms (threshold=300ms)",
        "{date} WARN dfs.DataNode: Slow flushOrSync took {ms}ms (threshold=300ms), isSync:false, flushTotalNanos={int}ns",
        "{date} ERROR dfs.DataNode: {host}:50010:DataXceiver error processing WRITE_BLOCK operation src: /{ip}:{port} dst: /{ip}:50010",
        "{date} ERROR dfs.DataNode: Disk {disk} on volume {word} failed, removing it",
        "{date} INFO dfs.DataNode: Volume {word} has {size} free",
        "{date} INFO dfs.DataNode: Block report of {int} blocks took {small} msec to generate and {small} msecs for RPC and NN processing",
        "{date} INFO dfs.DataNode: Heartbeat to namenode {host} took {ms} ms",
        "{date} INFO ipc.Server: IPC Server handler {small} on 9000, call addBlock({hdfspath}, DFSClient_{user}) from {ip}:{port}: error: java.io.IOException: File {hdfspath} could only be replicated to 0 nodes",
        "{date} INFO ipc.Server: Stopping server on 9000",
        "{date} INFO dfs.Storage: Storage directory /data/dfs/{word} has been successfully formatted.",
        "{date} INFO dfs.Snapshot: Created snapshot s{int} of {hdfspath}",
        "{date} WARN dfs.Snapshot: Snapshot {word}-daily of {hdfspath} failed: quota exceeded",
        "{date} INFO dfs.Replication: Replica of {blk} on {host} is {state}",
        "{date} INFO dfs.Erasure: Reconstructed {blk} group of {small} cells on {host}",
    };
}
