package io.streamwatch.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Builds the sample log events and metric points, in the default ({@code streamwatch}) input format
 * of SPEC section 2, that the playground and tests feed to the job. It is separate from the Kafka
 * producer loop in {@link SampleGenerator} so the records can be checked without a broker, and it
 * is seeded so a test sees the same records every time.
 */
public final class SampleRecords {

    /** The input topic a sample belongs on. */
    public enum Stream {
        LOGS,
        METRICS
    }

    /**
     * One record ready to send: the Kafka key (the host) and the raw value bytes. {@code bad} marks
     * the deliberately unusable records, which the job must route to the dead-letter topic.
     */
    public record Sample(Stream stream, String key, byte[] value, boolean bad) {}

    /** The kinds of unusable record that {@link #nextBad} rotates through. */
    public enum BadKind {
        MALFORMED_JSON,
        MISSING_TIMESTAMP,
        NAN_VALUE,
        NON_UTF8
    }

    /** Log timestamps: ISO-8601 UTC with milliseconds always present, as shippers write them. */
    static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    /** Event times lag the wall clock by up to this much, like records from a real shipper. */
    static final long MAX_JITTER_MS = 2_000;

    private static final double LOG_SHARE = 0.6;

    /** Share of a service's ERROR lines that use the new template during a new-error incident. */
    static final double NOVEL_ERROR_SHARE = 0.7;

    static final String DURATION = "http.server.duration";
    static final String REQUESTS = "http.server.requests";

    private final ObjectMapper mapper = new ObjectMapper();
    private final Random random;
    private final List<HostBehaviour> hosts = new ArrayList<>();
    private final IncidentSchedule incidents;
    // Extra records an incident asked for (a request burst), sent before new ones are made.
    private final ArrayDeque<Sample> pending = new ArrayDeque<>();
    private int badCount;

    /**
     * @param services service names; each gets {@code hostsPerService} hosts named {@code
     *     <service>-<n>}
     * @param incidents incidents applied on top of the steady state (empty: steady state only)
     * @param seed seeds all randomness, so a test sees the same records on every run
     */
    public SampleRecords(
            List<String> services, int hostsPerService, List<Incident> incidents, long seed) {
        this(services, hostsPerService, IncidentSchedule.of(incidents), seed);
    }

    /**
     * @param services service names; each gets {@code hostsPerService} hosts named {@code
     *     <service>-<n>}
     * @param incidents the schedule applied on top of the steady state, e.g. a {@link Scenario}
     * @param seed seeds all randomness, so a test sees the same records on every run
     */
    public SampleRecords(
            List<String> services, int hostsPerService, IncidentSchedule incidents, long seed) {
        if (services.isEmpty() || hostsPerService < 1) {
            throw new IllegalArgumentException("need at least one service and one host each");
        }
        this.random = new Random(seed);
        this.incidents = incidents;
        for (String service : services) {
            // A little spread between services, so their error ratios are not all the same.
            double errorRatio = 0.01 + 0.02 * random.nextDouble();
            for (int i = 1; i <= hostsPerService; i++) {
                hosts.add(new HostBehaviour(service, service + "-" + i, errorRatio, 0.06));
            }
        }
    }

    public List<HostBehaviour> hosts() {
        return List.copyOf(hosts);
    }

    /**
     * The next steady-state record at wall-clock time {@code nowMillis}: a log event or a metric
     * point from a random host, or {@code null} when an incident silenced the chosen host. Extra
     * records an incident adds (a request burst) come out of later calls, before new ones.
     */
    public Sample next(long nowMillis) {
        Sample extra = pending.poll();
        if (extra != null) {
            return extra;
        }
        HostBehaviour steady = pickHost();
        long timestamp = nowMillis - jitter();
        // Incidents apply by event time, not send time: a host that comes back at 10:03:00 must
        // not send a record stamped 10:02:59 into a window it was silent for.
        HostBehaviour behaviour = behaviourAt(steady, timestamp);
        if (behaviour.silent) {
            return null;
        }
        if (random.nextDouble() < LOG_SHARE) {
            return new Sample(
                    Stream.LOGS, behaviour.host, bytes(logEvent(behaviour, timestamp)), false);
        }
        ObjectNode point = metricPoint(behaviour, timestamp);
        if (behaviour.requestRateFactor > 1 && REQUESTS.equals(point.path("name").asText())) {
            // A burst: the host reports (factor - 1) more request counts for every usual one.
            double more = behaviour.requestRateFactor - 1;
            int n = (int) more + (random.nextDouble() < more - (int) more ? 1 : 0);
            for (int i = 0; i < n; i++) {
                pending.add(
                        new Sample(
                                Stream.METRICS,
                                behaviour.host,
                                bytes(metricPoint(behaviour, timestamp, REQUESTS)),
                                false));
            }
        }
        return new Sample(Stream.METRICS, behaviour.host, bytes(point), false);
    }

    /**
     * The next unusable record, rotating through {@link BadKind}; {@code null} when the chosen host
     * is silenced by an incident (a silent host sends nothing, not even garbage).
     */
    public Sample nextBad(long nowMillis) {
        BadKind kind = BadKind.values()[badCount++ % BadKind.values().length];
        Sample sample = bad(kind, nowMillis);
        return behaviourAt(hostNamed(sample.key()), nowMillis - MAX_JITTER_MS).silent
                        || behaviourAt(hostNamed(sample.key()), nowMillis).silent
                ? null
                : sample;
    }

    /** An unusable record of the given kind. */
    public Sample bad(BadKind kind, long nowMillis) {
        HostBehaviour host = pickHost();
        long timestamp = nowMillis - jitter();
        switch (kind) {
            case MALFORMED_JSON -> {
                // A record cut off mid-way, as a shipper writes when it crashes during a flush.
                byte[] whole = bytes(logEvent(host, timestamp));
                int cut = Math.max(1, whole.length / 2 + random.nextInt(whole.length / 4 + 1));
                byte[] truncated = new byte[Math.min(cut, whole.length - 1)];
                System.arraycopy(whole, 0, truncated, 0, truncated.length);
                return new Sample(Stream.LOGS, host.host, truncated, true);
            }
            case MISSING_TIMESTAMP -> {
                ObjectNode event = logEvent(host, timestamp);
                event.remove("timestamp");
                return new Sample(Stream.LOGS, host.host, bytes(event), true);
            }
            case NAN_VALUE -> {
                // Python's json.dumps writes float('nan') as a bare NaN token; that is how it
                // happens.
                ObjectNode point = metricPoint(host, timestamp);
                point.put("value", "NAN_PLACEHOLDER");
                String text = new String(bytes(point), StandardCharsets.UTF_8);
                text = text.replace("\"NAN_PLACEHOLDER\"", "NaN");
                return new Sample(
                        Stream.METRICS, host.host, text.getBytes(StandardCharsets.UTF_8), true);
            }
            case NON_UTF8 -> {
                // A Latin-1 encoded message: 'é' as the single byte 0xE9 is not valid UTF-8.
                ObjectNode event = logEvent(host, timestamp);
                event.put("message", "Customer MARKER updated their address");
                String[] parts =
                        new String(bytes(event), StandardCharsets.UTF_8).split("MARKER", 2);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(parts[0].getBytes(StandardCharsets.UTF_8));
                out.writeBytes(new byte[] {'R', 'e', 'n', (byte) 0xE9, 'e'});
                out.writeBytes(parts[1].getBytes(StandardCharsets.UTF_8));
                return new Sample(Stream.LOGS, host.host, out.toByteArray(), true);
            }
            default -> throw new IllegalStateException(kind.name());
        }
    }

    /** A log event of {@code host} with event time {@code timestampMillis}. */
    public ObjectNode logEvent(HostBehaviour host, long timestampMillis) {
        double r = random.nextDouble();
        String level;
        List<Template> templates;
        boolean error = r < host.errorRatio;
        if (error) {
            level = random.nextDouble() < 0.02 ? "FATAL" : "ERROR";
            templates = Catalogue.errors(host.service);
        } else if (r < host.errorRatio + host.warnRatio) {
            level = "WARN";
            templates = Catalogue.warnings(host.service);
        } else {
            level = "INFO";
            templates = Catalogue.infos(host.service);
        }
        Template template = templates.get(random.nextInt(templates.size()));
        if (error && host.novelError >= 0 && random.nextDouble() < NOVEL_ERROR_SHARE) {
            // An incident's brand-new error replaces part of the usual ones, so the error ratio
            // stays where it was and only the new-pattern rule has something to see.
            template = NovelErrors.template(host.novelError);
        }
        ObjectNode event = mapper.createObjectNode();
        event.put("timestamp", ISO_MILLIS.format(Instant.ofEpochMilli(timestampMillis)));
        event.put("service", host.service);
        event.put("host", host.host);
        event.put("level", level);
        event.put("message", template.message().apply(new Vars(random, host)));
        event.put("logger", "com.shop." + packageName(host.service) + "." + template.logger());
        event.put("trace_id", hex(16));
        return event;
    }

    /** A metric point of {@code host} with event time {@code timestampMillis}. */
    public ObjectNode metricPoint(HostBehaviour host, long timestampMillis) {
        double r = random.nextDouble();
        String name;
        if (r < 0.5) {
            name = DURATION;
        } else if (r < 0.65) {
            name = REQUESTS;
        } else if (r < 0.8) {
            name = "cpu.usage";
        } else if (r < 0.9) {
            name = "jvm.memory.used";
        } else {
            name = "db.client.duration";
        }
        return metricPoint(host, timestampMillis, name);
    }

    private ObjectNode metricPoint(HostBehaviour host, long timestampMillis, String name) {
        ObjectNode point = mapper.createObjectNode();
        point.put("timestamp", timestampMillis);
        ObjectNode tags = mapper.createObjectNode();
        double value;
        switch (name) {
            case DURATION -> {
                String route = route(host.service);
                // Log-normal latencies: a realistic body with a long tail, in milliseconds. Route
                // medians of 20-99 ms and sigma 0.55 keep a healthy host's per-minute p99 near
                // 300 ms (at most about 450), below the example rule's 500 ms; a latency spike
                // (x5) lifts it well above.
                double median = 20 + Math.floorMod(route.hashCode(), 80);
                value = median * Math.exp(0.55 * random.nextGaussian()) * host.latencyFactor;
                tags.put("route", route);
                tags.put("method", route.contains("search") ? "GET" : "POST");
                tags.put("status", status(host));
            }
            case REQUESTS -> {
                value = 20 + random.nextInt(60);
                tags.put("route", route(host.service));
                tags.put("status", status(host));
            }
            case "cpu.usage" ->
                    value =
                            clamp(
                                    35 + 10 * random.nextGaussian() + 15 * (host.latencyFactor - 1),
                                    0,
                                    100);
            case "jvm.memory.used" -> {
                value = Math.round((400 + 150 * random.nextDouble()) * 1024 * 1024);
                tags.put("area", "heap");
            }
            default -> {
                value = 4 * Math.exp(0.8 * random.nextGaussian()) * host.latencyFactor;
                tags.put("db.operation", random.nextBoolean() ? "SELECT" : "UPDATE");
            }
        }
        point.put("name", name);
        if (name.equals(REQUESTS) || name.equals("jvm.memory.used")) {
            point.put("value", Math.round(value)); // counters and bytes are whole numbers
        } else {
            point.put("value", Math.round(value * 1000) / 1000.0);
        }
        point.put("service", host.service);
        point.put("host", host.host);
        point.set("tags", tags);
        return point;
    }

    private HostBehaviour pickHost() {
        return hosts.get(random.nextInt(hosts.size()));
    }

    private HostBehaviour hostNamed(String host) {
        for (HostBehaviour h : hosts) {
            if (h.host.equals(host)) {
                return h;
            }
        }
        throw new IllegalArgumentException(host);
    }

    /**
     * How {@code steady} behaves for a record with event time {@code eventMillis}: a copy reshaped
     * by the incidents active then.
     */
    HostBehaviour behaviourAt(HostBehaviour steady, long eventMillis) {
        List<? extends Incident> active = incidents.activeAt(eventMillis);
        if (active.isEmpty()) {
            return steady;
        }
        HostBehaviour shaped = steady.copy();
        for (Incident incident : active) {
            if (incident.activeAt(eventMillis)) {
                incident.shape(shaped);
            }
        }
        return shaped;
    }

    /**
     * One example of the never-seen error message number {@code index} that a new-error incident
     * makes a service log (the variable parts differ from line to line).
     */
    public static String novelErrorExample(int index) {
        HostBehaviour host = new HostBehaviour("service", "service-1", 0, 0);
        return NovelErrors.template(index).message().apply(new Vars(new Random(index), host));
    }

    private long jitter() {
        // Mostly small delays, a few near the maximum: squaring a uniform variable skews it to 0.
        double u = random.nextDouble();
        return (long) (MAX_JITTER_MS * u * u);
    }

    private String status(HostBehaviour host) {
        double r = random.nextDouble();
        if (r < host.errorRatio) {
            return random.nextBoolean() ? "500" : "503";
        }
        return r < host.errorRatio + 0.03 ? "404" : "200";
    }

    private String route(String service) {
        List<String> routes = ROUTES.getOrDefault(service, DEFAULT_ROUTES);
        return routes.get(random.nextInt(routes.size()));
    }

    private String hex(int digits) {
        StringBuilder sb = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen for a tree of plain values", e);
        }
    }

    private static String packageName(String service) {
        return service.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }

    private static final List<String> DEFAULT_ROUTES = List.of("/api/v1/items", "/api/v1/health");

    private static final Map<String, List<String>> ROUTES =
            Map.of(
                    "checkout", List.of("/cart", "/checkout", "/pay"),
                    "payments", List.of("/authorize", "/capture", "/refund"),
                    "search", List.of("/search", "/suggest"),
                    "inventory", List.of("/stock", "/reserve"));

    /** Random values for message templates: ids, durations, IPs, the parts a masker must mask. */
    static final class Vars {
        final Random random;
        final HostBehaviour host;

        Vars(Random random, HostBehaviour host) {
            this.random = random;
            this.host = host;
        }

        int num(int from, int to) {
            return from + random.nextInt(to - from + 1);
        }

        long ms(int median) {
            return Math.round(median * Math.exp(0.6 * random.nextGaussian()) * host.latencyFactor);
        }

        String ip() {
            return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + num(1, 254);
        }

        String uuid() {
            return new UUID(random.nextLong(), random.nextLong()).toString();
        }

        /**
         * A hex id with at least one digit and two letters. Real ids are sometimes all digits, but
         * the masker reads those as a number ({@code tx_<NUM>} instead of {@code tx_<HEX>}) and a
         * single {@code e} between digits as an exponent, and each such line would be a new error
         * pattern to the new-pattern rule: noise in a playground whose new errors should come from
         * incidents only.
         */
        String hex(int digits) {
            StringBuilder sb = new StringBuilder(digits);
            while (true) {
                sb.setLength(0);
                int letters = 0;
                for (int i = 0; i < digits; i++) {
                    int d = random.nextInt(16);
                    letters += d >= 10 ? 1 : 0;
                    sb.append(Character.forDigit(d, 16));
                }
                if (digits < 3 || (letters >= 2 && letters < digits)) {
                    return sb.toString();
                }
            }
        }

        String amount() {
            return String.format(Locale.ROOT, "%.2f", 5 + 200 * random.nextDouble());
        }

        String pick(String... options) {
            return options[random.nextInt(options.length)];
        }
    }

    /** A message with variable parts, and the class that logs it. */
    record Template(String logger, Function<Vars, String> message) {}

    /** Message texts per service and level, shaped like what real services log. */
    static final class Catalogue {
        private Catalogue() {}

        private static final List<Template> COMMON_INFO =
                List.of(
                        new Template(
                                "web.AccessLog",
                                v ->
                                        v.pick("GET", "POST")
                                                + " /api/v1/"
                                                + v.host.service
                                                + "/"
                                                + v.num(1000, 99999)
                                                + " completed with status 200 in "
                                                + v.ms(60)
                                                + " ms"),
                        new Template(
                                "auth.SessionFilter",
                                v -> "User " + v.num(1, 500000) + " authenticated from " + v.ip()),
                        new Template(
                                "cache.CacheRefresher",
                                v ->
                                        "Cache refresh finished: "
                                                + v.num(100, 20000)
                                                + " entries, hit ratio "
                                                + v.num(80, 99)
                                                + "%"));

        private static final List<Template> COMMON_WARN =
                List.of(
                        new Template(
                                "db.QueryLogger",
                                v ->
                                        "Slow query on table "
                                                + v.pick("orders", "customers", "stock", "sessions")
                                                + " took "
                                                + v.ms(900)
                                                + " ms"),
                        new Template(
                                "http.RetryingClient",
                                v ->
                                        "Retrying request "
                                                + v.uuid()
                                                + " to "
                                                + v.ip()
                                                + " (attempt "
                                                + v.num(1, 3)
                                                + "/3)"),
                        new Template(
                                "db.PoolMonitor",
                                v ->
                                        "Connection pool usage at "
                                                + v.num(80, 98)
                                                + "% ("
                                                + v.num(40, 49)
                                                + "/50)"));

        private static final List<Template> COMMON_ERROR =
                List.of(
                        new Template(
                                "web.ErrorHandler",
                                v ->
                                        "Unhandled exception in request "
                                                + v.uuid()
                                                + ": java.lang.IllegalStateException: connection"
                                                + " pool exhausted (max=50)"),
                        new Template(
                                "http.RetryingClient",
                                v ->
                                        "Connection refused: "
                                                + v.ip()
                                                + ":"
                                                + v.pick("5432", "6379")));

        private static final Map<String, List<Template>> INFO =
                Map.of(
                        "checkout",
                        List.of(
                                new Template(
                                        "order.OrderService",
                                        v ->
                                                "Order ORD-"
                                                        + v.num(100000, 999999)
                                                        + " created for customer "
                                                        + v.uuid()
                                                        + " with "
                                                        + v.num(1, 9)
                                                        + " items, total "
                                                        + v.amount()
                                                        + " EUR"),
                                new Template(
                                        "cart.CartController",
                                        v ->
                                                "Cart "
                                                        + v.hex(12)
                                                        + " updated: "
                                                        + v.num(1, 12)
                                                        + " items")),
                        "payments",
                        List.of(
                                new Template(
                                        "card.AuthorizationService",
                                        v ->
                                                "Authorized payment pay_"
                                                        + v.hex(10)
                                                        + " for "
                                                        + v.amount()
                                                        + " EUR via card ending "
                                                        + v.num(1000, 9999)),
                                new Template(
                                        "card.CaptureService",
                                        v ->
                                                "Captured payment pay_"
                                                        + v.hex(10)
                                                        + " in "
                                                        + v.ms(120)
                                                        + " ms")),
                        "search",
                        List.of(
                                new Template(
                                        "query.SearchController",
                                        v ->
                                                "Query \""
                                                        + v.pick(
                                                                "red shoes",
                                                                "usb-c cable",
                                                                "tent",
                                                                "coffee grinder")
                                                        + "\" returned "
                                                        + v.num(0, 4000)
                                                        + " hits in "
                                                        + v.ms(35)
                                                        + " ms")),
                        "inventory",
                        List.of(
                                new Template(
                                        "stock.ReservationService",
                                        v ->
                                                "Reserved "
                                                        + v.num(1, 20)
                                                        + " units of SKU-"
                                                        + v.num(10000, 99999)
                                                        + " in warehouse WH-"
                                                        + v.num(1, 6)),
                                new Template(
                                        "stock.ReplenishmentJob",
                                        v ->
                                                "Replenishment run finished: "
                                                        + v.num(0, 300)
                                                        + " SKUs below threshold")));

        private static final Map<String, List<Template>> WARN =
                Map.of(
                        "payments",
                        List.of(
                                new Template(
                                        "card.AuthorizationService",
                                        v ->
                                                "Card issuer declined transaction tx_"
                                                        + v.hex(12)
                                                        + ": code "
                                                        + v.pick("05", "51", "54"))),
                        "search",
                        List.of(
                                new Template(
                                        "index.IndexClient",
                                        v ->
                                                "Index shard "
                                                        + v.num(0, 11)
                                                        + " is relocating, query served from replica")));

        private static final Map<String, List<Template>> ERROR =
                Map.of(
                        "checkout",
                        List.of(
                                new Template(
                                        "payment.PaymentClient",
                                        v ->
                                                "Timeout calling payment-gateway after "
                                                        + (3000 + v.num(0, 50))
                                                        + " ms"),
                                new Template(
                                        "order.OrderService",
                                        v ->
                                                "Failed to place order ORD-"
                                                        + v.num(100000, 999999)
                                                        + ": inventory service returned 503")),
                        "payments",
                        List.of(
                                new Template(
                                        "acquirer.AcquirerClient",
                                        v ->
                                                "Connection reset by peer while talking to acquirer at "
                                                        + v.ip()
                                                        + ":443"),
                                new Template(
                                        "ledger.LedgerWriter",
                                        v ->
                                                "Deadlock detected on table payments, rolled back transaction tx_"
                                                        + v.hex(12))),
                        "search",
                        List.of(
                                new Template(
                                        "index.IndexClient",
                                        v ->
                                                "Search cluster unreachable at "
                                                        + v.ip()
                                                        + ":9200 after "
                                                        + v.num(2, 5)
                                                        + " retries")),
                        "inventory",
                        List.of(
                                new Template(
                                        "stock.ReservationService",
                                        v ->
                                                "Failed to reserve stock for SKU-"
                                                        + v.num(10000, 99999)
                                                        + ": optimistic lock failure after 3 attempts"),
                                new Template(
                                        "stock.StockRepository",
                                        v ->
                                                "NullPointerException in StockRepository.update"
                                                        + " (StockRepository.java:"
                                                        + v.num(40, 400)
                                                        + ")")));

        // Merged lists per service, built once: the lookups happen for every record.
        private static final Map<String, List<Template>> MERGED = new ConcurrentHashMap<>();

        static List<Template> infos(String service) {
            return MERGED.computeIfAbsent(
                    "INFO/" + service, k -> merged(COMMON_INFO, INFO.get(service)));
        }

        static List<Template> warnings(String service) {
            return MERGED.computeIfAbsent(
                    "WARN/" + service, k -> merged(COMMON_WARN, WARN.get(service)));
        }

        static List<Template> errors(String service) {
            return MERGED.computeIfAbsent(
                    "ERROR/" + service, k -> merged(COMMON_ERROR, ERROR.get(service)));
        }

        private static List<Template> merged(List<Template> common, List<Template> specific) {
            if (specific == null) {
                return common;
            }
            // Service-specific lines are listed twice so they outnumber the generic ones.
            List<Template> all = new ArrayList<>(common);
            all.addAll(specific);
            all.addAll(specific);
            return List.copyOf(all);
        }
    }

    /**
     * Error messages the steady state never logs, one per new-error incident: the first cycles use
     * one template each; later rounds put a release code name in front and name the release in
     * quotes at the end ({@code [bravo] ... in release 'Bravo'}). The miner takes one differing
     * word for a variable, but a quoted capitalized word tells events apart and two differing words
     * keep rare templates from merging, so each is still a new pattern and a new template (after 8
     * x 27 incidents the names repeat).
     */
    static final class NovelErrors {
        private NovelErrors() {}

        private static final List<Template> BASE =
                List.of(
                        new Template(
                                "fraud.FraudCheckClient",
                                v ->
                                        "Circuit breaker OPEN for fraud-check after "
                                                + v.num(5, 20)
                                                + " consecutive failures"),
                        new Template(
                                "events.SchemaValidator",
                                v ->
                                        "Schema validation failed for event OrderPlaced at offset "
                                                + v.num(1000, 999999)
                                                + ": missing required field 'currency'"),
                        new Template(
                                "tls.CertificateMonitor",
                                v ->
                                        "TLS handshake with ledger-db failed: certificate expired "
                                                + v.num(1, 9)
                                                + " days ago"),
                        new Template(
                                "outbox.OutboxPublisher",
                                v ->
                                        "Producer fenced: another instance took over transactional"
                                                + " id outbox-"
                                                + v.num(1, 9)),
                        new Template(
                                "billing.InvoiceRenderer",
                                v ->
                                        "OutOfMemoryError while rendering invoice INV-"
                                                + v.num(100000, 999999)
                                                + " (heap "
                                                + v.num(90, 99)
                                                + "% used)"),
                        new Template(
                                "tax.TaxServiceClient",
                                v ->
                                        "Rate limit exceeded calling tax-service: HTTP 429, retry"
                                                + " after "
                                                + v.num(1, 30)
                                                + " s"),
                        new Template(
                                "config.ConfigWatcher",
                                v ->
                                        "Config reload failed: unknown key retry_policy.backoff in "
                                                + v.pick(
                                                        "/etc/shop/application.yaml",
                                                        "/etc/shop/overrides.yaml")),
                        new Template(
                                "storage.SpoolWriter",
                                v ->
                                        "Disk full on /var/lib/shop/spool: could not write "
                                                + v.num(512, 65536)
                                                + " bytes"));

        private static final List<String> RELEASES =
                List.of(
                        ("alfa bravo charlie delta echo foxtrot golf hotel india juliett kilo lima"
                                        + " mike november oscar papa quebec romeo sierra tango"
                                        + " uniform victor whiskey xray yankee zulu")
                                .split(" "));

        static Template template(int index) {
            Template base = BASE.get(Math.floorMod(index, BASE.size()));
            int round = Math.floorMod(index / BASE.size(), RELEASES.size() + 1);
            if (round == 0) {
                return base;
            }
            String release = RELEASES.get(round - 1);
            String quoted = Character.toUpperCase(release.charAt(0)) + release.substring(1);
            return new Template(
                    base.logger(),
                    v ->
                            "["
                                    + release
                                    + "] "
                                    + base.message().apply(v)
                                    + " in release '"
                                    + quoted
                                    + "'");
        }

        static int size() {
            return BASE.size() * (RELEASES.size() + 1);
        }
    }
}
