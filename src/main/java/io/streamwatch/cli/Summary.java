package io.streamwatch.cli;

import io.streamwatch.config.Durations;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.config.WindowConfig;
import java.util.Locale;
import java.util.stream.Collectors;

/** One line saying what a loaded configuration will do, for {@code validate} and the job start. */
public final class Summary {
    private Summary() {}

    /**
     * {@code <file>: 2 pipelines (app-logs: logs from logs to streamwatch.log-aggregates, 1m
     * tumbling; ...)}.
     */
    public static String of(StreamwatchConfig config) {
        int n = config.pipelines().size();
        return config.source()
                + ": "
                + n
                + (n == 1 ? " pipeline (" : " pipelines (")
                + config.pipelines().stream()
                        .map(Summary::pipeline)
                        .collect(Collectors.joining("; "))
                + ")";
    }

    private static String pipeline(PipelineConfig p) {
        WindowConfig w = p.window();
        String window =
                w.type() == WindowConfig.Type.TUMBLING
                        ? Durations.format(w.size()) + " tumbling"
                        : Durations.format(w.size())
                                + " sliding every "
                                + Durations.format(w.slide());
        return p.name()
                + ": "
                + p.kind().name().toLowerCase(Locale.ROOT)
                + " from "
                + p.topic()
                + " to "
                + p.outputTopic()
                + ", "
                + window;
    }
}
