package io.streamwatch.cli;

import io.streamwatch.config.ConfigException;
import io.streamwatch.config.ConfigLoader;
import io.streamwatch.config.ConfigOverride;
import io.streamwatch.config.ConfigProblem;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A configuration and its rule files, loaded and checked together, so {@code validate} and the
 * job's start report exactly the same problems.
 */
public record LoadedJob(StreamwatchConfig config, List<RuleDefinition> rules) {

    /** What stands in for the rule files' problems when they could not be checked. */
    public static final String RULES_NOT_CHECKED =
            "rule files not checked: they need the pipelines and alerts sections, which cannot be"
                    + " read until the problems above are fixed";

    /**
     * Loads both; every problem of either is in the exception. A config with problems still has its
     * rule files checked when its pipelines and alerts sections read cleanly (a misspelled
     * top-level key does not hide a broken rule); when they do not, the last problem says the rule
     * files were not checked.
     */
    public static LoadedJob load(Path file, List<ConfigOverride> overrides) throws ConfigException {
        StreamwatchConfig config;
        List<ConfigProblem> problems = new ArrayList<>();
        try {
            config = ConfigLoader.load(file, overrides);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
            if (e.forRuleChecks() != null) {
                RuleLoader.load(e.forRuleChecks(), file, problems);
            } else if (e.ruleFilesUnchecked()) {
                problems.add(new ConfigProblem(file.toString(), "", "", RULES_NOT_CHECKED));
            }
            throw new ConfigException(problems);
        }
        List<RuleDefinition> rules = RuleLoader.load(config, file, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new LoadedJob(config, rules);
    }
}
