package io.streamwatch.testing;

import java.util.Optional;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;

/**
 * Runs what an operator under test left in its task's mailbox (timers and windows emitted in
 * slices), as the task would between two inputs; operator test harnesses do not run it themselves.
 */
public final class Mailboxes {
    private Mailboxes() {}

    /** Runs every mail, those the mails add included; fails if they never end. */
    public static void runAll(TaskMailbox mailbox) throws Exception {
        for (int n = 0; n < 1_000_000; n++) {
            Optional<Mail> mail = mailbox.tryTake(TaskMailbox.MIN_PRIORITY);
            if (mail.isEmpty()) {
                return;
            }
            mail.get().run();
        }
        throw new AssertionError("the mails never end");
    }
}
