package io.streamwatch.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.streamwatch.config.ConfigProblem;
import io.streamwatch.config.Durations;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.config.WindowConfig;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads the rule files that {@code alerts.rules} names (globs relative to the config file), and
 * checks each rule completely: its shape, its pipeline, its CEL condition against that pipeline's
 * aggregate fields, its templates, that an absence rule's {@code absent_for} fits in {@code
 * alerts.state_ttl}, and that no two rules share a name. The job does not start while any problem
 * remains; {@code validate} prints them all.
 */
public final class RuleLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * How much longer than an absence rule's {@code absent_for} {@code alerts.state_ttl} must be
     * (see {@link #check}).
     */
    public static final Duration ABSENCE_TTL_MARGIN = Duration.ofMinutes(1);

    /**
     * The most windows a rule's {@code over} may span: the evaluator keeps each key's figures of
     * that many windows, so the bound is one of memory per key (see {@code SpanWindows}).
     */
    public static final int MAX_OVER_WINDOWS = 240;

    private RuleLoader() {}

    /** Every rule file rule of {@code config}, or the problems that stop them. */
    public static List<RuleDefinition> load(
            StreamwatchConfig config, Path configFile, List<ConfigProblem> problems) {
        Path dir = configFile.toAbsolutePath().getParent();
        List<RuleDefinition> rules = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        for (String glob : config.alerts().rules()) {
            List<Path> files = matching(dir, glob);
            if (files.isEmpty()) {
                problems.add(
                        new ConfigProblem(
                                config.source(),
                                "alerts",
                                "rules",
                                "\"" + glob + "\" matches no file"));
            }
            for (Path f : files) {
                // Named as the user wrote it: relative to the config's directory, or absolute.
                Path absolute = f.toAbsolutePath().normalize();
                String source =
                        absolute.startsWith(dir.normalize())
                                ? dir.normalize().relativize(absolute).toString()
                                : glob.startsWith("/")
                                        ? absolute.toString()
                                        : dir.relativize(f.toAbsolutePath()).toString();
                for (RuleDefinition d : read(f, source, problems)) {
                    String before = seen.putIfAbsent(d.name(), source);
                    if (before != null) {
                        problems.add(
                                new ConfigProblem(
                                        source,
                                        "rule '" + d.name() + "'",
                                        "name",
                                        "duplicate rule name (also in " + before + ")"));
                        continue;
                    }
                    if (check(d, config, problems) != null) {
                        rules.add(d);
                    }
                }
            }
        }
        return rules;
    }

    /** The rules of one more file (candidates for a backtest), checked like the others. */
    public static List<RuleDefinition> loadFile(
            StreamwatchConfig config, Path file, List<ConfigProblem> problems) {
        List<RuleDefinition> rules = new ArrayList<>();
        for (RuleDefinition d : read(file, file.toString(), problems)) {
            if (check(d, config, problems) != null) {
                rules.add(d);
            }
        }
        return rules;
    }

    /**
     * Checks a rule against the config's pipelines and compiles it; returns null with problems when
     * it cannot run.
     */
    public static CompiledRule check(
            RuleDefinition d, StreamwatchConfig config, List<ConfigProblem> problems) {
        PipelineConfig p = config.pipeline(d.pipeline());
        String where = "rule '" + d.name() + "'";
        if (p == null) {
            problems.add(
                    new ConfigProblem(
                            d.source(),
                            where,
                            "pipeline",
                            "no pipeline named \""
                                    + d.pipeline()
                                    + "\" (pipelines: "
                                    + String.join(
                                            ", ",
                                            config.pipelines().stream()
                                                    .map(PipelineConfig::name)
                                                    .toList())
                                    + ")"));
            return null;
        }
        AggregateSchema schema = AggregateSchema.of(p);
        boolean spanOk = true;
        if (d.over() != null) {
            spanOk = overFits(d, p, where, problems);
            schema = schema.overSpan();
        }
        CompiledRule compiled =
                RuleCompiler.compile(
                        d,
                        schema,
                        (field, message) ->
                                problems.add(
                                        new ConfigProblem(
                                                d.source(),
                                                where,
                                                field,
                                                d.over() == null
                                                        ? message
                                                        : withOverHint(message))));
        return outlivesSilence(d, config, where, problems) && spanOk ? compiled : null;
    }

    /**
     * Whether a rule's {@code over} fits its pipeline: tumbling windows (sliding ones overlap, and
     * their figures would count twice), a whole number of windows, at most {@link
     * #MAX_OVER_WINDOWS}.
     */
    private static boolean overFits(
            RuleDefinition d, PipelineConfig p, String where, List<ConfigProblem> problems) {
        long window = p.window().size().toMillis();
        long over = d.over().toMillis();
        String message = null;
        if (p.window().type() != WindowConfig.Type.TUMBLING) {
            message =
                    "needs a pipeline with tumbling windows; "
                            + p.name()
                            + "'s are sliding, and overlapping windows would count their data"
                            + " more than once";
        } else if (over % window != 0) {
            message =
                    Durations.format(d.over())
                            + " is not a multiple of pipeline "
                            + p.name()
                            + "'s window ("
                            + Durations.format(p.window().size())
                            + "), e.g. "
                            + Durations.format(
                                    Duration.ofMillis(Math.max(1, over / window) * window));
        } else if (over / window > MAX_OVER_WINDOWS) {
            message =
                    Durations.format(d.over())
                            + " spans "
                            + over / window
                            + " of pipeline "
                            + p.name()
                            + "'s windows ("
                            + Durations.format(p.window().size())
                            + "); at most "
                            + MAX_OVER_WINDOWS
                            + " (here "
                            + Durations.format(Duration.ofMillis(MAX_OVER_WINDOWS * window))
                            + "): use a pipeline with longer windows";
        }
        if (message == null) {
            return true;
        }
        problems.add(new ConfigProblem(d.source(), where, "over", message));
        return false;
    }

    /**
     * A problem of a rule with {@code over} that names a quantile, said plainly: quantiles are not
     * among the fields it may use.
     */
    private static String withOverHint(String message) {
        for (String q : AggregateSchema.QUANTILES) {
            if (message.contains("'" + q + "'") || message.contains("{{" + q)) {
                return message
                        + " (a rule with over merges the windows of its span, and a quantile"
                        + " does not merge: use count, sum, min, max or mean, or drop over)";
            }
        }
        return message;
    }

    /**
     * Whether an absence rule's group state lives long enough for the rule to fire. The absence
     * clock is alert state, which {@code alerts.state_ttl} drops once a group has not written it
     * for the TTL (processing time, counted from the group's last aggregate), and a silent group
     * writes nothing: with a TTL not longer than {@code absent_for}, the state is gone before the
     * silence is noticed, and the rule never fires. The margin covers the wall-clock check, which
     * comes up to a second after {@code absent_for}, and the watermark arriving later after the
     * silence than after the last aggregate.
     */
    private static boolean outlivesSilence(
            RuleDefinition d,
            StreamwatchConfig config,
            String where,
            List<ConfigProblem> problems) {
        Duration ttl = config.alerts().stateTtl();
        if (d.kind() != RuleKind.ABSENCE
                || d.absentFor() == null
                || ttl == null
                || ttl.isZero()
                || ttl.compareTo(d.absentFor().plus(ABSENCE_TTL_MARGIN)) >= 0) {
            return true;
        }
        problems.add(
                new ConfigProblem(
                        d.source(),
                        where,
                        "absent_for",
                        Durations.format(d.absentFor())
                                + " needs alerts.state_ttl (now "
                                + Durations.format(ttl)
                                + " in "
                                + config.source()
                                + ") of at least "
                                + Durations.format(d.absentFor().plus(ABSENCE_TTL_MARGIN))
                                + " (absent_for + "
                                + Durations.format(ABSENCE_TTL_MARGIN)
                                + "): a silent group's state would expire before the silence is"
                                + " noticed and the rule would never fire; raise"
                                + " alerts.state_ttl or shorten absent_for"));
        return false;
    }

    static List<RuleDefinition> read(Path file, String source, List<ConfigProblem> problems) {
        JsonNode tree;
        try {
            tree = YAML.readTree(file.toFile());
        } catch (IOException e) {
            problems.add(
                    new ConfigProblem(
                            source, "", "", "cannot read rules: " + e.getMessage().split("\n")[0]));
            return List.of();
        }
        if (tree != null && tree.isObject() && tree.has("rules")) {
            tree = tree.get("rules");
        }
        if (tree == null || !tree.isArray()) {
            problems.add(
                    new ConfigProblem(
                            source,
                            "",
                            "",
                            "a rule file holds a list of rules (- name: ...), or rules: [...]"));
            return List.of();
        }
        List<RuleDefinition> out = new ArrayList<>();
        for (int i = 0; i < tree.size(); i++) {
            RuleDefinition d = RuleReader.read(tree.get(i), source, i, problems);
            if (d != null) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * Files matching a glob relative to {@code dir}, or an absolute one; the literal leading part
     * may leave {@code dir} ({@code ../shared/*.yaml}). Rule test files ({@code *.test.yaml}) are
     * never rules.
     */
    static List<Path> matching(Path dir, String glob) {
        String[] parts = glob.split("/");
        Path base = dir;
        int i = 0;
        if (glob.startsWith("/")) {
            // An absolute glob (/etc/streamwatch/rules/*.yaml) starts at the root, not at dir.
            base = dir.getRoot();
            i = 1;
        }
        while (i < parts.length - 1 && !parts[i].matches(".*[*?\\[{].*")) {
            base = base.resolve(parts[i]);
            i++;
        }
        base = base.normalize();
        PathMatcher m =
                FileSystems.getDefault()
                        .getPathMatcher(
                                "glob:"
                                        + String.join(
                                                "/", Arrays.copyOfRange(parts, i, parts.length)));
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        Path root = base;
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> m.matches(root.relativize(f)))
                    .filter(f -> !f.getFileName().toString().endsWith(".test.yaml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
