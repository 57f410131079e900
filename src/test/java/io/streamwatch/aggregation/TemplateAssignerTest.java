package io.streamwatch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.config.PatternsConfig;
import io.streamwatch.records.Level;
import io.streamwatch.records.LogEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.clusterframework.types.ResourceID;
import org.apache.flink.runtime.executiongraph.ExecutionAttemptID;
import org.apache.flink.runtime.metrics.groups.TaskManagerMetricGroup;
import org.apache.flink.runtime.metrics.groups.TaskMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The template assigner in Flink's keyed operator harness: templates per key, ids that survive
 * generalization, snapshot and restore (heap and RocksDB), rescaling, the cache, the bound and the
 * TTL.
 */
class TemplateAssignerTest {
    private static final int MAX_PARALLELISM = 128;
    private static final PatternsConfig CONFIG = PatternsConfig.defaults();

    private final List<KeyedOneInputStreamOperatorTestHarness<String, LogEvent, LogEvent>>
            harnesses = new ArrayList<>();
    private long ts = 1;

    /** Environments the tests made themselves: their harnesses do not close them. */
    private final List<MockEnvironment> environments = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
        for (MockEnvironment env : environments) {
            env.close();
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, LogEvent, LogEvent> harness(
            TemplateAssigner assigner, int parallelism, int subtask, OperatorSubtaskState restore)
            throws Exception {
        return harness(assigner, parallelism, subtask, restore, false);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, LogEvent, LogEvent> harness(
            TemplateAssigner assigner,
            int parallelism,
            int subtask,
            OperatorSubtaskState restore,
            boolean rocksdb)
            throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(assigner),
                        (LogEvent e) -> e.key,
                        Types.STRING,
                        MAX_PARALLELISM,
                        parallelism,
                        subtask);
        if (rocksdb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        harnesses.add(h);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    /**
     * A harness of parallelism 1 whose metric registry keeps what the operator registers, by name,
     * in {@code metrics}.
     */
    private KeyedOneInputStreamOperatorTestHarness<String, LogEvent, LogEvent> harness(
            TemplateAssigner assigner, Map<String, Metric> metrics) throws Exception {
        TestingMetricRegistry registry =
                TestingMetricRegistry.builder()
                        .setRegisterConsumer((metric, name, group) -> metrics.put(name, metric))
                        .build();
        TaskMetricGroup task =
                TaskManagerMetricGroup.createTaskManagerMetricGroup(
                                registry, "localhost", ResourceID.generate())
                        .addJob(new JobID(), "job")
                        .addTask(ExecutionAttemptID.randomId(), "task");
        MockEnvironment env =
                new MockEnvironmentBuilder()
                        .setMaxParallelism(MAX_PARALLELISM)
                        .setMetricGroup(task)
                        .build();
        environments.add(env);
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(assigner),
                        (LogEvent e) -> e.key,
                        Types.STRING,
                        env);
        harnesses.add(h);
        h.open();
        return h;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, LogEvent, LogEvent> fresh()
            throws Exception {
        return harness(new TemplateAssigner("app-logs", CONFIG), 1, 0, null);
    }

    /** Sends one event and returns it as the operator emitted it. */
    private LogEvent send(
            KeyedOneInputStreamOperatorTestHarness<String, LogEvent, LogEvent> h,
            String key,
            Level level,
            String message)
            throws Exception {
        int before = h.getOutput().size();
        long t = ts++;
        h.processElement(new StreamRecord<>(new LogEvent(key, t, level, message), t));
        List<LogEvent> out = h.extractOutputValues();
        assertThat(out).hasSize(before + 1);
        return out.get(out.size() - 1);
    }

    private LogEvent error(
            KeyedOneInputStreamOperatorTestHarness<String, LogEvent, LogEvent> h,
            String key,
            String message)
            throws Exception {
        return send(h, key, Level.ERROR, message);
    }

    /** The key's template entries as stored in keyed state. */
    private static Map<String, TemplateMiner.TemplateState> stored(
            KeyedOneInputStreamOperatorTestHarness<String, LogEvent, LogEvent> h,
            PatternsConfig config,
            String key)
            throws Exception {
        h.getOperator().setCurrentKey(key);
        MapState<String, TemplateMiner.TemplateState> s =
                h.getOperator()
                        .getKeyedStateBackend()
                        .getPartitionedState(
                                VoidNamespace.INSTANCE,
                                VoidNamespaceSerializer.INSTANCE,
                                TemplateAssigner.descriptor(config));
        Map<String, TemplateMiner.TemplateState> out = new HashMap<>();
        for (Map.Entry<String, TemplateMiner.TemplateState> e : s.entries()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    @Test
    void errorsGetTheirGroupsTemplateWhoseIdStaysWhenItGeneralizes() throws Exception {
        var h = fresh();

        LogEvent alice = error(h, "checkout", "User alice logged in from 10.0.0.1");
        LogEvent bob = error(h, "checkout", "User bob logged in from 10.0.0.2");
        LogEvent disk = send(h, "checkout", Level.FATAL, "Disk /dev/sda1 is full");
        LogEvent info = send(h, "checkout", Level.INFO, "User carol logged in from 10.0.0.3");
        LogEvent otherKey = error(h, "search", "User bob logged in from 10.0.0.2");

        assertThat(alice.pattern).isEqualTo("User alice logged in from <IP>");
        assertThat(bob.patternId).isEqualTo(alice.patternId);
        assertThat(bob.pattern).isEqualTo("User <*> logged in from <IP>");
        assertThat(disk.patternId).isNotEqualTo(alice.patternId);
        assertThat(disk.pattern).isEqualTo("Disk <PATH> is full");
        assertThat(info.patternId).isNull();
        assertThat(info.pattern).isNull();
        // Another group learns on its own: bob's line is its first, so nothing generalized yet.
        assertThat(otherKey.pattern).isEqualTo("User bob logged in from <IP>");
        assertThat(stored(h, CONFIG, "checkout").values())
                .extracting(t -> t.template)
                .containsExactlyInAnyOrder("User <*> logged in from <IP>", "Disk <PATH> is full");
        assertThat(stored(h, CONFIG, "search")).hasSize(1);
    }

    /**
     * With object reuse, other operators chained to the same sender may hold the very event
     * received: the template goes on a copy, the event is left as it was.
     */
    @Test
    void theEventReceivedIsLeftAsItWas() throws Exception {
        var h = fresh();
        LogEvent in = new LogEvent("checkout", 5, Level.ERROR, "Disk /dev/sda1 is full");
        in.offset = 42;

        h.processElement(new StreamRecord<>(in, 5));

        assertThat(in.patternId).isNull();
        assertThat(in.pattern).isNull();
        LogEvent out = h.extractOutputValues().get(0);
        assertThat(out.pattern).isEqualTo("Disk <PATH> is full");
        assertThat(out.message).isEqualTo(in.message);
        assertThat(out.offset).isEqualTo(42);
    }

    @Test
    void aRestoredOperatorContinuesWithTheSameTemplatesAndIds() throws Exception {
        for (boolean rocksdb : List.of(false, true)) {
            var h = harness(new TemplateAssigner("app-logs", CONFIG), 1, 0, null, rocksdb);
            String id = error(h, "checkout", "User alice logged in from 10.0.0.1").patternId;
            error(h, "checkout", "User bob logged in from 10.0.0.2");
            String disk = error(h, "checkout", "Disk /dev/sda1 is full").patternId;
            OperatorSubtaskState snapshot = h.snapshot(1, 100);

            var restored =
                    harness(new TemplateAssigner("app-logs", CONFIG), 1, 0, snapshot, rocksdb);
            LogEvent carol = error(restored, "checkout", "User carol logged in from 10.0.0.3");
            LogEvent disk2 = error(restored, "checkout", "Disk /dev/sdb2 is full");

            // A fresh miner would have made carol's line a template of its own, with its own id.
            assertThat(carol.patternId).as("rocksdb=%s", rocksdb).isEqualTo(id);
            assertThat(carol.pattern).isEqualTo("User <*> logged in from <IP>");
            assertThat(disk2.patternId).isEqualTo(disk);
            assertThat(restored.getOperator()).isNotNull();
        }
    }

    @Test
    void rescalingMovesEachGroupsTemplatesWithItsKeyGroup() throws Exception {
        String[] keys = keysOnDifferentSubtasks(2);
        var h = fresh();
        Map<String, String> ids = new HashMap<>();
        for (String k : keys) {
            ids.put(k, error(h, k, "Worker alpha lost its lease").patternId);
            error(h, k, "Worker beta lost its lease");
        }
        OperatorSubtaskState snapshot = h.snapshot(1, 100);

        for (int subtask = 0; subtask < 2; subtask++) {
            OperatorSubtaskState part =
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            snapshot, MAX_PARALLELISM, 1, 2, subtask);
            var scaled = harness(new TemplateAssigner("app-logs", CONFIG), 2, subtask, part);
            String key = keys[subtask];
            LogEvent e = error(scaled, key, "Worker gamma lost its lease");
            assertThat(e.patternId).isEqualTo(ids.get(key));
            assertThat(e.pattern).isEqualTo("Worker <*> lost its lease");
            // The other group's templates went to the other subtask: one key's state here.
            assertThat(scaled.numKeyedStateEntries()).isEqualTo(1);
        }
    }

    @Test
    void aGroupLeavingTheCacheIsRebuiltFromStateWithTheSameIds() throws Exception {
        // A budget of one template: every switch of key rebuilds the other key's miner.
        Map<String, Metric> metrics = new HashMap<>();
        var h = harness(new TemplateAssigner("app-logs", CONFIG, 1), metrics);
        String a = error(h, "a", "Job alpha failed on node east").patternId;
        String b = error(h, "b", "Queue orders is full").patternId;
        LogEvent a2 = error(h, "a", "Job beta failed on node west");
        LogEvent b2 = error(h, "b", "Queue payments is full");

        assertThat(a2.patternId).isEqualTo(a);
        assertThat(a2.pattern).isEqualTo("Job <*> failed on node <*>");
        assertThat(b2.patternId).isEqualTo(b);
        assertThat(b2.pattern).isEqualTo("Queue <*> is full");
        // a and b were new, then each came back after the other had pushed it out of the cache.
        assertThat(((Counter) metrics.get("templateMinersRestored")).getCount()).isEqualTo(2);
    }

    @Test
    void withinTheCacheBudgetNoGroupIsRebuilt() throws Exception {
        Map<String, Metric> metrics = new HashMap<>();
        var h = harness(new TemplateAssigner("app-logs", CONFIG, 2), metrics);
        error(h, "a", "Job alpha failed on node east");
        error(h, "b", "Queue orders is full");
        error(h, "a", "Job beta failed on node west");
        error(h, "b", "Queue payments is full");
        assertThat(((Counter) metrics.get("templateMinersRestored")).getCount()).isZero();
    }

    @Test
    void maxTemplatesBoundsTheStateAndTheEvictedTemplateLeavesIt() throws Exception {
        PatternsConfig two = new PatternsConfig(true, 4, 0.5, 100, 2, Duration.ofDays(1));
        var h = harness(new TemplateAssigner("app-logs", two), 1, 0, null);
        String first = error(h, "k", "Cache warmup failed").patternId;
        String second = error(h, "k", "Index rebuild aborted by operator").patternId;
        error(h, "k", "Cache warmup failed");
        String third = error(h, "k", "Snapshot upload timed out").patternId;

        // "second" was least recently seen when "third" needed room.
        assertThat(stored(h, two, "k").keySet()).containsExactlyInAnyOrder(first, third);
        assertThat(second).isNotIn(first, third);
    }

    @Test
    void storedCountAndLastSeenAreRefreshedAtMostOncePerInterval() throws Exception {
        var h = fresh();
        h.setProcessingTime(0);
        String id = error(h, "k", "Cache warmup failed").patternId;
        error(h, "k", "Cache warmup failed");
        error(h, "k", "Cache warmup failed");
        assertThat(stored(h, CONFIG, "k").get(id).count).isEqualTo(1);

        // A minute on (docs/PATTERNS.md: an entry last written a minute ago is written again).
        h.setProcessingTime(60_000);
        error(h, "k", "Cache warmup failed");

        assertThat(stored(h, CONFIG, "k").get(id).count).isEqualTo(4);
    }

    @Test
    void templatesNotSeenForTheTtlLeaveTheState() throws Exception {
        PatternsConfig ttl = new PatternsConfig(true, 4, 0.5, 100, 1000, Duration.ofHours(1));
        var h = harness(new TemplateAssigner("app-logs", ttl), 1, 0, null);
        h.setStateTtlProcessingTime(0);
        error(h, "k", "User alice logged in from 10.0.0.1");
        error(h, "k", "User bob logged in from 10.0.0.2");
        assertThat(stored(h, ttl, "k")).hasSize(1);

        h.setStateTtlProcessingTime(Duration.ofHours(1).toMillis() + 1);

        assertThat(stored(h, ttl, "k")).isEmpty();
        OperatorSubtaskState snapshot = h.snapshot(1, 100);
        var restored = harness(new TemplateAssigner("app-logs", ttl), 1, 0, snapshot);
        restored.setStateTtlProcessingTime(Duration.ofHours(1).toMillis() + 2);
        assertThat(error(restored, "k", "User carol logged in from 10.0.0.3").pattern)
                .isEqualTo("User carol logged in from <IP>");
    }

    @Test
    void mergedTemplatesLeaveTheStateAndTheirIdsResolveAfterARestore() throws Exception {
        for (boolean rocksdb : List.of(false, true)) {
            var h = harness(new TemplateAssigner("app-logs", CONFIG), 1, 0, null, rocksdb);
            String a = error(h, "k", "Queue 'Orders' for tenant acme is full").patternId;
            String b = error(h, "k", "Queue 'Payments' for tenant acme is full").patternId;
            LogEvent c = error(h, "k", "Queue 'Emails' for tenant acme is full");

            // The third value makes the word a variable: one template is left, listing the other.
            assertThat(b).isNotEqualTo(a);
            assertThat(c.patternId).isIn(a, b);
            String merged = c.patternId.equals(a) ? b : a;
            Map<String, TemplateMiner.TemplateState> entries = stored(h, CONFIG, "k");
            assertThat(entries.keySet()).containsExactly(c.patternId);
            assertThat(entries.get(c.patternId).merged).containsExactly(merged);

            var restored =
                    harness(
                            new TemplateAssigner("app-logs", CONFIG),
                            1,
                            0,
                            h.snapshot(1, 100),
                            rocksdb);
            LogEvent d = error(restored, "k", "Queue 'Audit' for tenant acme is full");
            assertThat(d.patternId).as("rocksdb=%s", rocksdb).isEqualTo(c.patternId);
            assertThat(d.pattern).isEqualTo("Queue <*> for tenant acme is full");
        }
    }

    @Test
    void aFormOfAnotherLengthHasItsOwnEntryAndKeepsTheIdAfterARestore() throws Exception {
        var h = fresh();
        String id = error(h, "k", "request done path=/a status=200").patternId;
        LogEvent longer = error(h, "k", "request done path=/b status=500 user=alice");

        assertThat(longer.patternId).isEqualTo(id);
        Map<String, TemplateMiner.TemplateState> entries = stored(h, CONFIG, "k");
        assertThat(entries).hasSize(2);
        assertThat(entries.values()).extracting(t -> t.of).containsExactlyInAnyOrder(null, id);

        var restored = harness(new TemplateAssigner("app-logs", CONFIG), 1, 0, h.snapshot(1, 100));
        assertThat(error(restored, "k", "request done path=/c status=503 user=bob").patternId)
                .isEqualTo(id);
    }

    /** One key per subtask of {@code parallelism}, in subtask order. */
    private static String[] keysOnDifferentSubtasks(int parallelism) {
        String[] keys = new String[parallelism];
        int found = 0;
        for (int i = 0; found < parallelism; i++) {
            String k = "svc" + i;
            int subtask =
                    KeyGroupRangeAssignment.assignKeyToParallelOperator(
                            k, MAX_PARALLELISM, parallelism);
            if (keys[subtask] == null) {
                keys[subtask] = k;
                found++;
            }
        }
        return keys;
    }
}
