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

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    /** All problems, in the order they were found. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
