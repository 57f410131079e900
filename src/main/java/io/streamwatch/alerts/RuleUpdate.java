package io.streamwatch.alerts;

/**
 * A checked change of the topic rules, broadcast to every evaluator: the rule's JSON, or null when
 * the rule was deleted. Rejected changes never become updates.
 */
public class RuleUpdate {
    public String name;
    public String json;

    public RuleUpdate() {}

    public RuleUpdate(String name, String json) {
        this.name = name;
        this.json = json;
    }
}
