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

    /** Loads both; every problem of either is in the exception. */
    public static LoadedJob load(Path file, List<ConfigOverride> overrides) throws ConfigException {
        StreamwatchConfig config = ConfigLoader.load(file, overrides);
        List<ConfigProblem> problems = new ArrayList<>();
        List<RuleDefinition> rules = RuleLoader.load(config, file, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new LoadedJob(config, rules);
    }
}
