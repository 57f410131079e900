package io.streamwatch.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that topics do not collide across roles: a pipeline reading a topic the job writes would
 * feed on its own output, and two outputs sharing a topic would mix record shapes.
 */
final class TopicCheck {
    private final Problems problems;
    // topic -> the role that claimed it first, e.g. "dead_letter_topic"
    private final Map<String, String> outputs = new HashMap<>();

    TopicCheck(Problems problems) {
        this.problems = problems;
    }

    void check(
            List<PipelineConfig> pipelines,
            AlertsConfig alerts,
            String deadLetter,
            String lateEvents) {
        claim(alerts.topic(), "alerts.topic", "alerts", "topic", "alerts.topic");
        claim(
                alerts.statusTopic(),
                "alerts.status_topic",
                "alerts",
                "status_topic",
                "alerts.status_topic");
        claim(
                alerts.controlTopic(),
                "alerts.control_topic",
                "alerts",
                "control_topic",
                "alerts.control_topic");
        claim(deadLetter, "dead_letter_topic", "", "dead_letter_topic", "dead_letter_topic");
        claim(lateEvents, "late_events_topic", "", "late_events_topic", "late_events_topic");
        Map<String, String> special = new HashMap<>(outputs);
        for (int i = 0; i < pipelines.size(); i++) {
            PipelineConfig p = pipelines.get(i);
            String owner = special.get(p.outputTopic());
            if (p.outputTopic() != null && owner != null) {
                problems.at(
                        where(p, i),
                        "output_topic",
                        Names.quote(p.outputTopic()) + " is also " + owner + "; use its own topic",
                        "pipelines[" + i + "].output_topic");
            }
            // Pipelines may share an aggregate topic: their records carry the pipeline name.
            outputs.putIfAbsent(p.outputTopic(), "the output_topic of " + where(p, i));
        }
        for (int i = 0; i < pipelines.size(); i++) {
            PipelineConfig p = pipelines.get(i);
            String owner = outputs.get(p.topic());
            if (p.topic() != null && owner != null) {
                problems.at(
                        where(p, i),
                        "topic",
                        Names.quote(p.topic())
                                + " is "
                                + owner
                                + "; a pipeline must not read the job's own topics",
                        "pipelines[" + i + "].topic");
            }
        }
    }

    private void claim(String topic, String role, String where, String field, String treePath) {
        if (topic == null) {
            return;
        }
        String owner = outputs.putIfAbsent(topic, role);
        if (owner != null) {
            problems.at(
                    where,
                    field,
                    Names.quote(topic) + " is also " + owner + "; each needs its own topic",
                    treePath);
        }
    }

    private static String where(PipelineConfig p, int index) {
        return p.name() != null ? "pipeline '" + p.name() + "'" : "pipeline #" + (index + 1);
    }
}
