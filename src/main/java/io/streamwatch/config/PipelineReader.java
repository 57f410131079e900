package io.streamwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and checks one entry of {@code pipelines}, filling in the defaults of its kind. */
final class PipelineReader {
    /** The keys a pipeline may have; overrides use them to find where a pipeline name ends. */
    static final List<String> KEYS =
            List.of(
                    "name",
                    "kind",
                    "topic",
                    "format",
                    "fields",
                    "group_by",
                    "window",
                    "out_of_orderness",
                    "idleness",
                    "allowed_lateness",
                    "output_topic",
                    "top_patterns",
                    "patterns",
                    "pre_aggregation");

    static final String LOG_OUTPUT = "streamwatch.log-aggregates";
    static final String METRIC_OUTPUT = "streamwatch.metric-aggregates";

    private static final Pattern NAME = Pattern.compile("[a-z0-9._-]+");
    // Logical field names and JSON paths: ECS writes service.name, some shippers @timestamp.
    private static final Pattern GROUP_FIELD = Pattern.compile("[A-Za-z0-9_@][A-Za-z0-9_.@-]*");
    private static final Duration POSITIVE = Duration.ofMillis(1);
    // Each record is added to size/slide sliding windows; beyond this it is a mistake, not a plan.
    private static final long MAX_WINDOWS_PER_RECORD = 100;

    /** Fields whose place otel and telegraf fix themselves; {@code fields} may not move them. */
    private static final List<String> FIXED_FIELDS =
            List.of("timestamp", "level", "message", "name", "value");

    private PipelineReader() {}

    /** Reads {@code pipelines[index]}; returns null when it is not a mapping (reported). */
    static PipelineConfig read(Problems problems, JsonNode item, int index) {
        String treePath = "pipelines[" + index + "]";
        JsonNode name = item.get("name");
        String where =
                name != null && name.isValueNode() && !name.asText().isBlank()
                        ? "pipeline '" + name.asText() + "'"
                        : "pipeline #" + (index + 1);
        if (!item.isObject()) {
            problems.at(
                    where,
                    "",
                    "must be a mapping (name: ..., kind: ..., topic: ...), got "
                            + Section.describe(item),
                    treePath);
            return null;
        }
        Section s = Section.of(problems, where, treePath, item);
        s.allowOnly(KEYS);

        String pipelineName = s.required("name", "every pipeline needs a unique name");
        if (pipelineName != null && !NAME.matcher(pipelineName).matches()) {
            s.problem(
                    "name",
                    Names.quote(pipelineName)
                            + " may use only lower-case letters, digits, '.', '_' and '-'");
        }
        String kindText = s.required("kind", "use logs or metrics");
        PipelineKind kind = PipelineKind.LOGS;
        if (kindText != null) {
            kind =
                    PipelineKind.valueOf(
                            s.choice("kind", "logs", List.of("logs", "metrics"))
                                    .toUpperCase(Locale.ROOT));
        }
        String topic = s.required("topic", "name the Kafka topic this pipeline reads");
        if (topic != null) {
            topic = s.topic("topic", topic);
        }
        String format =
                s.choice(
                        "format", "streamwatch", List.of("streamwatch", "ecs", "otel", "telegraf"));
        if (format.equals("telegraf") && kind == PipelineKind.LOGS) {
            s.problem("format", "telegraf is a metrics format; use it with kind: metrics", "kind");
        }
        Map<String, String> fields = s.stringMap("fields");
        if (format.equals("otel") || format.equals("telegraf")) {
            for (String f : FIXED_FIELDS) {
                if (fields.containsKey(f)) {
                    s.problem(
                            "fields",
                            Names.quote(f)
                                    + " cannot be remapped: "
                                    + format
                                    + " reads its own fixed fields; `fields` may only rename"
                                    + " group fields (e.g. service: app.name)");
                }
            }
        }
        List<String> groupBy = groupBy(s, kind);
        WindowConfig window = window(s.nested("window"));
        Duration outOfOrderness =
                s.duration("out_of_orderness", Duration.ofSeconds(5), Duration.ZERO);
        // 0 turns idleness detection off.
        Duration idleness = s.duration("idleness", Duration.ofSeconds(30), Duration.ZERO);
        Duration allowedLateness = s.duration("allowed_lateness", Duration.ZERO, Duration.ZERO);
        String outputTopic =
                s.topic("output_topic", kind == PipelineKind.LOGS ? LOG_OUTPUT : METRIC_OUTPUT);
        int topPatterns = s.integer("top_patterns", 5, 1, 100);
        PatternsConfig patterns = patterns(s.nested("patterns"));
        if (kind == PipelineKind.METRICS && s.has("patterns")) {
            s.problem("patterns", "only logs pipelines have message patterns", "kind");
        }
        return new PipelineConfig(
                pipelineName,
                kind,
                topic,
                format,
                Collections.unmodifiableMap(fields),
                groupBy,
                window,
                outOfOrderness,
                idleness,
                allowedLateness,
                outputTopic,
                topPatterns,
                patterns,
                preAggregation(s.nested("pre_aggregation")));
    }

    /** Combining before the shuffle; on by default. */
    private static PreAggregationConfig preAggregation(Section p) {
        PreAggregationConfig def = PreAggregationConfig.defaults();
        p.allowOnly(List.of("enabled", "max_entries"));
        return new PreAggregationConfig(
                p.bool("enabled", def.enabled()),
                p.integer("max_entries", def.maxEntries(), 1, 10_000_000));
    }

    /** The template miner's settings; every value has a default (PatternsConfig.defaults). */
    private static PatternsConfig patterns(Section p) {
        PatternsConfig def = PatternsConfig.defaults();
        p.allowOnly(
                List.of("mining", "depth", "similarity", "max_children", "max_templates", "ttl"));
        boolean mining = p.bool("mining", def.mining());
        // Deeper than 10 routes by so many leading tokens that variable words split templates.
        int depth = p.integer("depth", def.depth(), 3, 10);
        double similarity = p.decimal("similarity", def.similarity(), 0.0, 1.0);
        int maxChildren = p.integer("max_children", def.maxChildren(), 2, 100_000);
        int maxTemplates = p.integer("max_templates", def.maxTemplates(), 1, 100_000);
        Duration ttl = p.duration("ttl", def.ttl(), Duration.ofMinutes(1));
        return new PatternsConfig(mining, depth, similarity, maxChildren, maxTemplates, ttl);
    }

    private static List<String> groupBy(Section s, PipelineKind kind) {
        List<String> def =
                kind == PipelineKind.LOGS ? List.of("service") : List.of("service", "host");
        List<String> groupBy = s.stringList("group_by", def);
        if (groupBy.isEmpty()) {
            s.problem("group_by", "must name at least one field, e.g. [service]");
            return def;
        }
        Set<String> seen = new HashSet<>();
        for (String f : groupBy) {
            if (!GROUP_FIELD.matcher(f).matches()) {
                s.problem("group_by", Names.quote(f) + " is not a field name or JSON path");
            } else if (!seen.add(f)) {
                s.problem("group_by", Names.quote(f) + " is listed twice");
            } else if (kind == PipelineKind.METRICS && f.equals("name")) {
                s.problem(
                        "group_by",
                        "\"name\" is always part of a metric's key; leave it out of group_by");
            }
        }
        return groupBy;
    }

    private static WindowConfig window(Section w) {
        w.allowOnly(List.of("type", "size", "slide"));
        WindowConfig.Type type =
                WindowConfig.Type.valueOf(
                        w.choice("type", "tumbling", List.of("tumbling", "sliding"))
                                .toUpperCase(Locale.ROOT));
        Duration size = w.duration("size", Duration.ofMinutes(1), POSITIVE);
        if (type == WindowConfig.Type.TUMBLING) {
            if (w.has("slide") && !w.duration("slide", size, POSITIVE).equals(size)) {
                w.problem(
                        "slide",
                        "only sliding windows have a slide; set window.type: sliding",
                        "type");
            }
            return new WindowConfig(type, size, size);
        }
        if (!w.has("slide")) {
            w.problem("slide", "is missing; a sliding window needs one, e.g. slide: 1m", "type");
            return new WindowConfig(type, size, size);
        }
        Duration slide = w.duration("slide", size, POSITIVE);
        if (slide.compareTo(size) > 0) {
            w.problem(
                    "slide",
                    Durations.format(slide)
                            + " is longer than window.size "
                            + Durations.format(size)
                            + "; it must be at most the size",
                    "size");
        } else if (size.toMillis() % slide.toMillis() != 0) {
            w.problem(
                    "slide",
                    "window.size "
                            + Durations.format(size)
                            + " is not a multiple of "
                            + Durations.format(slide)
                            + "; windows would overlap unevenly",
                    "size");
        } else if (size.toMillis() / slide.toMillis() > MAX_WINDOWS_PER_RECORD) {
            w.problem(
                    "slide",
                    "each record would be counted in "
                            + size.toMillis() / slide.toMillis()
                            + " windows; keep size/slide at most "
                            + MAX_WINDOWS_PER_RECORD,
                    "size");
        }
        return new WindowConfig(type, size, slide);
    }
}
