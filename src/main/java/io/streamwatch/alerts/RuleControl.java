package io.streamwatch.alerts;

import io.streamwatch.config.ConfigProblem;
import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.rules.RuleJson;
import io.streamwatch.rules.RuleLoader;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Checks every change on the rule control topic before it reaches the evaluators: a rule that does
 * not read, names an unknown field or pipeline, or has a bad template is rejected with its reasons
 * on the rule-status topic, and the previous version stays active. Accepted changes and deletes are
 * broadcast as {@link RuleUpdate}s.
 */
public class RuleControl extends ProcessFunction<RuleRecord, RuleUpdate> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<RuleStatus> STATUS =
            new OutputTag<>("rule-status", TypeInformation.of(RuleStatus.class));

    static final String SOURCE = "control-topic";

    private final StreamwatchConfig config;

    public RuleControl(StreamwatchConfig config) {
        this.config = config;
    }

    @Override
    public void processElement(RuleRecord r, Context ctx, Collector<RuleUpdate> out) {
        if (r.offset == RuleRecord.NONE) {
            return;
        }
        RuleStatus s = new RuleStatus();
        s.rule = r.name;
        s.offset = r.offset;
        s.at = System.currentTimeMillis();
        s.problems = new ArrayList<>();
        if (r.name == null || r.name.isBlank()) {
            s.status = RuleStatus.REJECTED;
            s.reason = "the record has no key: the key must be the rule name";
        } else if (r.json == null) {
            s.status = RuleStatus.DELETED;
            out.collect(new RuleUpdate(r.name, null));
        } else {
            List<ConfigProblem> problems = new ArrayList<>();
            RuleDefinition d = RuleJson.fromJson(r.json, SOURCE, problems);
            if (d != null && !r.name.equals(d.name())) {
                problems.add(
                        new ConfigProblem(
                                SOURCE,
                                "rule '" + d.name() + "'",
                                "name",
                                "differs from the record key \"" + r.name + "\""));
            } else if (d != null) {
                RuleLoader.check(d, config, problems);
            }
            if (problems.isEmpty()) {
                s.status = RuleStatus.ACTIVE;
                s.version = RuleJson.version(d);
                out.collect(new RuleUpdate(r.name, RuleJson.toJson(d)));
            } else {
                s.status = RuleStatus.REJECTED;
                problems.forEach(p -> s.problems.add(p.toString()));
                s.reason = s.problems.get(0);
            }
        }
        ctx.output(STATUS, s);
    }
}
