package io.streamwatch.alerts;

import java.util.List;

/** The outcome of one control-topic record, for the rule-status topic. A Flink POJO. */
public class RuleStatus {
    public static final String ACTIVE = "active";
    public static final String REJECTED = "rejected";
    public static final String DELETED = "deleted";

    public String rule;
    public String status;
    public String reason;
    public List<String> problems;
    public String version;
    public long offset;
    public long at;

    public RuleStatus() {}
}
