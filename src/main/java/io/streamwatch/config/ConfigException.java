package io.streamwatch.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a configuration cannot be used; carries every problem found, so one run of the job or
 * of {@code validate} shows all of them rather than one per attempt.
 */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;
    private final transient StreamwatchConfig forRuleChecks;
    private final boolean ruleFilesUnchecked;

    public ConfigException(List<ConfigProblem> problems) {
        this(problems, null, false);
    }

    /**
     * With the config as far as it could be read, when the sections the rule files depend on
     * (pipelines, alerts) had no problems, so the rules can still be checked; null otherwise.
     * {@code ruleFilesUnchecked}: there are (or may be) rule files that cannot be checked.
     */
    public ConfigException(
            List<ConfigProblem> problems,
            StreamwatchConfig forRuleChecks,
            boolean ruleFilesUnchecked) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
        this.forRuleChecks = forRuleChecks;
        this.ruleFilesUnchecked = ruleFilesUnchecked;
    }

    /**
     * Whether the config names rule files (or may: it could not be read) that cannot be checked,
     * because {@link #forRuleChecks()} is null.
     */
    public boolean ruleFilesUnchecked() {
        return ruleFilesUnchecked;
    }

    /**
     * The config as read despite its problems, good for checking rule files against (its pipelines
     * and alerts sections are valid; other sections may not be), or null when those sections could
     * not be read.
     */
    public StreamwatchConfig forRuleChecks() {
        return forRuleChecks;
    }

    /** All problems, in the order they were found. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
