package io.streamwatch.alerts;

import io.streamwatch.operators.InterruptibleBroadcastOperator;
import io.streamwatch.testing.Mailboxes;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.tasks.StreamTaskActionExecutor;
import org.apache.flink.streaming.runtime.tasks.mailbox.MailboxExecutorImpl;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * A test harness of the rule evaluator under the operator the job runs it in ({@link
 * InterruptibleBroadcastOperator}: timers fired in slices through the mailbox, event time from the
 * data input alone), not Flink's own broadcast operator. After each watermark it runs the mails the
 * operator left, as the task would before its next input, so a test sees every timer the watermark
 * made due.
 */
final class EvaluatorHarness
        extends KeyedBroadcastOperatorTestHarness<String, Observation, RuleUpdate, Alert> {

    private EvaluatorHarness(
            InterruptibleBroadcastOperator<String, Observation, RuleUpdate, Alert> operator,
            int maxParallelism,
            int parallelism,
            int subtask)
            throws Exception {
        super(
                operator,
                Observation::evaluationKey,
                Types.STRING,
                maxParallelism,
                parallelism,
                subtask);
        // Flink's task gives the operator its mailbox; the harness does not.
        operator.setMailboxExecutor(
                new MailboxExecutorImpl(
                        getTaskMailbox(),
                        TaskMailbox.MIN_PRIORITY,
                        StreamTaskActionExecutor.IMMEDIATE));
    }

    static EvaluatorHarness of(RuleEvaluator evaluator) throws Exception {
        return of(evaluator, 1, 1, 0);
    }

    static EvaluatorHarness of(
            RuleEvaluator evaluator, int maxParallelism, int parallelism, int subtask)
            throws Exception {
        return new EvaluatorHarness(
                new InterruptibleBroadcastOperator<>(evaluator, List.of(RuleEvaluator.TOPIC_RULES)),
                maxParallelism,
                parallelism,
                subtask);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
        runMails();
    }

    /** Runs the mails the operator left (timer slices). */
    void runMails() throws Exception {
        Mailboxes.runAll(getTaskMailbox());
    }
}
