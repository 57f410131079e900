package io.streamwatch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The state format of {@link MetricAccumulator} is versioned: a checkpoint records the sketch's
 * relative accuracy, so state written with another accuracy is never read with the wrong mapping,
 * and state written before the accuracy was recorded still restores.
 */
class MetricAccumulatorStateFormatTest {

    private static final String SNAPSHOT_CLASS =
            MetricAccumulatorSerializer.Snapshot.class.getName();

    /** What Flink writes into a checkpoint for a serializer snapshot, read back. */
    static TypeSerializerSnapshot<MetricAccumulator> roundTrip(
            TypeSerializerSnapshot<MetricAccumulator> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return read(out.getCopyOfBuffer());
    }

    static TypeSerializerSnapshot<MetricAccumulator> read(byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        TypeSerializerSnapshot<MetricAccumulator> snapshot =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        in, MetricAccumulatorStateFormatTest.class.getClassLoader());
        assertThat(in.available()).as("trailing snapshot bytes").isZero();
        return snapshot;
    }

    /** The compatibility Flink 2.x resolves on restore: the new snapshot judges the old one. */
    static TypeSerializerSchemaCompatibility<MetricAccumulator> compatibility(
            TypeSerializerSnapshot<MetricAccumulator> restored) {
        return MetricAccumulatorSerializer.INSTANCE
                .snapshotConfiguration()
                .resolveSchemaCompatibility(restored);
    }

    /** A version-4 snapshot as a checkpoint holds it, written by hand. */
    static byte[] versionedSnapshot(int format, String mapping, double accuracy)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeUTF(SNAPSHOT_CLASS);
        out.writeInt(4);
        out.writeInt(format);
        out.writeUTF(mapping);
        out.writeDouble(accuracy);
        return out.getCopyOfBuffer();
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in =
                MetricAccumulatorStateFormatTest.class.getResourceAsStream("/state/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void snapshotOfTheCurrentSerializerIsCompatibleAsIs() throws IOException {
        TypeSerializerSnapshot<MetricAccumulator> restored =
                roundTrip(MetricAccumulatorSerializer.INSTANCE.snapshotConfiguration());

        assertThat(compatibility(restored).isCompatibleAsIs()).isTrue();
        assertThat(restored.restoreSerializer()).isSameAs(MetricAccumulatorSerializer.INSTANCE);
    }

    /**
     * A checkpoint written with another accuracy (here 2%): its bins are indexes of another
     * mapping, so it must not be taken as is. Before the snapshot recorded the accuracy, such a
     * checkpoint would have been read as 1% bins without a word.
     */
    @Test
    void snapshotOfAnotherAccuracyIsNotCompatibleAsIs() throws IOException {
        TypeSerializerSnapshot<MetricAccumulator> restored =
                read(versionedSnapshot(1, "logarithmic", 0.02));

        TypeSerializerSchemaCompatibility<MetricAccumulator> compatibility =
                compatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isFalse();
        assertThat(compatibility.isCompatibleAfterMigration()).isTrue();
        assertThat(restored.restoreSerializer()).isNotEqualTo(MetricAccumulatorSerializer.INSTANCE);
    }

    /**
     * The snapshot of this serializer as written before the format was versioned (a binary fixture
     * made with that code): it still restores, compatible as is, and so do its records.
     */
    @Test
    void snapshotWrittenBeforeTheFormatWasVersionedStillRestores() throws IOException {
        byte[] bytes = resource("metric-accumulator-snapshot-unversioned.bin");
        // Class name, SimpleTypeSerializerSnapshot's version 3, no content.
        DataOutputSerializer expected = new DataOutputSerializer(64);
        expected.writeUTF(SNAPSHOT_CLASS);
        expected.writeInt(3);
        assertThat(bytes).containsExactly(expected.getCopyOfBuffer());

        TypeSerializerSnapshot<MetricAccumulator> restored = read(bytes);

        assertThat(compatibility(restored).isCompatibleAsIs()).isTrue();
        assertThat(restored.restoreSerializer()).isSameAs(MetricAccumulatorSerializer.INSTANCE);
        DataInputDeserializer in =
                new DataInputDeserializer(resource("metric-accumulator-record-v1.bin"));
        MetricAccumulator acc = restored.restoreSerializer().deserialize(in);
        assertThat(in.available()).isZero();
        double[] values = MetricAccumulatorTest.lognormal(new Random(7), 1000);
        assertThat(
                        MetricAccumulatorSerializerTest.sameContent(
                                acc, MetricAccumulatorTest.accumulate(values)))
                .isTrue();
    }

    /**
     * A snapshot of format 1, as the build before exact samples wrote: its records are all of
     * version 1, which this build reads, so the state is compatible as is (no migration).
     */
    @Test
    void snapshotOfTheFormatBeforeExactSamplesIsCompatibleAsIs() throws IOException {
        TypeSerializerSnapshot<MetricAccumulator> restored =
                read(versionedSnapshot(1, "logarithmic", 0.01));

        assertThat(compatibility(restored).isCompatibleAsIs()).isTrue();
        MetricAccumulator acc =
                restored.restoreSerializer()
                        .deserialize(
                                new DataInputDeserializer(
                                        resource("metric-accumulator-record-v1.bin")));
        assertThat(acc.getCount()).isEqualTo(1000);
    }

    @Test
    void snapshotsThatCannotBeReadFailTheRestoreWithTheReason() {
        assertThatThrownBy(() -> read(versionedSnapshot(3, "logarithmic", 0.01)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format 3");
        assertThatThrownBy(() -> read(versionedSnapshot(1, "cubic", 0.01)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cubic");
        assertThatThrownBy(() -> read(versionedSnapshot(1, "logarithmic", 0)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("accuracy");
    }

    /**
     * State written with accuracy 2% and restored by this build (1%): the restored serializer reads
     * the 2% bins with the 2% mapping and hands out accumulators of the current mapping, which
     * Flink then writes with the current serializer. Quantiles stay within the two accuracies
     * together; read with the current mapping, the same bytes would be off by about half.
     */
    @Test
    void stateOfAnotherAccuracyIsMigrated() throws IOException {
        double a = 0.02;
        double[] values = MetricAccumulatorTest.lognormal(new Random(11), 20_000);
        MetricAccumulator written = MetricAccumulator.withMapping(new LogarithmicMapping(a));
        for (double v : values) {
            written.add(v);
        }
        written.add(0.0);
        written.add(-250.0);
        double[] all = Arrays.copyOf(values, values.length + 2);
        all[values.length + 1] = -250.0;
        MetricAccumulatorSerializer old = new MetricAccumulatorSerializer(a);
        DataOutputSerializer out = new DataOutputSerializer(256);
        old.serialize(written, out);
        byte[] bytes = out.getCopyOfBuffer();

        TypeSerializerSnapshot<MetricAccumulator> snapshot = roundTrip(old.snapshotConfiguration());
        assertThat(compatibility(snapshot).isCompatibleAfterMigration()).isTrue();
        MetricAccumulator restored =
                snapshot.restoreSerializer().deserialize(new DataInputDeserializer(bytes));

        assertThat(restored.getCount()).isEqualTo(all.length);
        assertThat(restored.getSum()).isEqualTo(written.getSum());
        assertThat(restored.getMin()).isEqualTo(-250.0);
        assertThat(restored.sketch().getIndexMapping()).isEqualTo(MetricAccumulator.MAPPING);
        // The old sketch's error, then at most 1% more (SPEC: at most 1% relative error).
        double bound = (1 + a) * (1 + 0.01) - 1;
        assertWithin(all, restored, bound);
        // It merges with accumulators of this build, and survives the current serializer.
        MetricAccumulator merged = MetricAccumulatorTest.accumulate(new double[] {1.0});
        merged.merge(restored);
        assertThat(merged.getCount()).isEqualTo(all.length + 1);
        MetricAccumulator rewritten =
                MetricAccumulatorSerializerTest.deserialize(
                        MetricAccumulatorSerializerTest.serialize(restored));
        assertThat(MetricAccumulatorSerializerTest.sameContent(rewritten, restored)).isTrue();

        // The silent misreading the snapshot prevents: 2% bins taken as 1% bins.
        MetricAccumulator misread = MetricAccumulatorSerializerTest.deserialize(bytes);
        double[] sorted = all.clone();
        Arrays.sort(sorted);
        double exact = MetricAccumulatorTest.exactQuantile(sorted, 0.5);
        assertThat(Math.abs(misread.quantile(0.5) - exact) / exact).isGreaterThan(0.2);
    }

    /** A restored older serializer also writes its own format, which it reads back. */
    @Test
    void serializerOfAnotherAccuracyWritesItsOwnBins() throws IOException {
        double[] values = MetricAccumulatorTest.pareto(new Random(12), 5_000);
        MetricAccumulator acc = MetricAccumulatorTest.accumulate(values);
        MetricAccumulatorSerializer old = new MetricAccumulatorSerializer(0.005);
        DataOutputSerializer out = new DataOutputSerializer(256);
        old.serialize(acc, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        MetricAccumulator back = old.deserialize(in);

        assertThat(in.available()).isZero();
        assertThat(back.getCount()).isEqualTo(acc.getCount());
        assertWithin(values, back, (1.01 * 1.005 * 1.01) - 1);
        assertThat(old.snapshotConfiguration().restoreSerializer()).isEqualTo(old);
        assertThat(old).isNotEqualTo(MetricAccumulatorSerializer.INSTANCE);
    }

    static void assertWithin(double[] values, MetricAccumulator acc, double bound) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        for (double q : MetricAccumulatorTest.QUANTILES) {
            double exact = MetricAccumulatorTest.exactQuantile(sorted, q);
            double error = Math.abs(acc.quantile(q) - exact) / Math.abs(exact);
            assertThat(error).as("q=%s exact=%s", q, exact).isLessThanOrEqualTo(bound);
        }
    }
}
