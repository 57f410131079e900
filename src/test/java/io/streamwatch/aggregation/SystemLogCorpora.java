package io.streamwatch.aggregation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Labeled message corpora of many kinds of systems, written to be hard for a template miner rather
 * than to fit one: events that differ in one constant word, {@code key=value} events whose value is
 * a constant, HTTP methods and states inside quotes, ties at a 50% similarity, optional parts and
 * variable-length lists, variable first tokens, signed numbers, plain-word variables with many
 * values and with one dominant value, and skewed event frequencies with bursts. Each line of {@code
 * src/test/resources/logs/systems/<corpus>.log} is {@code <event><TAB><message>}: the event is the
 * logging statement (one format below), the message is what a log's content field holds (no
 * timestamp header). {@code main} rewrites the files from a fixed seed.
 *
 * <p>Format language: {@code {name}} is a variable from {@link #slot}; {@code {=a|b|c}} a variable
 * that takes one of the listed words (still one event); {@code {?text}} an optional part (text may
 * hold variables). Everything else is constant text of the event.
 */
public final class SystemLogCorpora {
    /** The corpora, in the order they are reported. */
    public static final List<String> NAMES =
            List.of(
                    "services",
                    "kernel",
                    "proxy",
                    "scheduler",
                    "database",
                    "cloud",
                    "mobile",
                    "blocks",
                    "auth",
                    "web");

    static final int LINES_PER_CORPUS = 2000;
    private static final long SEED = 20261206L;

    private SystemLogCorpora() {}

    /** Reads a corpus from the test resources. */
    public static List<LogCorpora.Labeled> read(String name) throws IOException {
        List<LogCorpora.Labeled> out = new ArrayList<>();
        for (String line :
                Files.readAllLines(
                        Path.of("src/test/resources/logs/systems/" + name + ".log"),
                        StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            out.add(
                    new LogCorpora.Labeled(
                            line.substring(0, tab), LogCorpora.unescape(line.substring(tab + 1))));
        }
        return out;
    }

    /** Rewrites every corpus file under the given directory (default: the test resources). */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/logs/systems");
        Files.createDirectories(dir);
        for (String name : NAMES) {
            List<String> lines = new ArrayList<>();
            for (LogCorpora.Labeled l : generate(name)) {
                lines.add(l.event() + "\t" + l.message().replace("\t", "\\t").replace("\n", "\\n"));
            }
            Files.write(dir.resolve(name + ".log"), lines, StandardCharsets.UTF_8);
        }
    }

    /**
     * The lines of one corpus: every event at least once, the rest Zipf-distributed over a random
     * ranking of the events, with bursts (a recent event repeats), as real logs come.
     */
    static List<LogCorpora.Labeled> generate(String name) {
        String[] formats = formats(name);
        Random r = new Random(SEED + name.hashCode());
        List<Integer> rank = new ArrayList<>();
        for (int i = 0; i < formats.length; i++) {
            rank.add(i);
        }
        Collections.shuffle(rank, r);
        double[] weight = new double[formats.length];
        double total = 0;
        for (int i = 0; i < formats.length; i++) {
            weight[rank.get(i)] = 1.0 / Math.pow(1 + i, 1.4);
            total += weight[rank.get(i)];
        }
        List<Integer> events = new ArrayList<>();
        while (events.size() < LINES_PER_CORPUS - formats.length) {
            int e;
            if (events.size() > 5 && r.nextDouble() < 0.3) {
                e = events.get(events.size() - 1 - r.nextInt(5));
            } else {
                double x = r.nextDouble() * total;
                e = 0;
                while (e < formats.length - 1 && (x -= weight[e]) > 0) {
                    e++;
                }
            }
            events.add(e);
        }
        for (int i = 0; i < formats.length; i++) {
            events.add(r.nextInt(events.size() + 1), i);
        }
        List<LogCorpora.Labeled> out = new ArrayList<>();
        for (int e : events) {
            out.add(new LogCorpora.Labeled(name + "-E" + (e + 1), fill(formats[e], r)));
        }
        return out;
    }

    // ---- the format language ---------------------------------------------------------------

    static String fill(String format, Random r) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            if (c != '{') {
                b.append(c);
                i++;
                continue;
            }
            int close = matching(format, i);
            String inner = format.substring(i + 1, close);
            if (inner.startsWith("=")) {
                String[] choices = inner.substring(1).split("\\|", -1);
                b.append(choices[r.nextInt(choices.length)]);
            } else if (inner.startsWith("?")) {
                if (r.nextBoolean()) {
                    b.append(fill(inner.substring(1), r));
                }
            } else {
                b.append(slot(inner, r));
            }
            i = close + 1;
        }
        return b.toString();
    }

    private static int matching(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            if (s.charAt(i) == '{') {
                depth++;
            } else if (s.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed { in " + s);
    }

    // ---- variable values -------------------------------------------------------------------

    private static final String[] USERS = {
        "root",
        "admin",
        "alice",
        "bob",
        "oracle",
        "test",
        "guest",
        "ubuntu",
        "postgres",
        "git",
        "deploy",
        "jenkins",
        "www-data",
        "nagios",
        "ftpuser",
        "support",
        "mysql",
        "user1",
        "carol",
        "dave",
        "erin",
        "frank",
        "grace",
        "heidi",
        "ivan",
        "judy",
        "mallory",
        "oscar",
        "peggy",
        "trent",
        "victor",
        "walter",
        "pi",
        "hadoop",
        "zabbix",
        "teamspeak",
        "minecraft",
        "ansible"
    };
    private static final String[] WORDS = {
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
        "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"
    };
    private static final String[] HOSTS = {
        "web01",
        "web02",
        "db-primary",
        "db-replica",
        "cache-a",
        "cache-b",
        "bastion",
        "ingest",
        "worker-blue",
        "worker-green",
        "edge",
        "mx",
        "ns1",
        "ns2",
        "build",
        "vpn",
        "lb-east",
        "lb-west",
        "storage",
        "compute"
    };
    private static final String[] DOMAINS = {
        "example.org",
        "example.com",
        "cdn.example.net",
        "mail.example.org",
        "api.example.com",
        "static.example.net",
        "tracker.example.io",
        "update.example.com"
    };
    private static final String[] STATES = {
        "RUNNING",
        "PENDING",
        "FAILED",
        "SUCCEEDED",
        "KILLED",
        "NEW",
        "ACCEPTED",
        "FINISHED",
        "SUBMITTED",
        "SCHEDULED"
    };
    private static final String[] PACKAGES = {
        "com.example.mail", "com.example.maps.sync", "com.acme.health.steps", "org.example.camera",
        "com.example.launcher", "net.example.music.player", "com.acme.wallet", "com.example.chat",
        "com.android.systemui", "com.example.weather.widget"
    };
    private static final String[] CLASSES = {
        "com.acme.checkout.OrderService", "com.acme.payments.PaymentClient",
        "com.acme.inventory.StockRepository", "com.acme.auth.TokenValidator",
        "org.acme.search.IndexWriter", "com.acme.shipping.RateCalculator",
        "io.acme.events.Dispatcher"
    };
    private static final String[] EXCEPTIONS = {
        "java.lang.NullPointerException", "java.net.SocketTimeoutException",
        "java.lang.IllegalStateException", "java.io.IOException",
        "java.util.concurrent.TimeoutException", "java.net.ConnectException"
    };
    private static final String[] TABLES = {
        "orders",
        "users",
        "payments",
        "shipments",
        "inventory",
        "sessions",
        "audit_log",
        "items",
        "accounts",
        "events"
    };
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
    private static final String[] CHANNELS = {
        "ch0", "ch1", "ch2", "ch3", "ch4", "ch5", "ch6", "ch7", "ch8", "ch9", "ch10", "ch11"
    };
    private static final String[] DEVICES = {"sda", "sdb", "sdc", "nvme0n1", "md0", "dm-0"};
    private static final String[] IFACES = {"eth0", "eth1", "ens5", "wlan0", "bond0", "docker0"};
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
        "notifications",
        "ledger",
        "reports"
    };
    private static final String[] REASONS = {
        "connection reset by peer",
        "timeout",
        "no route to host",
        "broken pipe",
        "the remote host closed the connection unexpectedly",
        "EOF",
        "certificate has expired",
        "too many open files"
    };
    private static final String[] TASKS = {
        "cleanup", "reindex", "rollup", "backup", "vacuum", "compaction", "export", "sync"
    };
    private static final String[] FLAVORS = {"m1.small", "m1.medium", "m1.large", "c5.xlarge"};
    private static final String[] ACTIVITIES = {
        "MainActivity", "SettingsActivity", "LoginActivity", "ChatActivity", "PlayerActivity"
    };

    /** A value from a, the first ones much more often (most variables have dominant values). */
    private static String skewed(String[] a, Random r) {
        double x = Math.pow(r.nextDouble(), 2.2);
        return a[(int) (x * a.length)];
    }

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

    private static String ip(Random r) {
        return switch (r.nextInt(3)) {
            case 0 -> "10." + r.nextInt(256) + "." + r.nextInt(256) + "." + (1 + r.nextInt(254));
            case 1 -> "192.168." + r.nextInt(4) + "." + (1 + r.nextInt(254));
            default ->
                    (11 + r.nextInt(200))
                            + "."
                            + r.nextInt(256)
                            + "."
                            + r.nextInt(256)
                            + "."
                            + (1 + r.nextInt(254));
        };
    }

    private static String list(String[] values, Random r, int min, int max, String sep) {
        int k = min + r.nextInt(max - min + 1);
        List<String> v = new ArrayList<>(List.of(values));
        Collections.shuffle(v, r);
        return String.join(sep, v.subList(0, Math.min(k, v.size())));
    }

    private static String size(Random r) {
        double v = r.nextDouble() * 900 + 1;
        return switch (r.nextInt(3)) {
            case 0 -> String.format(Locale.ROOT, "%.1f KB", v);
            case 1 -> String.format(Locale.ROOT, "%.2f MB", v);
            default -> r.nextInt(1000) + " bytes";
        };
    }

    private static String time(Random r) {
        return String.format(
                Locale.ROOT, "%02d:%02d:%02d", r.nextInt(24), r.nextInt(60), r.nextInt(60));
    }

    static String slot(String name, Random r) {
        switch (name) {
            case "int":
                return Integer.toString(r.nextInt(100000));
            case "small":
                return Integer.toString(r.nextInt(12));
            case "big":
                return Long.toString(1_000_000L + (r.nextLong() & 0xffffffffffL));
            case "neg":
                return Integer.toString(r.nextInt(2000) - 1000);
            case "port":
                return Integer.toString(1024 + r.nextInt(60000));
            case "pid":
                return Integer.toString(100 + r.nextInt(60000));
            case "ip":
                return ip(r);
            case "ipport":
                return ip(r) + ":" + (1024 + r.nextInt(60000));
            case "fqdn":
                return r.nextInt(3) == 0
                        ? pick(WORDS, r) + "." + pick(DOMAINS, r)
                        : pick(DOMAINS, r);
            case "target":
                // A proxy target: a name or an address, with its port.
                return (r.nextBoolean() ? slot("fqdn", r) : ip(r))
                        + ":"
                        + pick(new String[] {"80", "443", "5228", "8080", "993"}, r);
            case "proxy":
                return pick(new String[] {"proxy.example.net", "p1", "p2", "gw.corp"}, r)
                        + ":"
                        + pick(new String[] {"5070", "3128", "1080"}, r);
            case "host":
                return skewed(HOSTS, r);
            case "user":
                return skewed(USERS, r);
            case "nonroot":
                return skewed(Arrays.copyOfRange(USERS, 1, USERS.length), r);
            case "word":
                return pick(WORDS, r);
            case "svc":
                return skewed(SERVICES, r);
            case "state":
                return pick(STATES, r);
            case "uid":
                return Integer.toString(r.nextInt(3) == 0 ? 0 : 1000 + r.nextInt(500));
            case "path":
                return "/"
                        + pick(new String[] {"var", "srv", "home", "opt", "data"}, r)
                        + "/"
                        + pick(WORDS, r)
                        + "/"
                        + pick(TABLES, r)
                        + "-"
                        + r.nextInt(500)
                        + pick(new String[] {".log", ".dat", "", ".tmp"}, r);
            case "file":
                return pick(TABLES, r) + "_" + r.nextInt(300) + ".csv";
            case "ms":
                return Integer.toString(1 + r.nextInt(30000));
            case "dur":
                return (1 + r.nextInt(900)) + "ms";
            case "secs":
                return String.format(Locale.ROOT, "%.3f", r.nextDouble() * 60);
            case "float":
                return String.format(Locale.ROOT, "%.2f", r.nextDouble() * 100);
            case "hex8":
                return hex(r, 8);
            case "hex16":
                return hex(r, 15) + "a";
            case "addr":
                return "0x" + hex(r, 8);
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
            case "tenant":
                return hex(r, 32);
            case "req":
                return "req-" + slot("uuid", r);
            case "blk":
                long b = r.nextLong() % 9_000_000_000_000_000_000L;
                return "blk_" + b;
            case "size":
                return size(r);
            case "bytes":
                return Integer.toString(r.nextInt(5_000_000));
            case "time":
                return time(r);
            case "lifetime":
                // One variable of Proxifier-like "lifetime" fields: sometimes two words.
                return switch (r.nextInt(3)) {
                    case 0 -> "<1 sec";
                    case 1 -> String.format(Locale.ROOT, "00:%02d", r.nextInt(60));
                    default ->
                            String.format(
                                    Locale.ROOT,
                                    "%02d:%02d:%02d",
                                    r.nextInt(3),
                                    r.nextInt(60),
                                    r.nextInt(60));
                };
            case "date":
                return String.format(
                        Locale.ROOT,
                        "2026-%02d-%02d %s",
                        1 + r.nextInt(12),
                        1 + r.nextInt(28),
                        time(r));
            case "class":
                return pick(CLASSES, r);
            case "exc":
                return pick(EXCEPTIONS, r);
            case "pkg":
                return skewed(PACKAGES, r);
            case "activity":
                return skewed(PACKAGES, r) + "/." + pick(ACTIVITIES, r);
            case "jobid":
                return "job_1445"
                        + (100000000 + r.nextInt(900000000))
                        + "_"
                        + String.format(Locale.ROOT, "%04d", r.nextInt(50));
            case "attempt":
                return "attempt_1445"
                        + (100000000 + r.nextInt(900000000))
                        + "_"
                        + String.format(Locale.ROOT, "%04d", r.nextInt(50))
                        + "_"
                        + pick(new String[] {"m", "r"}, r)
                        + "_"
                        + String.format(Locale.ROOT, "%06d", r.nextInt(40))
                        + "_"
                        + r.nextInt(3);
            case "container":
                return "container_1445"
                        + (100000000 + r.nextInt(900000000))
                        + "_"
                        + String.format(Locale.ROOT, "%04d_01_%06d", r.nextInt(50), r.nextInt(40));
            case "task":
                return skewed(TASKS, r);
            case "stage":
                return r.nextInt(40) + "." + r.nextInt(2);
            case "table":
                return skewed(TABLES, r);
            case "httpm":
                return pick(METHODS, r);
            case "status":
                return pick(
                        new String[] {"200", "200", "200", "201", "204", "304", "404", "500"}, r);
            case "route":
                return pick(
                        new String[] {
                            "/", "/index.html", "/api/v1/orders", "/api/v1/users/" + r.nextInt(999),
                            "/static/app.js", "/favicon.ico", "/login",
                                    "/search?q=" + pick(WORDS, r)
                        },
                        r);
            case "agent":
                return pick(
                        new String[] {
                            "Mozilla/5.0 (X11; Linux x86_64)",
                            "curl/8.5.0",
                            "Go-http-client/1.1",
                            "Wget/1.21"
                        },
                        r);
            case "chans":
                return list(CHANNELS, r, 1, 6, " ");
            case "devs":
                return list(DEVICES, r, 1, 4, ", ");
            case "dev":
                return pick(DEVICES, r);
            case "iface":
                return pick(IFACES, r);
            case "mac":
                StringBuilder m = new StringBuilder();
                for (int i = 0; i < 6; i++) {
                    m.append(i == 0 ? "" : ":").append(hex(r, 2));
                }
                return m.toString();
            case "reason":
                return pick(REASONS, r);
            case "flavor":
                return pick(FLAVORS, r);
            case "cpu":
                return Integer.toString(r.nextInt(64));
            case "core":
                return "core." + r.nextInt(4000);
            case "rack":
                return "R"
                        + r.nextInt(8)
                        + r.nextInt(8)
                        + "-M"
                        + r.nextInt(2)
                        + "-N"
                        + r.nextInt(16);
            case "node":
                return "node-" + r.nextInt(300);
            case "level":
                return pick(new String[] {"INFO", "WARN", "DEBUG"}, r);
            case "steps":
                return Integer.toString(r.nextInt(20000));
            case "tty":
                return pick(new String[] {"ssh", "pts/0", "pts/1", "tty1", "NODEVssh"}, r);
            case "signal":
                return pick(new String[] {"SIGTERM", "SIGKILL", "SIGHUP", "SIGSEGV"}, r);
            case "version":
                return r.nextInt(4) + "." + r.nextInt(20) + "." + r.nextInt(10);
            case "zxid":
                return "0x" + Long.toHexString(0x100000000L + (r.nextLong() & 0xffffffffL));
            case "sid":
                return "0x" + hex(r, 14) + "0";
            case "region":
                return pick(new String[] {"us-east-1", "eu-west-1", "ap-south-1"}, r);
            case "vol":
                return "vol-" + hex(r, 17);
            case "inst":
                return "i-" + hex(r, 17);
            case "lb":
                return "{";
            case "rb":
                return "}";
            default:
                throw new IllegalArgumentException("unknown slot {" + name + "}");
        }
    }

    // ---- event formats ---------------------------------------------------------------------

    static String[] formats(String corpus) {
        return switch (corpus) {
            case "services" -> SERVICES_EVENTS;
            case "kernel" -> KERNEL;
            case "proxy" -> PROXY;
            case "scheduler" -> SCHEDULER;
            case "database" -> DATABASE;
            case "cloud" -> CLOUD;
            case "mobile" -> MOBILE;
            case "blocks" -> BLOCKS;
            case "auth" -> AUTH;
            case "web" -> WEB;
            default -> throw new IllegalArgumentException(corpus);
        };
    }

    /** Application services: plain-word variables, key=value pairs, constant-word siblings. */
    private static final String[] SERVICES_EVENTS = {
        "Order {int} placed by user {user} with {small} items",
        "Order {int} cancelled by user {user}",
        "Order {int} shipped to {word}",
        "Payment {uuid} captured",
        "Payment {uuid} refunded",
        "Payment {uuid} declined: {=insufficient funds|card expired|suspected fraud|do not honor}",
        "Timeout calling {svc} after {ms} ms",
        "Retrying call to {svc} (attempt {small} of 5)",
        "CircuitBreaker '{svc}' changed state from {=CLOSED|OPEN|HALF_OPEN} to {=CLOSED|OPEN|HALF_OPEN}",
        "request done method={httpm} path={route} status={status} took={dur}",
        "request done method=GET path=/health status=200 took={dur}",
        "job finished name={task} user=root status=ok",
        "job finished name={task} user={nonroot} status=ok",
        "job finished name={task} user={nonroot} status=failed",
        "Cache {=orders|users|sessions|catalog} hit ratio {float}",
        "Cache {=orders|users|sessions|catalog} cleared by {user}",
        "Started {svc} in {secs} seconds (JVM running for {secs})",
        "Stopping {svc}",
        "Stopped {svc}",
        "Connection pool {word} exhausted: {small} active, {small} idle",
        "Consumer {svc}-consumer rebalanced, assigned partitions: {devs}",
        "Committed offset {int} for partition {=orders|payments|clicks}-{small}",
        "Message {uuid} sent to topic {=orders|payments|clicks}",
        "Scheduled task {task} started",
        "Scheduled task {task} finished in {ms} ms",
        "Scheduled task {task} skipped: previous run still active",
        "Unhandled exception in {class}: {exc}: {reason}",
        "Feature flag {word} enabled for tenant {user}",
        "Feature flag {word} disabled for tenant {user}",
        "Configuration reloaded ({small} keys changed)",
        "Health check {svc} UP",
        "Health check {svc} DOWN: {reason}",
        "Slow query on table {table} took {ms} ms",
        "Session {hex16} for user {user} expired",
        "Upload of {bytes} bytes to bucket {word}-assets completed",
        "Rate limit exceeded for client {user}",
        "GC pause {dur} exceeded threshold",
        "Heap usage at {float}% of max",
        "Invoice {int} generated for customer {user}",
        "Email to {user}@example.com queued",
        "Email to {user}@example.com bounced: {=mailbox full|unknown user|spam detected}",
        "Worker {small} idle",
        "Worker {small} busy",
    };

    /** Kernel and supercomputer-style hardware messages: constant-word siblings, lists. */
    private static final String[] KERNEL = {
        "instruction cache parity error corrected",
        "data cache parity error corrected",
        "data TLB error interrupt",
        "instruction TLB error interrupt",
        "generating {core}",
        "{int} double-hummer alignment exceptions",
        "CE sym {small}, at {addr}, mask {addr}",
        "total of {small} ddr error(s) detected and corrected",
        "ciod: failed to read message prefix on control stream (CioStream socket to {ipport})",
        "ciod: Error loading {path}: program image too big, {int} > {int}",
        "ciod: LOGIN chdir({path}) failed: No such file or directory",
        "machine check interrupt (bit={addr}): L2 dcache unit data parity error",
        "rts: kernel terminated for reason {int}",
        "rts: bad message header: invalid cpu, type={int}, cpu={cpu}, index={int}, total={int}",
        "NFS: server {host} not responding, still trying",
        "NFS: server {host} OK",
        "EXT4-fs ({dev}): mounted filesystem with ordered data mode. Opts: {=(null)|errors=remount-ro|discard}",
        "EXT4-fs error (device {dev}): ext4_find_entry:{int}: inode #{int}: comm {=find|rsync|java}: reading directory lblock {small}",
        "{iface}: link up, {=100|1000|10000} Mbps, full-duplex",
        "{iface}: link down",
        "{iface}: renamed from {iface}",
        "device {iface} entered promiscuous mode",
        "device {iface} left promiscuous mode",
        "Out of memory: Killed process {pid} ({=java|postgres|chrome|python3}) total-vm:{int}kB, anon-rss:{int}kB, file-rss:{int}kB",
        "oom-kill:constraint=CONSTRAINT_NONE,task={=java|postgres|chrome},pid={pid},uid={uid}",
        "audit: type={=1400|1300} audit({int}.{int}:{int}): apparmor=\"DENIED\" operation=\"open\" profile=\"{=snap.lxd|/usr/sbin/cupsd}\" pid={pid}",
        "usb {small}-{small}: new high-speed USB device number {small} using xhci_hcd",
        "usb {small}-{small}: USB disconnect, device number {small}",
        "CPU{cpu}: Core temperature above threshold, cpu clock throttled (total events = {int})",
        "CPU{cpu}: Core temperature/speed normal",
        "Memory: {int}k/{int}k available ({int}k kernel code, {int}k reserved)",
        "md{small}: active with {small} out of {small} mirrors, devices {devs}",
        "md: raid{=1|5|10} personality registered for level {small}",
        "ata{small}: SATA link up {=1.5|3.0|6.0} Gbps (SStatus {int} SControl {int})",
        "ata{small}: SATA link down (SStatus {small} SControl {int})",
        "klogd startup succeeded",
        "klogd shutdown succeeded",
        "syslogd startup succeeded",
        "syslogd shutdown succeeded",
        "irqbalance: moving irq {int} to cpus {chans}",
        "Node card is not fully functional",
        "Node card VPD check: {=U01|U11} node in processor card slot {=J07|J12} do not match",
        "Kernel panic - not syncing: {=Fatal exception|Attempted to kill init!}",
        "BUG: soft lockup - CPU#{cpu} stuck for {int}s! [{=kworker|java|ksoftirqd}:{pid}]",
    };

    /** A proxy's connection log: 50% ties, optional sizes, lifetimes of one or two tokens. */
    private static final String[] PROXY = {
        "{target} open through proxy {proxy} HTTPS",
        "{target} open through proxy {proxy} SOCKS5",
        "{target} close, {bytes} bytes{? ({size})} sent, {bytes} bytes{? ({size})} received, lifetime {lifetime}",
        "{target} close, {bytes} bytes{? ({size})} sent, {bytes} bytes{? ({size})} received, lifetime {lifetime}, proxy {proxy}",
        "{target} error : Could not connect through proxy {proxy} - Proxy server cannot establish a connection with the target, status code {=502|504}",
        "{target} error : Could not connect through proxy {proxy} - Proxy closed the connection unexpectedly.",
        "{target} error : Could not connect to proxy {proxy} - connection attempt failed with error {=10061|10060}",
        "{target} error : Could not connect to proxy {proxy} - cannot resolve name {fqdn} : No such host is known.",
        "{target} error : A connection request was canceled before the completion.",
        "{target} error : Connection reset by peer",
        "{target} error : Connection closed",
        "{target} matching rule {=Default|Localhost|Office} : {=Direct|Proxy|Block}",
        "open through proxy {proxy} HTTPS",
        "Chain {=main|backup} : proxy {proxy} is down",
        "Chain {=main|backup} : proxy {proxy} is up",
        "DNS request for {fqdn} resolved to {ip} via proxy",
        "DNS request for {fqdn} failed : {=timeout|NXDOMAIN|refused}",
        "Traffic: {size} up, {size} down",
        "Profile {=default|work|home} loaded",
        "Profile {=default|work|home} saved",
        "Rule {=Default|Localhost|Office} enabled",
        "Rule {=Default|Localhost|Office} disabled",
        "Upstream {ip}:{port} marked down after {small} failures",
        "Upstream {ip}:{port} marked up after {small} checks",
        "Listening on {=0.0.0.0|127.0.0.1}:{=8080|3128}",
        "Client {ipport} connected",
        "Client {ipport} disconnected after {ms} ms",
        "Client {ipport} CONNECT {fqdn}:{=443|80} -> {status}",
        "Reloading configuration",
        "Configuration reloaded, {small} rules, {small} chains",
        "Cache hit for {fqdn}",
        "Cache miss for {fqdn}",
    };

    /** Batch schedulers: job/attempt ids, states as variables, constant-word siblings. */
    private static final String[] SCHEDULER = {
        "{attempt} TaskAttempt Transitioned from {state} to {state}",
        "{jobid} Job Transitioned from {state} to {state}",
        "Progress of TaskAttempt {attempt} is : {float}",
        "Done acknowledgement from {attempt}",
        "Task succeeded with attempt {attempt}",
        "Task {attempt} failed with exit code {small}",
        "Assigned container {container} to {attempt}",
        "Released container {container} of capacity <memory:{int}, vCores:{small}> on host {host}:{port}",
        "Received completed container {container}",
        "Container {container} transitioned from {state} to {state}",
        "Scheduled Maps:{small} Scheduled Reduces:{small} Assigned Maps:{small} Assigned Reduces:{small} Completed Maps:{small} Completed Reduces:{small}",
        "Recalculating schedule, headroom=<memory:{int}, vCores:{small}>",
        "Reduce slow start threshold not met. completedMapsForReduceSlowstart {small}",
        "Address change detected. Old: {host}/{ip}:{port} New: {host}:{port}",
        "Retrying connect to server: {host}/{ip}:{port}. Already tried {small} time(s); maxRetries=45",
        "Failed to renew lease for [DFSClient_NONMAPREDUCE_{int}_{small}] for {small} seconds.  Will retry shortly ...",
        "Executor lost: {small} (epoch {small})",
        "Lost executor {small} on {host}: {=Container killed by YARN for exceeding memory limits|Remote RPC client disassociated}",
        "Starting task {stage} in stage {stage} (TID {int}, {host}, executor {small}, partition {small}, {=PROCESS_LOCAL|NODE_LOCAL|ANY}, {int} bytes)",
        "Finished task {stage} in stage {stage} (TID {int}) in {ms} ms on {host} (executor {small}) ({small}/{small})",
        "Running task {stage} in stage {stage} (TID {int})",
        "Block broadcast_{small} stored as values in memory (estimated size {size}, free {size})",
        "Block broadcast_{small}_piece0 stored as bytes in memory (estimated size {size}, free {size})",
        "Removed broadcast_{small}_piece0 on {host}:{port} in memory (size: {size}, free: {size})",
        "Registering RDD {small} (map at {=Main.scala|Job.scala}:{int})",
        "Partition rdd_{small}_{small} not found, computing it",
        "Found block rdd_{small}_{small} locally",
        "Got assigned task {int}",
        "Changing view acls to: {user}",
        "Changing modify acls to: {user}",
        "SecurityManager: authentication disabled; ui acls disabled; users with view permissions: Set({user}); users with modify permissions: Set({user})",
        "com.example.jobs.{=Nightly|Hourly|Adhoc}Job: scheduler told me to run this job",
        "{=org.example.etl.Loader|com.example.jobs.Cleanup|net.example.sync.Mirror}: scheduler skipped this job, previous run active",
        "Queue {=default|high|low} is full, rejecting job {jobid}",
        "Queue {=default|high|low} resumed",
        "Queue {=default|high|low} paused",
        "Node {host}:{port} reported UNHEALTHY with details: {=local-dirs are bad|disk full}",
        "Node {host}:{port} reported HEALTHY",
    };

    /** Databases and coordination services: quoted names and states, session ids. */
    private static final String[] DATABASE = {
        "relation \"{table}\" does not exist",
        "column \"{=id|name|created_at|amount}\" does not exist",
        "duplicate key value violates unique constraint \"{table}_pkey\"",
        "deadlock detected",
        "canceling statement due to statement timeout",
        "checkpoint starting: {=time|wal|immediate force wait}",
        "checkpoint complete: wrote {int} buffers ({float}%); {small} WAL file(s) added, {small} removed, {small} recycled; write={secs} s, sync={secs} s, total={secs} s",
        "automatic vacuum of table \"{=shop|billing}.public.{table}\": index scans: {small}",
        "automatic analyze of table \"{=shop|billing}.public.{table}\"",
        "connection received: host={ip} port={port}",
        "connection authorized: user={user} database={=shop|billing|postgres}",
        "connection authorized: user=postgres database=postgres application_name=psql",
        "disconnection: session time: {time}.{int} user={user} database={=shop|billing} host={ip} port={port}",
        "replica set member {host}:{port} changed state to 'SECONDARY'",
        "replica set member {host}:{port} changed state to 'PRIMARY'",
        "replica set member {host}:{port} changed state to 'RECOVERING'",
        "Account {int} state 'Active'",
        "Account {int} state 'Inactive'",
        "Account {int} state 'Suspended'",
        "Received connection request /{ip}:{port}",
        "Accepted socket connection from /{ip}:{port}",
        "Closed socket connection for client /{ip}:{port} which had sessionid {sid}",
        "Closed socket connection for client /{ip}:{port} (no session established for client)",
        "Client attempting to establish new session at /{ip}:{port}",
        "Established session {sid} with negotiated timeout {=10000|30000|40000} for client /{ip}:{port}",
        "Expiring session {sid}, timeout of {=10000|30000|40000}ms exceeded",
        "Processed session termination for sessionid: {sid}",
        "Connection broken for id {small}, my id = {small}, error =",
        "Interrupted while waiting for message on queue",
        "Notification: {small} (message format version), {small} (n.leader), {zxid} (n.zxid), {small} (n.round), {=LOOKING|FOLLOWING|LEADING} (n.state), {small} (n.sid), {zxid} (n.peerEpoch) {=LOOKING|FOLLOWING|LEADING} (my state)",
        "Snapshotting: {zxid} to {path}",
        "Slow query: {ms} ms SELECT * FROM {table} WHERE id = {int}",
        "Table '{=shop|billing}.{table}' is marked as crashed and should be repaired",
        "InnoDB: page_cleaner: 1000ms intended loop took {ms}ms. The settings might not be optimal.",
        "Aborted connection {int} to db: '{=shop|billing}' user: '{user}' host: '{ip}' ({=Got an error reading communication packets|Got timeout reading communication packets})",
        "Access denied for user '{user}'@'{ip}' (using password: {=YES|NO})",
        "Lock wait timeout exceeded; try restarting transaction",
        "Starting backup of {=shop|billing}",
        "Finished backup of {=shop|billing} ({size})",
    };

    /** A cloud controller: HTTP methods inside quotes, lifecycle events, instance ids. */
    private static final String[] CLOUD = {
        "{ip} \"GET /v2/{tenant}/servers/detail HTTP/1.1\" status: {=200|200|200|404} len: {int} time: {secs}",
        "{ip} \"POST /v2/{tenant}/os-server-external-events HTTP/1.1\" status: 200 len: {int} time: {secs}",
        "{ip} \"DELETE /v2/{tenant}/servers/{uuid} HTTP/1.1\" status: 204 len: {int} time: {secs}",
        "{ip} \"GET /v2/{tenant}/servers/{uuid} HTTP/1.1\" status: {=200|404} len: {int} time: {secs}",
        "[instance: {uuid}] VM Started (Lifecycle Event)",
        "[instance: {uuid}] VM Stopped (Lifecycle Event)",
        "[instance: {uuid}] VM Paused (Lifecycle Event)",
        "[instance: {uuid}] VM Resumed (Lifecycle Event)",
        "[instance: {uuid}] During sync_power_state the instance has a pending task ({=spawning|deleting}). Skip.",
        "[instance: {uuid}] Took {secs} seconds to spawn the instance on the hypervisor.",
        "[instance: {uuid}] Took {secs} seconds to build instance.",
        "[instance: {uuid}] Took {secs} seconds to destroy the instance on the hypervisor.",
        "[instance: {uuid}] Terminating instance",
        "[instance: {uuid}] Instance destroyed successfully.",
        "[instance: {uuid}] Attempting claim: memory {int} MB, disk {small} GB, vcpus {small} CPU",
        "[instance: {uuid}] Claim successful",
        "[instance: {uuid}] Creating image",
        "[instance: {uuid}] Deleting instance files {path}",
        "[instance: {uuid}] Deletion of {path} complete",
        "[instance: {uuid}] Total memory: {int} MB, used: {float} MB",
        "[instance: {uuid}] memory limit: {float} MB, free: {float} MB",
        "Auditing locally available compute resources for node {host}",
        "Final resource view: name={host} phys_ram={int}MB used_ram={int}MB phys_disk={small}GB used_disk={small}GB total_vcpus={small} used_vcpus={small} pci_stats=[]",
        "Compute_service record updated for {host}:{host}",
        "Running instance usage audit for host {host} from {date} to {date}. {small} instances.",
        "image {uuid} at ({path}): checking",
        "image {uuid} at ({path}): in use: on this node {small} local, {small} on other nodes sharing this instance storage",
        "Active base files: {path}",
        "Removable base files: {path}",
        "Base or swap file too young to remove: {path}",
        "Unknown base file: {path}",
        "HTTP exception thrown: No instances found for any event",
        "Creating event network-vif-plugged:{uuid} for instance {uuid}",
        "Volume {vol} attached to {inst} in {region}",
        "Volume {vol} detached from {inst} in {region}",
        "Instance {inst} state changed from {=pending|running|stopping} to {=running|stopped|terminated}",
        "Autoscaling group {word}-asg scaled out to {small} instances",
        "Autoscaling group {word}-asg scaled in to {small} instances",
        "Flavor {flavor} not available in {region}",
    };

    /** Mobile apps: package names as the first token, activities, counters, signed values. */
    private static final String[] MOBILE = {
        "{pkg}: scheduler told me to run this job",
        "{pkg}: job finished, rescheduling in {ms} ms",
        "{pkg}: network unavailable, deferring sync",
        "onStandStepChanged {steps}",
        "onExtend:{big} {small} {small} {small}",
        "setTodayTotalDetailSteps={big}##{steps}##{int}##{int}##{big}##{int}",
        "REPORT : {steps} {int} {int} {float}",
        "processHandleBroadcastAction action:android.intent.action.{=SCREEN_ON|SCREEN_OFF|TIME_TICK}",
        "flush sensor data",
        "getTodayTotalDetailSteps = {big}##{steps}##{int}##{int}##{big}##{int}",
        "calculateCaloriesWithCache totalCalories={int}",
        "calculateAltitudeWithCache totalAltitude={small}",
        "upload steps {steps} failed, retry {small}",
        "upload steps {steps} succeeded",
        "START u0 {lb}act=android.intent.action.MAIN cmp={activity}{rb} from uid {int}",
        "Displayed {activity}: +{ms}ms",
        "Start proc {int}:{pkg}/u0a{int} for {=activity|service|broadcast|content provider} {activity}",
        "Process {pkg} (pid {pid}) has died",
        "Killing {pid}:{pkg}/u0a{int} (adj {small}): {=empty #17|remove task|excessive cpu}",
        "acquire lock={int}, flags=0x{small}, tag=\"{=WakeLock|AlarmManager|*job*/com.example.sync}\", name={pkg}, ws=null, uid={int}, pid={pid}",
        "release lock={int}, flags=0x{small}, tag=\"{=WakeLock|AlarmManager|*job*/com.example.sync}\", name={pkg}, ws=null, uid={int}, pid={pid}",
        "setSystemUiVisibility vis={addr} mask={addr} oldVal={addr} newVal={addr} diff={addr}",
        "Skipped {int} frames!  The application may be doing too much work on its main thread.",
        "screen on",
        "screen off",
        "battery level {small}%, temperature {neg}",
        "rssi changed to {neg} dBm",
        "GPS fix acquired, accuracy {float} m",
        "GPS fix lost",
        "Notification posted by {pkg} id={int}",
        "Notification removed by {pkg} id={int}",
        "Alarm triggered: {pkg} at {time}",
        "Wifi state changed: {=CONNECTED|DISCONNECTED|SCANNING}",
        "Bluetooth enabled",
        "Bluetooth disabled",
        "channels scanned: {chans}",
    };

    /** HDFS-like block logs: signed block ids, IPs, constant-word siblings. */
    private static final String[] BLOCKS = {
        "Receiving block {blk} src: /{ipport} dest: /{ipport}",
        "Received block {blk} of size {bytes} from /{ip}",
        "Received block {blk} src: /{ipport} dest: /{ipport} of size {bytes}",
        "PacketResponder {small} for block {blk} terminating",
        "PacketResponder {blk} {small} Exception {=java.io.IOException|java.io.InterruptedIOException}: {reason}",
        "BLOCK* NameSystem.addStoredBlock: blockMap updated: {ipport} is added to {blk} size {bytes}",
        "BLOCK* NameSystem.allocateBlock: {path}. {blk}",
        "BLOCK* NameSystem.delete: {blk} is added to invalidSet of {ipport}",
        "BLOCK* ask {ipport} to replicate {blk} to datanode(s) {ipport}",
        "BLOCK* ask {ipport} to delete {blk}",
        "Deleting block {blk} file {path}",
        "Verification succeeded for {blk}",
        "Verification failed for {blk}",
        "{ipport} Served block {blk} to /{ip}",
        "{ipport}:Got exception while serving {blk} to /{ip}:",
        "{ipport}:Transmitted block {blk} to /{ipport}",
        "{ipport} Starting thread to transfer block {blk} to {ipport}",
        "writeBlock {blk} received exception {=java.io.IOException|java.io.EOFException}: {reason}",
        "Changing block file offset of block {blk} from {int} to {int} meta file offset to {small}",
        "Reopen already-open Block for append {blk}",
        "Unexpected error trying to delete block {blk}. BlockInfo not found in volumeMap.",
        "Block {blk} is valid, and cannot be written to.",
        "Adding an already existing block {blk}",
        "Decommission of {ipport} started",
        "Decommission of {ipport} completed",
        "Replication queue has {int} blocks",
        "Roll Edit Log from {ip}",
        "Safe mode is ON",
        "Safe mode is OFF",
    };

    /** Authentication and system daemons: sshd, pam, sudo, cups, cron. */
    private static final String[] AUTH = {
        "Failed password for invalid user {user} from {ip} port {port} ssh2",
        "Failed none for invalid user {user} from {ip} port {port} ssh2",
        "Failed password for {user} from {ip} port {port} ssh2",
        "Accepted password for {user} from {ip} port {port} ssh2",
        "Accepted publickey for {user} from {ip} port {port} ssh2",
        "Invalid user {user} from {ip}",
        "input_userauth_request: invalid user {user} [preauth]",
        "Received disconnect from {ip}: 11: {=Bye Bye|disconnected by user|Normal Shutdown, Thank you for playing} [preauth]",
        "Connection closed by {ip} [preauth]",
        "Disconnecting: Too many authentication failures for {user} [preauth]",
        "reverse mapping checking getaddrinfo for {fqdn} [{ip}] failed - POSSIBLE BREAK-IN ATTEMPT!",
        "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}{?  user={user}}",
        "pam_unix(sshd:auth): check pass; user unknown",
        "PAM {small} more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}{?  user={user}}",
        "pam_unix(sshd:session): session opened for user {user} by (uid=0)",
        "pam_unix(sshd:session): session closed for user {user}",
        "pam_unix(cron:session): session opened for user root by (uid=0)",
        "pam_unix(cron:session): session closed for user root",
        "session opened for user {user} by (uid={uid})",
        "session closed for user {user}",
        "{user} : TTY=pts/{small} ; PWD={path} ; USER=root ; COMMAND={=/bin/systemctl restart nginx|/usr/bin/apt update|/bin/cat /etc/shadow}",
        "{user} : user NOT in sudoers ; TTY=pts/{small} ; PWD={path} ; USER=root ; COMMAND=/bin/su",
        "cupsd startup succeeded",
        "cupsd shutdown succeeded",
        "crond startup succeeded",
        "crond shutdown succeeded",
        "ANONYMOUS FTP LOGIN FROM {ip}, {=(anonymous)|guest}",
        "connection from {ip} ({fqdn}) at {date}",
        "New session {int} of user {user}.",
        "Removed session {int}.",
        "Started Session {int} of user {user}.",
        "error: Received disconnect from {ip}: 3: com.jcraft.jsch.JSchException: Auth fail [preauth]",
        "user {nonroot} logged in on {tty}",
        "user root logged in on tty{small}",
        "password changed for {user}",
        "Authentication service initialized by client AgentA",
        "Authentication service initialized by client AgentB",
    };

    /** Web servers: access lines with methods inside quotes, error log lines. */
    private static final String[] WEB = {
        "{ip} - - \"GET {route} HTTP/1.1\" {status} {bytes}",
        "{ip} - - \"POST {route} HTTP/1.1\" {status} {bytes}",
        "{ip} - {user} \"DELETE {route} HTTP/1.1\" {status} {bytes}",
        "{ip} - - \"HEAD {route} HTTP/1.0\" {status} 0",
        "\"GET {route} HTTP/1.1\" status: {status}",
        "\"POST {route} HTTP/1.1\" status: {status}",
        "\"DELETE {route} HTTP/1.1\" status: {status}",
        "jk2_init() Found child {pid} in scoreboard slot {small}",
        "workerEnv.init() ok {path}",
        "mod_jk child workerEnv in error state {small}",
        "[client {ip}] Directory index forbidden by rule: {path}",
        "[client {ip}] File does not exist: {path}",
        "[client {ip}] script not found or unable to stat: {path}",
        "[client {ip}] user {user} not found: {route}",
        "[client {ip}] user {user}: authentication failure for \"{route}\": Password Mismatch",
        "child pid {pid} exit signal {=Segmentation fault|Bus error} ({=11|7})",
        "Apache/{version} (Unix) configured -- resuming normal operations",
        "caught SIGTERM, shutting down",
        "Digest: generating secret for digest authentication ...",
        "Digest: done",
        "SSL certificate for {fqdn} expires in {small} days",
        "server reached MaxRequestWorkers setting, consider raising the MaxRequestWorkers setting",
        "upstream timed out ({=110|104}: {=Connection timed out|Connection reset by peer}) while reading response header from upstream, client: {ip}, server: {fqdn}, request: \"{httpm} {route} HTTP/1.1\"",
        "open() \"{path}\" failed (2: No such file or directory), client: {ip}, server: {fqdn}, request: \"GET {route} HTTP/1.1\"",
        "limiting requests, excess: {float} by zone \"{=api|login}\", client: {ip}",
        "{httpm} {route} {status} {dur}",
        "request {req} {httpm} {route} took {ms} ms",
    };
}
