package io.streamwatch.offline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamwatch.config.ConfigException;
import io.streamwatch.config.ConfigLoader;
import io.streamwatch.config.ConfigProblem;
import io.streamwatch.config.Durations;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.formats.FieldMapping;
import io.streamwatch.formats.RecordDecoder;
import io.streamwatch.formats.RecordOrigin;
import io.streamwatch.records.Decoded;
import io.streamwatch.records.KafkaMessage;
import io.streamwatch.records.Times;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rule unit tests, as {@code promtool test rules} does for Prometheus: a YAML file of input records
 * and the alert transitions expected at given times, run offline through the real pipeline, with a
 * readable diff when they disagree. See {@code docs/rule-tests.md}.
 */
public final class RuleTests {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> FILE_KEYS = Set.of("config", "rule_files", "start", "tests");
    private static final Set<String> TEST_KEYS =
            Set.of("name", "rules", "input", "until", "expect");
    private static final Set<String> INPUT_KEYS = Set.of("at", "every", "until", "record", "raw");
    private static final Set<String> EXPECT_KEYS =
            Set.of("at", "rule", "status", "labels", "summary");

    /** One expected or observed alert transition. */
    record Transition(
            long at, String rule, String status, Map<String, String> labels, String summary) {
        String describe(long start) {
            return "at "
                    + Durations.format(Duration.ofMillis(at - start))
                    + "  "
                    + rule
                    + " "
                    + status
                    + " "
                    + labels
                    + (summary == null ? "" : "  \"" + summary + "\"");
        }

        boolean matches(Transition actual) {
            return at == actual.at
                    && rule.equals(actual.rule)
                    && status.equals(actual.status)
                    && actual.labels.entrySet().containsAll(labels.entrySet())
                    && (summary == null || summary.equals(actual.summary));
        }
    }

    /** A problem with the test file itself, not with the rules under test. */
    public static final class BadTestFile extends Exception {
        public BadTestFile(String message) {
            super(message);
        }
    }

    private RuleTests() {}

    /**
     * Runs every test of a file, printing PASS or FAIL with a diff per test.
     *
     * @return the number of failed tests
     */
    public static int run(Path file, PrintWriter out) throws BadTestFile, Exception {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadTestFile(file + ": does not parse: " + e.getMessage().split("\n")[0]);
        }
        if (root == null || !root.isObject()) {
            throw new BadTestFile(file + ": a rule test file is a mapping with tests: [...]");
        }
        unknownKeys(file, "", root, FILE_KEYS);
        Path dir = file.toAbsolutePath().getParent();
        Path configFile = dir.resolve(text(root, "config", "../streamwatch.yaml")).normalize();
        StreamwatchConfig config;
        try {
            config = ConfigLoader.load(configFile, Map.of());
        } catch (ConfigException e) {
            throw new BadTestFile(file + ": config " + configFile + ": " + e.getMessage());
        }
        List<RuleDefinition> rules = rules(file, root, dir, configFile, config);
        long start = instant(file, root, "start", "2026-01-01T00:00:00Z");
        JsonNode tests = root.get("tests");
        if (tests == null || !tests.isArray() || tests.isEmpty()) {
            throw new BadTestFile(file + ": tests: a list of tests is missing");
        }
        int failed = 0;
        for (int i = 0; i < tests.size(); i++) {
            JsonNode t = tests.get(i);
            String name = text(t, "name", "test #" + (i + 1));
            String where = file + ": test '" + name + "'";
            unknownKeys(file, "test '" + name + "'", t, TEST_KEYS);
            List<Transition> expected = expectations(where, t.get("expect"), start);
            Set<String> watched = new LinkedHashSet<>();
            if (t.has("rules")) {
                t.get("rules").forEach(r -> watched.add(r.asText()));
            }
            expected.forEach(x -> watched.add(x.rule()));
            for (String r : watched) {
                if (rules.stream().noneMatch(d -> d.name().equals(r))) {
                    throw new BadTestFile(
                            where + ": no rule named \"" + r + "\" in the rule files");
                }
            }
            Inputs inputs = inputs(where, t.get("input"), config, start);
            long until = t.has("until") ? start + duration(where, t, "until") : inputs.last;
            List<Transition> actual =
                    observe(config, rules, inputs.events).stream()
                            .filter(a -> watched.contains(a.rule()) && a.at() <= until)
                            .toList();
            failed += report(out, where, start, expected, actual) ? 0 : 1;
        }
        out.printf("%s: %d tests, %d failed%n", file, tests.size(), failed);
        out.flush();
        return failed;
    }

    private static boolean report(
            PrintWriter out,
            String where,
            long start,
            List<Transition> expected,
            List<Transition> actual) {
        List<Transition> unmatched = new ArrayList<>(actual);
        List<Transition> missing = new ArrayList<>();
        for (Transition x : expected) {
            Iterator<Transition> it = unmatched.iterator();
            boolean found = false;
            while (it.hasNext()) {
                if (x.matches(it.next())) {
                    it.remove();
                    found = true;
                    break;
                }
            }
            if (!found) {
                missing.add(x);
            }
        }
        if (missing.isEmpty() && unmatched.isEmpty()) {
            out.println("PASS  " + where);
            return true;
        }
        out.println("FAIL  " + where);
        if (!missing.isEmpty()) {
            out.println("  expected, but did not happen:");
            missing.forEach(x -> out.println("    - " + x.describe(start)));
        }
        if (!unmatched.isEmpty()) {
            out.println("  happened, but not expected:");
            unmatched.forEach(x -> out.println("    + " + x.describe(start)));
        }
        return false;
    }

    /** Runs the pipeline over the inputs and returns every alert transition, in time order. */
    static List<Transition> observe(
            StreamwatchConfig config, List<RuleDefinition> rules, Map<String, List<Decoded>> events)
            throws Exception {
        Map<String, List<KafkaMessage>> written =
                new OfflineRun(config, rules).run(OfflineRun.inMemory(events));
        List<Transition> out = new ArrayList<>();
        for (KafkaMessage m : written.getOrDefault(config.alerts().topic(), List.of())) {
            JsonNode a = YAML.readTree(new String(m.value, StandardCharsets.UTF_8));
            boolean firing = a.get("status").asText().equals("firing");
            long at = Instant.parse(a.get(firing ? "startsAt" : "endsAt").asText()).toEpochMilli();
            Map<String, String> labels = new TreeMap<>();
            a.get("labels")
                    .fields()
                    .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            out.add(
                    new Transition(
                            at,
                            a.get("rule").asText(),
                            a.get("status").asText(),
                            labels,
                            a.get("annotations").get("summary").asText()));
        }
        out.sort(Comparator.comparingLong(Transition::at).thenComparing(Transition::rule));
        return out;
    }

    private static List<RuleDefinition> rules(
            Path file, JsonNode root, Path dir, Path configFile, StreamwatchConfig config)
            throws BadTestFile {
        List<ConfigProblem> problems = new ArrayList<>();
        List<RuleDefinition> rules;
        if (root.has("rule_files")) {
            List<String> globs = new ArrayList<>();
            root.get("rule_files").forEach(g -> globs.add(g.asText()));
            // Rule files are named relative to the test file: give the loader that directory.
            StreamwatchConfig withFiles =
                    new StreamwatchConfig(
                            config.source(),
                            config.kafka(),
                            config.delivery(),
                            config.checkpoint(),
                            config.parallelism(),
                            config.limits(),
                            config.pipelines(),
                            new io.streamwatch.config.AlertsConfig(
                                    config.alerts().topic(),
                                    globs,
                                    config.alerts().controlTopic(),
                                    config.alerts().statusTopic()),
                            config.deadLetterTopic(),
                            config.lateEventsTopic());
            rules = RuleLoader.load(withFiles, dir.resolve("tests.yaml"), problems);
        } else {
            rules = RuleLoader.load(config, configFile, problems);
        }
        if (!problems.isEmpty()) {
            StringBuilder b = new StringBuilder(file + ": the rules under test have problems:");
            problems.forEach(p -> b.append("\n  ").append(p));
            throw new BadTestFile(b.toString());
        }
        return rules;
    }

    private record Inputs(Map<String, List<Decoded>> events, long last) {}

    private static Inputs inputs(String where, JsonNode input, StreamwatchConfig config, long start)
            throws BadTestFile {
        if (input == null || !input.isObject()) {
            throw new BadTestFile(
                    where + ": input: a mapping of pipeline name to records is missing");
        }
        Map<String, List<Decoded>> events = new HashMap<>();
        long last = start;
        for (Iterator<Map.Entry<String, JsonNode>> it = input.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            PipelineConfig p = config.pipeline(e.getKey());
            if (p == null) {
                throw new BadTestFile(where + ": input: no pipeline named \"" + e.getKey() + "\"");
            }
            RecordDecoder decoder = RecordDecoder.standalone(p, config.limits());
            String tsPath =
                    FieldMapping.preset(p.format()) == null
                            ? "timestamp"
                            : FieldMapping.preset(p.format())
                                    .withOverrides(p.fields())
                                    .pathOf(FieldMapping.TIMESTAMP);
            List<long[]> order = new ArrayList<>();
            List<byte[]> payloads = new ArrayList<>();
            for (JsonNode item : e.getValue()) {
                unknownKeys(where, "input " + e.getKey(), item, INPUT_KEYS);
                long at = start + duration(where, item, "at");
                long every = item.has("every") ? duration(where, item, "every") : 0;
                long end = item.has("until") ? start + duration(where, item, "until") : at + 1;
                if (every <= 0 && item.has("until")) {
                    throw new BadTestFile(where + ": input: 'until' needs 'every'");
                }
                for (long t = at; t < end; t += every > 0 ? every : end) {
                    byte[] payload;
                    if (item.has("raw")) {
                        payload = item.get("raw").asText().getBytes(StandardCharsets.UTF_8);
                    } else if (item.has("record") && item.get("record").isObject()) {
                        ObjectNode r = ((ObjectNode) item.get("record")).deepCopy();
                        r.put(tsPath, Times.iso(t));
                        payload = r.toString().getBytes(StandardCharsets.UTF_8);
                    } else {
                        throw new BadTestFile(
                                where
                                        + ": input: each entry needs a record (a mapping) or raw (text)");
                    }
                    order.add(new long[] {t, payloads.size()});
                    payloads.add(payload);
                    last = Math.max(last, t);
                }
            }
            order.sort(Comparator.comparingLong(o -> o[0]));
            List<Decoded> decoded = new ArrayList<>();
            RecordOrigin origin = new RecordOrigin();
            for (long[] o : order) {
                decoded.addAll(
                        decoder.decodeAll(
                                payloads.get((int) o[1]), origin.set(p.topic(), 0, o[1], -1)));
            }
            events.put(p.name(), decoded);
        }
        return new Inputs(events, last);
    }

    private static List<Transition> expectations(String where, JsonNode expect, long start)
            throws BadTestFile {
        List<Transition> out = new ArrayList<>();
        if (expect == null || expect.isNull()) {
            return out;
        }
        if (!expect.isArray()) {
            throw new BadTestFile(where + ": expect: a list of alert transitions");
        }
        for (JsonNode x : expect) {
            unknownKeys(where, "expect", x, EXPECT_KEYS);
            String status = text(x, "status", "firing");
            if (!status.equals("firing") && !status.equals("resolved")) {
                throw new BadTestFile(
                        where
                                + ": expect: status must be firing or resolved, not \""
                                + status
                                + "\"");
            }
            String rule = text(x, "rule", null);
            if (rule == null) {
                throw new BadTestFile(where + ": expect: every entry needs a rule");
            }
            Map<String, String> labels = new TreeMap<>();
            if (x.has("labels")) {
                x.get("labels")
                        .fields()
                        .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            }
            out.add(
                    new Transition(
                            start + duration(where, x, "at"),
                            rule,
                            status,
                            labels,
                            text(x, "summary", null)));
        }
        return out;
    }

    private static long duration(String where, JsonNode n, String key) throws BadTestFile {
        JsonNode v = n.get(key);
        if (v == null) {
            throw new BadTestFile(where + ": " + key + " is missing (an offset such as 90s or 2m)");
        }
        try {
            return Durations.parse(v.asText()).toMillis();
        } catch (IllegalArgumentException e) {
            throw new BadTestFile(where + ": " + key + ": " + e.getMessage());
        }
    }

    private static long instant(Path file, JsonNode n, String key, String def) throws BadTestFile {
        String text = text(n, key, def);
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (RuntimeException e) {
            throw new BadTestFile(
                    file
                            + ": "
                            + key
                            + ": \""
                            + text
                            + "\" is not an ISO-8601 time such as 2026-01-01T00:00:00Z");
        }
    }

    private static String text(JsonNode n, String key, String def) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? def : v.asText();
    }

    private static void unknownKeys(Object file, String where, JsonNode n, Set<String> known)
            throws BadTestFile {
        if (n == null || !n.isObject()) {
            throw new BadTestFile(file + ": " + where + ": expected a mapping");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new BadTestFile(
                        file
                                + ": "
                                + (where.isEmpty() ? "" : where + ": ")
                                + "unknown key '"
                                + k
                                + "' (known: "
                                + String.join(", ", known.stream().sorted().toList())
                                + ")");
            }
        }
    }
}
