package io.streamwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamwatch.aggregation.PatternMasker;
import io.streamwatch.aggregation.TemplateMiner;
import io.streamwatch.config.ConfigException;
import io.streamwatch.config.ConfigLoader;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.PipelineKind;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.formats.RecordDecoder;
import io.streamwatch.records.Decoded;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streamwatch patterns [FILE]}: runs the template miner offline over log lines, so a user
 * sees which template each line of their logs maps to before the job counts them, and so the
 * miner's accuracy can be measured on labeled logs.
 */
@Command(
        name = "patterns",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Learns message templates from log lines (a file, or standard input) with the same"
                    + " miner as the job: masking, then Drain-style online clustering. Prints"
                    + " each line's template id and template as learned so far, then a summary"
                    + " of the templates by count with one example each."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the lines were read", "2:bad arguments, configuration or input file"})
public class PatternsCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Spec CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "FILE",
            description = "The log file; standard input when absent or -.")
    String file;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "text",
            description =
                    "text (one message per line) or json (one JSON object per line, the message"
                            + " in --message-field) (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(
            names = "--message-field",
            paramLabel = "PATH",
            defaultValue = "message",
            description =
                    "With --format json: the message's dotted JSON path (default:"
                            + " ${DEFAULT-VALUE}).")
    String messageField;

    @Option(
            names = "--config",
            paramLabel = "PATH",
            description =
                    "Read the lines as records of a pipeline of this job configuration: its"
                            + " input format and field mapping pick the message. Needs"
                            + " --pipeline.")
    Path config;

    @Option(
            names = "--pipeline",
            paramLabel = "NAME",
            description = "The logs pipeline of --config whose format the lines are in.")
    String pipeline;

    @Option(
            names = "--depth",
            paramLabel = "N",
            description =
                    "Accepted for older configurations and ignored: the miner compares a line"
                            + " with every template of its length (at least 3).")
    Integer depth;

    @Option(
            names = "--similarity",
            paramLabel = "S",
            description =
                    "Share of equal words a line needs to join a template, 0 to 1; a line"
                            + " needs more than this share (default: the pipeline's, else "
                            + TemplateMiner.DEFAULT_SIMILARITY
                            + ").")
    Double similarity;

    @Option(
            names = "--max-children",
            paramLabel = "N",
            description = "Accepted for older configurations and ignored (at least 2).")
    Integer maxChildren;

    @Option(
            names = "--max-templates",
            paramLabel = "N",
            description =
                    "Templates kept per group; the least recently seen is evicted beyond"
                            + " (default: the pipeline's, else "
                            + TemplateMiner.DEFAULT_MAX_TEMPLATES
                            + ").")
    Integer maxTemplates;

    @Option(
            names = "--masking-only",
            description = "Plain masking instead of the miner, for comparison.")
    boolean maskingOnly;

    @Option(names = "--summary-only", description = "Print only the summary.")
    boolean summaryOnly;

    /** Count, latest template text and first example of one template. */
    private static final class Stat {
        final String id;
        String template;
        final String example;
        long count;

        Stat(String id, String example) {
            this.id = id;
            this.example = example;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TemplateMiner.Config minerConfig;
        MessageSource source;
        try {
            source = source();
            minerConfig = minerConfig();
        } catch (IllegalArgumentException e) {
            err.println("patterns: " + e.getMessage());
            err.flush();
            return 2;
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            err.flush();
            return 2;
        }
        // One miner per group, as in the job (one group when the lines are not records).
        Map<String, TemplateMiner> miners = new HashMap<>();
        Map<String, Stat> stats = new HashMap<>();
        long lines = 0;
        long skipped = 0;
        try (BufferedReader in = open()) {
            String line;
            List<String[]> messages = new ArrayList<>(1);
            while ((line = in.readLine()) != null) {
                lines++;
                messages.clear();
                if (!source.messages(line, messages)) {
                    skipped++;
                    continue;
                }
                for (String[] keyAndMessage : messages) {
                    String message = keyAndMessage[1];
                    String id;
                    String template;
                    if (minerConfig == null) {
                        template = PatternMasker.mask(message);
                        id = PatternMasker.patternId(template);
                    } else {
                        TemplateMiner.Match m =
                                miners.computeIfAbsent(
                                                keyAndMessage[0],
                                                k -> new TemplateMiner(minerConfig))
                                        .add(message);
                        id = m.id();
                        template = m.template();
                        // Merged templates count for the survivor in the summary (their ids
                        // resolve to it from now on; lines printed before keep the old id).
                        for (String merged : m.merged()) {
                            Stat gone = stats.remove(merged);
                            if (gone != null) {
                                stats.computeIfAbsent(id, k -> new Stat(k, gone.example)).count +=
                                        gone.count;
                            }
                        }
                    }
                    Stat s = stats.computeIfAbsent(id, k -> new Stat(k, message));
                    s.count++;
                    s.template = template;
                    if (!summaryOnly) {
                        out.println(id + "  " + template);
                    }
                }
            }
        } catch (IOException e) {
            err.println(
                    "patterns: cannot read "
                            + (file == null ? "standard input" : file)
                            + ": "
                            + e.getMessage());
            err.flush();
            return 2;
        }
        printSummary(out, stats, lines);
        if (skipped > 0) {
            err.println(
                    "patterns: "
                            + skipped
                            + " of "
                            + lines
                            + " lines had no message (not JSON, rejected, or without the"
                            + " message field) and were skipped");
        }
        out.flush();
        err.flush();
        return 0;
    }

    private void printSummary(PrintWriter out, Map<String, Stat> stats, long lines) {
        List<Stat> sorted = new ArrayList<>(stats.values());
        sorted.sort(
                (a, b) ->
                        a.count != b.count ? Long.compare(b.count, a.count) : a.id.compareTo(b.id));
        if (!summaryOnly) {
            out.println();
        }
        out.println(
                sorted.size()
                        + (masking() ? " patterns" : " templates")
                        + " from "
                        + lines
                        + " lines");
        out.println(String.format("%-8s  %7s  %s", "ID", "COUNT", "TEMPLATE / EXAMPLE"));
        for (Stat s : sorted) {
            out.println(String.format("%-8s  %7d  %s", s.id, s.count, s.template));
            out.println(String.format("%-8s  %7s  e.g. %s", "", "", oneLine(s.example)));
        }
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    private BufferedReader open() throws IOException {
        if (file == null || file.equals("-")) {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        return Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
    }

    /** Turns one input line into its messages ({group key, message}); false when it has none. */
    private interface MessageSource {
        boolean messages(String line, List<String[]> out);
    }

    /** The pipeline of --config, once {@link #source()} has read it. */
    private PipelineConfig pipelineConfig;

    private boolean masking() {
        return maskingOnly || (pipelineConfig != null && !pipelineConfig.patterns().mining());
    }

    /**
     * The miner's settings: the pipeline's (those the job uses), overridden by the options; null
     * for plain masking.
     */
    private TemplateMiner.Config minerConfig() {
        if (masking()) {
            return null;
        }
        TemplateMiner.Config base =
                pipelineConfig == null
                        ? TemplateMiner.Config.defaults()
                        : pipelineConfig.patterns().minerConfig();
        return new TemplateMiner.Config(
                depth != null ? depth : base.depth(),
                similarity != null ? similarity : base.similarity(),
                maxChildren != null ? maxChildren : base.maxChildren(),
                maxTemplates != null ? maxTemplates : base.maxTemplates());
    }

    private MessageSource source() throws ConfigException {
        if (config != null || pipeline != null) {
            if (config == null || pipeline == null) {
                throw new IllegalArgumentException("--config and --pipeline go together");
            }
            StreamwatchConfig c = ConfigLoader.load(config, List.of());
            PipelineConfig p = c.pipeline(pipeline);
            if (p == null || p.kind() != PipelineKind.LOGS) {
                throw new IllegalArgumentException(
                        "no logs pipeline '" + pipeline + "' in " + config);
            }
            pipelineConfig = p;
            RecordDecoder decoder = RecordDecoder.standalone(p, c.limits());
            return (line, out) -> {
                for (Decoded d : decoder.decodeAll(line.getBytes(StandardCharsets.UTF_8), null)) {
                    if (d.log != null) {
                        out.add(
                                new String[] {
                                    d.log.key, d.log.message == null ? "" : d.log.message
                                });
                    }
                }
                return !out.isEmpty();
            };
        }
        switch (format) {
            case "text":
                return (line, out) -> out.add(new String[] {"", line});
            case "json":
                String[] path = messageField.split("\\.");
                return (line, out) -> {
                    String m = jsonMessage(line, messageField, path);
                    if (m == null) {
                        return false;
                    }
                    out.add(new String[] {"", m});
                    return true;
                };
            default:
                throw new IllegalArgumentException(
                        "--format must be text or json, not '" + format + "'");
        }
    }

    /** The message at a dotted path, nested or as one dotted key; null when there is none. */
    static String jsonMessage(String line, String field, String[] path) {
        JsonNode node;
        try {
            node = MAPPER.readTree(line);
        } catch (IOException e) {
            return null;
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode v = node.get(field);
        if (v == null) {
            v = node;
            for (String p : path) {
                v = v == null ? null : v.get(p);
            }
        }
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        return v.asText();
    }
}
