package io.streamwatch.alerts;

import static io.streamwatch.alerts.RuleEvaluatorTest.MIN;
import static io.streamwatch.alerts.RuleEvaluatorTest.logs;
import static io.streamwatch.alerts.RuleEvaluatorTest.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamwatch.config.StreamwatchConfig;
import io.streamwatch.rules.RuleDefinition;
import io.streamwatch.testing.TestPipelines;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the evaluator does when something fails (issue 17, item 4): a rule that fails on an
 * aggregate is counted and logged, and the others go on; a failure of the state is the task's, and
 * an alert is only sent once the state that records it is written.
 */
class RuleEvaluatorFailureTest {
    private final StreamwatchConfig config =
            TestPipelines.job("x", "t", List.of(TestPipelines.logs("streamwatch")), "d", "l");

    private static final String ERRORS =
            "{name: Errors, pipeline: app-logs, condition: 'error_ratio > 0.1'}";

    private KeyedBroadcastOperatorTestHarness<String, Observation, RuleUpdate, Alert> harness;
    private FailingState state;
    private RuleEvaluator evaluator;

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void open(RuleDefinition... rules) throws Exception {
        open(null, rules);
    }

    /** A fresh evaluator, restored from {@code snapshot} unless null. */
    private void open(OperatorSubtaskState snapshot, RuleDefinition... rules) throws Exception {
        if (harness != null) {
            harness.close();
        }
        evaluator =
                new RuleEvaluator(config, List.of(rules)) {
                    @Override
                    MapState<String, AlertState> alertState(MapState<String, AlertState> s) {
                        state = new FailingState(s);
                        return state;
                    }
                };
        harness = EvaluatorHarness.of(evaluator);
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
    }

    private void observe(Observation o) throws Exception {
        harness.processElement(o, o.windowEnd - 1);
    }

    /**
     * The alert state's writes reach the keyed state before each checkpoint (write-back, see
     * AlertStore): a write that fails there fails the checkpoint, and the task with it.
     */
    @Test
    void aFailedStateWriteFailsTheCheckpoint() throws Exception {
        open(rule(ERRORS));
        state.failWrites = true;
        observe(logs("checkout", 0, 100, 0.5));
        assertThatThrownBy(() -> harness.snapshot(1, 1))
                .hasStackTraceContaining("the state backend failed");
        assertThat(evaluator.evaluationErrorCount()).as("not a rule's error").isZero();
    }

    /**
     * An alert is sent before its state reaches the keyed state, but both belong to the same
     * checkpoint: if the state cannot be written, that checkpoint fails (with exactly-once, the
     * alert's transaction is never committed), and the task that restarts from the checkpoint
     * before sends the alert again. Once a checkpoint holds the alert's state, a restart from it
     * does not.
     */
    @Test
    void anAlertAndTheStateThatRecordsItAreInTheSameCheckpoint() throws Exception {
        open(rule(ERRORS));
        observe(logs("checkout", 0, 100, 0.01));
        OperatorSubtaskState before = harness.snapshot(1, 1);
        state.failWrites = true;
        observe(logs("checkout", 1, 100, 0.5));
        assertThat(harness.extractOutputValues())
                .extracting(a -> a.status)
                .containsExactly("firing");
        assertThatThrownBy(() -> harness.snapshot(2, 2))
                .hasStackTraceContaining("the state backend failed");

        open(before, rule(ERRORS));
        observe(logs("checkout", 1, 100, 0.5));
        assertThat(harness.extractOutputValues())
                .as("sent again by the task restarted from the checkpoint before")
                .extracting(a -> a.status)
                .containsExactly("firing");
        OperatorSubtaskState after = harness.snapshot(3, 3);

        open(after, rule(ERRORS));
        observe(logs("checkout", 2, 100, 0.5));
        assertThat(harness.extractOutputValues()).as("still firing, not again").isEmpty();
        observe(logs("checkout", 3, 100, 0.01));
        assertThat(harness.extractOutputValues())
                .extracting(a -> a.status)
                .containsExactly("resolved");
    }

    @Test
    void aRuleThatFailsIsCountedAndLoggedWithItsKeyAndTheOthersGoOn() throws Exception {
        try (Captured log = Captured.capture()) {
            // error is 0 in these aggregates: an integer division by zero in CEL.
            open(
                    rule("{name: PerError, pipeline: app-logs, condition: 'total / error > 10'}"),
                    rule(ERRORS));
            harness.setProcessingTime(1_000_000);
            observe(logs("checkout", 0, 100, 0.5));
            assertThat(harness.extractOutputValues())
                    .extracting(a -> a.rule + ":" + a.status)
                    .containsExactly("Errors:firing");
            assertThat(evaluator.evaluationErrorCount()).isEqualTo(1);
            assertThat(log.lines)
                    .singleElement()
                    .satisfies(
                            l ->
                                    assertThat(l)
                                            .startsWith("WARN ")
                                            .contains("PerError")
                                            .contains("app-logs/checkout")
                                            .contains("/ by zero"));

            // Rate-limited: the first few, then one a minute with the number left out.
            for (int w = 1; w <= 10; w++) {
                observe(logs("checkout", w, 100, 0.5));
            }
            assertThat(evaluator.evaluationErrorCount()).isEqualTo(11);
            // The first three in full, then none until a minute has passed.
            assertThat(log.lines).hasSize(3);
            harness.setProcessingTime(1_000_000 + MIN);
            observe(logs("checkout", 11, 100, 0.5));
            assertThat(log.lines).hasSize(4);
            assertThat(log.lines.stream().reduce((a, b) -> b).orElseThrow())
                    .contains("PerError")
                    .contains("12 errors")
                    .contains("8 not logged");
            assertThat(evaluator.evaluationErrorCount()).isEqualTo(12);
        }
    }

    /** The evaluator's log at WARN and above, as "LEVEL message" lines. */
    static final class Captured extends AbstractAppender implements AutoCloseable {
        private static final String LOGGER = RuleEvaluator.class.getName();
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        private Captured() {
            super("evaluator-capture", null, null, true, Property.EMPTY_ARRAY);
        }

        static Captured capture() {
            Captured c = new Captured();
            c.start();
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            Configuration config = ctx.getConfiguration();
            config.addAppender(c);
            LoggerConfig lc = new LoggerConfig(LOGGER, Level.WARN, false);
            lc.addAppender(c, Level.WARN, null);
            config.addLogger(LOGGER, lc);
            ctx.updateLoggers();
            return c;
        }

        @Override
        public void append(LogEvent event) {
            lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
        }

        @Override
        public void close() {
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            ctx.getConfiguration().removeLogger(LOGGER);
            ctx.updateLoggers();
            stop();
        }
    }

    /** The keyed alert state, with writes that fail while {@link #failWrites} is set. */
    static final class FailingState implements MapState<String, AlertState> {
        private final MapState<String, AlertState> state;
        boolean failWrites;

        FailingState(MapState<String, AlertState> state) {
            this.state = state;
        }

        private void write() throws IOException {
            if (failWrites) {
                throw new IOException("the state backend failed");
            }
        }

        @Override
        public AlertState get(String key) throws Exception {
            return state.get(key);
        }

        @Override
        public void put(String key, AlertState value) throws Exception {
            write();
            state.put(key, value);
        }

        @Override
        public void putAll(Map<String, AlertState> map) throws Exception {
            write();
            state.putAll(map);
        }

        @Override
        public void remove(String key) throws Exception {
            write();
            state.remove(key);
        }

        @Override
        public boolean contains(String key) throws Exception {
            return state.contains(key);
        }

        @Override
        public Iterable<Map.Entry<String, AlertState>> entries() throws Exception {
            return state.entries();
        }

        @Override
        public Iterable<String> keys() throws Exception {
            return state.keys();
        }

        @Override
        public Iterable<AlertState> values() throws Exception {
            return state.values();
        }

        @Override
        public Iterator<Map.Entry<String, AlertState>> iterator() throws Exception {
            return state.iterator();
        }

        @Override
        public boolean isEmpty() throws Exception {
            return state.isEmpty();
        }

        @Override
        public void clear() {
            state.clear();
        }
    }
}
