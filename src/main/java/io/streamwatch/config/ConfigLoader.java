package io.streamwatch.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Turns {@code jobs-config/streamwatch.yaml} plus job parameters into a {@link StreamwatchConfig},
 * reporting every problem at once. The YAML is read as a plain tree and walked by hand (rather than
 * bound to classes) so that each problem can name its file, section and field.
 */
public final class ConfigLoader {
    private static final YAMLMapper YAML = yaml();

    private ConfigLoader() {}

    /**
     * Loads {@code file} with {@code overrides} (config path to value) applied.
     *
     * @throws ConfigException listing every problem
     */
    public static StreamwatchConfig load(Path file, Map<String, String> overrides)
            throws ConfigException {
        return load(file, toList(overrides));
    }

    /** As {@link #load(Path, Map)}, with overrides that name their source (a job parameter). */
    public static StreamwatchConfig load(Path file, List<ConfigOverride> overrides)
            throws ConfigException {
        return load(file, overrides, System::getenv);
    }

    /** Every problem of {@code file} with {@code overrides}; empty when it loads. */
    public static List<ConfigProblem> check(Path file, Map<String, String> overrides) {
        return check(file, toList(overrides));
    }

    /** As {@link #check(Path, Map)}, with overrides that name their source. */
    public static List<ConfigProblem> check(Path file, List<ConfigOverride> overrides) {
        try {
            load(file, overrides);
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    /** Loads with {@code env} standing in for the environment (tests). */
    static StreamwatchConfig load(
            Path file, List<ConfigOverride> overrides, Function<String, String> env)
            throws ConfigException {
        String source = file.toString();
        Problems problems = new Problems(source);
        JsonNode root = parse(file, problems);
        if (root == null) {
            // Unreadable: whether it names rule files is unknown, so they count as unchecked.
            throw new ConfigException(problems.list(), null, true);
        }
        OverrideApplier.apply((ObjectNode) root, overrides, problems);
        Path baseDir = file.toAbsolutePath().getParent();
        ConfigReader reader = new ConfigReader(problems, env, baseDir);
        StreamwatchConfig config = reader.read(source, root);
        if (config == null || !problems.isEmpty()) {
            throw new ConfigException(
                    problems.list(),
                    reader.forRuleChecks(),
                    reader.forRuleChecks() == null && reader.namesRuleFiles());
        }
        return config;
    }

    /** The file's tree, an empty mapping for an empty file, or null (reported). */
    private static JsonNode parse(Path file, Problems problems) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            problems.add("", "", "file not found");
            return null;
        } catch (IOException e) {
            problems.add("", "", "cannot read the file (" + e + ")");
            return null;
        }
        try {
            JsonNode root = YAML.readTree(text);
            if (root == null || root.isMissingNode() || root.isNull()) {
                return YAML.createObjectNode();
            }
            if (!root.isObject()) {
                problems.add(
                        "",
                        "",
                        "the file must be a YAML mapping (kafka: ..., pipelines: ...), got "
                                + Section.describe(root));
                return null;
            }
            return root;
        } catch (JsonProcessingException e) {
            String where = syntaxLocation(e);
            String message = syntaxMessage(e);
            problems.add(where, "", "YAML syntax error: " + message);
            return null;
        }
    }

    // SnakeYAML's mark is where the problem is; Jackson's location can be where a token began.
    private static String syntaxLocation(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblemMark() != null) {
            Mark m = y.getProblemMark();
            return "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
        }
        JsonLocation at = e.getLocation();
        return at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    /**
     * SnakeYAML's own message spans lines and repeats the location with a snippet; one line with
     * the problem and where its construct began reads better.
     */
    private static String syntaxMessage(JsonProcessingException e) {
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblem() != null) {
            String message = y.getProblem();
            if (y.getContext() != null && y.getContextMark() != null) {
                message +=
                        " ("
                                + y.getContext()
                                + " that starts at line "
                                + (y.getContextMark().getLine() + 1)
                                + ", column "
                                + (y.getContextMark().getColumn() + 1)
                                + ")";
            }
            return message.replaceAll("\\s+", " ").strip();
        }
        return e.getOriginalMessage().replaceAll("\\s+", " ").strip();
    }

    private static List<ConfigOverride> toList(Map<String, String> overrides) {
        List<ConfigOverride> out = new ArrayList<>();
        overrides.forEach((path, value) -> out.add(ConfigOverride.of(path, value)));
        return out;
    }

    private static YAMLMapper yaml() {
        YAMLMapper mapper = new YAMLMapper();
        // A key written twice is a mistake that would otherwise silently keep the last value.
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return mapper;
    }
}
