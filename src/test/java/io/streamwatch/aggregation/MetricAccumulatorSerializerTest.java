package io.streamwatch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.Store;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;
import org.junit.jupiter.api.Test;

/**
 * {@link MetricAccumulatorSerializer}: Flink's own serializer contract tests (copy, reuse,
 * sequences, duplicate, snapshot and reconfigure) from {@link SerializerTestBase}, plus explicit
 * round trips, copy independence, snapshot restore, a pinned binary format and the state size.
 */
class MetricAccumulatorSerializerTest extends SerializerTestBase<MetricAccumulator> {

    MetricAccumulatorSerializerTest() {
        // The accumulator has no equals (a mutable state value): compare what it holds.
        super(
                new DeeplyEqualsChecker()
                        .withCustomCheck(
                                (a, b) ->
                                        a instanceof MetricAccumulator
                                                && b instanceof MetricAccumulator,
                                (a, b, checker) ->
                                        sameContent((MetricAccumulator) a, (MetricAccumulator) b)));
    }

    @Override
    protected TypeSerializer<MetricAccumulator> createSerializer() {
        return MetricAccumulatorSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<MetricAccumulator> getTypeClass() {
        return MetricAccumulator.class;
    }

    @Override
    protected MetricAccumulator[] getTestData() {
        Random random = new Random(42);
        return new MetricAccumulator[] {
            new MetricAccumulator(),
            of(12.5),
            of(0.0),
            of(-3.25),
            of(MetricAccumulatorTest.lognormal(random, 600)),
            of(MetricAccumulatorTest.signedWithZeros(random, 5_000)),
            of(MetricAccumulatorTest.pareto(random, 5_000)),
            of(
                    MetricAccumulatorTest.generate(
                            5_000, () -> Math.pow(10, -15 + 30 * random.nextDouble()))),
            of(Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE),
            largeCounts(),
        };
    }

    static MetricAccumulator of(double... values) {
        return MetricAccumulatorTest.accumulate(values);
    }

    /** Bin counts that need multi-byte variable-length integers. */
    static MetricAccumulator largeCounts() {
        MetricAccumulator acc = new MetricAccumulator();
        for (int i = 0; i < 300_000; i++) {
            acc.add(i % 3 == 0 ? 7.0 : i % 3 == 1 ? -7.0 : 0.0);
        }
        return acc;
    }

    /**
     * Equal exact figures (bit for bit), both exact with the same samples or both sketched with
     * equal bins, zero count included.
     */
    static boolean sameContent(MetricAccumulator a, MetricAccumulator b) {
        boolean figures =
                a.getCount() == b.getCount()
                        && Double.compare(a.getSum(), b.getSum()) == 0
                        && Double.compare(a.getMin(), b.getMin()) == 0
                        && Double.compare(a.getMax(), b.getMax()) == 0
                        && a.isExact() == b.isExact();
        if (!figures || a.isExact()) {
            return figures && sortedSamples(a).equals(sortedSamples(b));
        }
        return bins(a.sketch().getNegativeValueStore())
                        .equals(bins(b.sketch().getNegativeValueStore()))
                && bins(a.sketch().getPositiveValueStore())
                        .equals(bins(b.sketch().getPositiveValueStore()))
                && a.sketch().getCount() == b.sketch().getCount();
    }

    static String sortedSamples(MetricAccumulator acc) {
        double[] samples = Arrays.copyOf(acc.exactSamples(), (int) acc.getCount());
        Arrays.sort(samples);
        return Arrays.toString(samples);
    }

    static List<String> bins(Store store) {
        List<String> bins = new ArrayList<>();
        store.forEach((index, count) -> bins.add(index + ":" + count));
        return bins;
    }

    static byte[] serialize(MetricAccumulator acc) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        MetricAccumulatorSerializer.INSTANCE.serialize(acc, out);
        return out.getCopyOfBuffer();
    }

    static MetricAccumulator deserialize(byte[] bytes) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        MetricAccumulator acc = MetricAccumulatorSerializer.INSTANCE.deserialize(in);
        assertThat(in.available()).as("trailing bytes").isZero();
        return acc;
    }

    @Test
    void roundTripsKeepFiguresAndQuantiles() throws IOException {
        for (MetricAccumulator original : getTestData()) {
            MetricAccumulator restored = deserialize(serialize(original));
            assertThat(sameContent(original, restored)).as("%s", original).isTrue();
            for (double q : MetricAccumulatorTest.QUANTILES) {
                // Bit for bit, NaN (empty) included.
                assertThat(Double.compare(restored.quantile(q), original.quantile(q))).isZero();
            }
        }
    }

    @Test
    void restoredAccumulatorKeepsAccumulatingAndMerging() throws IOException {
        double[] values = MetricAccumulatorTest.signedWithZeros(new Random(5), 20_000);
        MetricAccumulator first = of(java.util.Arrays.copyOfRange(values, 0, 10_000));
        MetricAccumulator restored = deserialize(serialize(first));
        for (int i = 10_000; i < 20_000; i++) {
            restored.add(values[i]);
        }
        MetricAccumulator merged =
                deserialize(serialize(first))
                        .merge(
                                deserialize(
                                        serialize(
                                                of(
                                                        java.util.Arrays.copyOfRange(
                                                                values, 10_000, 20_000)))));

        MetricAccumulator all = of(values);
        assertThat(bins(restored.sketch().getPositiveValueStore()))
                .isEqualTo(bins(all.sketch().getPositiveValueStore()));
        assertThat(restored.getCount()).isEqualTo(all.getCount());
        MetricAccumulatorTest.assertAccurate("restored", values, restored);
        MetricAccumulatorTest.assertAccurate("merged after restore", values, merged);
    }

    @Test
    void deserializeIntoReusedInstanceForgetsItsOldContent() throws IOException {
        MetricAccumulator reuse = of(MetricAccumulatorTest.pareto(new Random(3), 1_000));
        byte[] small = serialize(of(1.0, 2.0));
        MetricAccumulator restored =
                MetricAccumulatorSerializer.INSTANCE.deserialize(
                        reuse, new DataInputDeserializer(small));
        assertThat(sameContent(restored, of(1.0, 2.0))).isTrue();
        restored =
                MetricAccumulatorSerializer.INSTANCE.deserialize(
                        restored, new DataInputDeserializer(serialize(new MetricAccumulator())));
        assertThat(restored.isEmpty()).isTrue();
        assertThat(restored.sketch().isEmpty()).isTrue();
    }

    @Test
    void copyIsIndependent() {
        MetricAccumulator original = of(1.0, -5.0, 0.0, 300.0);
        MetricAccumulator copy = MetricAccumulatorSerializer.INSTANCE.copy(original);
        MetricAccumulator reused =
                MetricAccumulatorSerializer.INSTANCE.copy(original, new MetricAccumulator());

        original.add(1e6);
        original.add(-1e6);
        assertThat(copy.getCount()).isEqualTo(4);
        assertThat(copy.getMax()).isEqualTo(300.0);
        assertThat(copy.sketch().getCount()).isEqualTo(4.0);
        assertThat(reused.getCount()).isEqualTo(4);

        copy.add(42.0);
        copy.merge(of(7.0, 8.0));
        assertThat(original.getCount()).isEqualTo(6);
        assertThat(original.sketch().getCount()).isEqualTo(6.0);
        assertThat(reused.sketch().getCount()).isEqualTo(4.0);
    }

    @Test
    void snapshotRestoresACompatibleSerializer() throws IOException {
        TypeSerializerSnapshot<MetricAccumulator> snapshot =
                MetricAccumulatorSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);

        TypeSerializerSnapshot<MetricAccumulator> restored =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());

        assertThat(restored).isInstanceOf(MetricAccumulatorSerializer.Snapshot.class);
        assertThat(restored.restoreSerializer()).isSameAs(MetricAccumulatorSerializer.INSTANCE);
        // Flink 2.x: the new serializer's snapshot judges the restored (old) one.
        TypeSerializerSchemaCompatibility<MetricAccumulator> compatibility =
                MetricAccumulatorSerializer.INSTANCE
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }

    /**
     * Pins the version-1 bytes: state written by one build must be read by the next, so a change
     * here must come with a new version byte, not an edited expectation.
     */
    @Test
    void binaryFormatIsStable() throws IOException {
        assertThat(serialize(new MetricAccumulator())).containsExactly(1, 0);

        // 1.0 is bin 0, 2.0 and -2.0 are bin 34, 0.0 is the zero count.
        MetricAccumulator sketched = of(1.0, 2.0, 2.0, -2.0, 0.0);
        sketched.sketch();
        byte[] bytes = serialize(sketched);
        DataOutputSerializer expected = new DataOutputSerializer(64);
        expected.writeByte(1); // version
        expected.writeByte(5); // count
        expected.writeDouble(3.0); // sum
        expected.writeDouble(-2.0); // min
        expected.writeDouble(2.0); // max
        expected.writeByte(8); // length of the two stores
        expected.write(new byte[] {1, 68, 0}); // negative: 1 bin, zig-zag(34), count 1
        // positive: 2 bins, zig-zag(0); count 1; count 2 after a gap of 33 empty bins
        expected.write(new byte[] {2, 0, 0, (1 << 1) | 1, 32});
        assertThat(bytes).containsExactly(expected.getCopyOfBuffer());
    }

    /** Pins the version-2 bytes (exact samples), as above. */
    @Test
    void exactFormatIsStable() throws IOException {
        DataOutputSerializer expected = new DataOutputSerializer(64);
        expected.writeByte(2); // version
        expected.writeByte(3); // count
        expected.writeDouble(1.5); // sum
        expected.writeDouble(-2.0); // min
        expected.writeDouble(2.5); // max
        expected.writeDouble(1.0); // the samples
        expected.writeDouble(2.5);
        expected.writeDouble(-2.0);
        assertThat(serialize(of(1.0, 2.5, -2.0))).containsExactly(expected.getCopyOfBuffer());
    }

    /**
     * Exact samples round-trip as exact samples, and a restored accumulator goes on as one that
     * never left: exact up to the limit, then a sketch of every sample.
     */
    @Test
    void exactSamplesRoundTripAndGoOnIntoASketch() throws IOException {
        int limit = MetricAccumulator.EXACT_SAMPLES;
        double[] values = MetricAccumulatorTest.lognormal(new Random(21), 3 * limit);
        MetricAccumulator first = of(Arrays.copyOf(values, limit - 1));
        MetricAccumulator restored = deserialize(serialize(first));
        assertThat(restored.isExact()).isTrue();
        assertThat(sameContent(first, restored)).isTrue();
        restored.add(values[limit - 1]);
        assertThat(restored.isExact()).isTrue();
        for (int i = limit; i < values.length; i++) {
            restored.add(values[i]);
        }
        assertThat(restored.isExact()).isFalse();
        assertThat(restored.getCount()).isEqualTo(values.length);
        MetricAccumulator all = of(values);
        assertThat(bins(restored.sketch().getPositiveValueStore()))
                .isEqualTo(bins(all.sketch().getPositiveValueStore()));
        MetricAccumulatorTest.assertAccurate("restored exact", values, restored);
    }

    @Test
    void rejectsUnknownVersionAndCorruptBins() {
        assertThatThrownBy(() -> deserialize(new byte[] {3, 0}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 3");
        // exact samples: a count no build keeps exactly
        assertThatThrownBy(() -> deserialize(new byte[] {2, (byte) 0x80, (byte) 0x80, 0x10}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("exact samples");
        // count 1, but a positive bin of count 2
        assertThatThrownBy(() -> deserialize(withBins(4, 0, 1, 0, 2)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("more than count");
        // the stores end before the announced length
        assertThatThrownBy(() -> deserialize(withBins(5, 0, 1, 0, 0, 0)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("length mismatch");
        // a variable-length integer cut short
        assertThatThrownBy(() -> deserialize(withBins(2, 0, 0x81)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("malformed");
    }

    /** A record of count 1, sum/min/max 1, and the given bytes from the stores' length on. */
    static byte[] withBins(int... bytes) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(1);
        out.writeByte(1);
        out.writeDouble(1);
        out.writeDouble(1);
        out.writeDouble(1);
        for (int b : bytes) {
            out.writeByte(b);
        }
        return out.getCopyOfBuffer();
    }

    /** Not a benchmark: the state size per key and window, which the 1M-key target depends on. */
    @Test
    void reportsSerializedSizes() throws IOException {
        Random random = new Random(600);
        // Request latencies in ms: lognormal, median 40 ms, p99 around 250 ms.
        double[] latencies =
                MetricAccumulatorTest.generate(
                        600, () -> Math.exp(Math.log(40) + 0.8 * random.nextGaussian()));
        MetricAccumulator acc = of(latencies);
        int size = serialize(acc).length;
        int bins = bins(acc.sketch().getPositiveValueStore()).size();
        int binRange =
                acc.sketch().getPositiveValueStore().getMaxIndex()
                        - acc.sketch().getPositiveValueStore().getMinIndex()
                        + 1;
        GrowingByteArrayOutput libraryOut = GrowingByteArrayOutput.withDefaultInitialCapacity();
        acc.sketch().encode(libraryOut, true);
        int librarySize = libraryOut.numWrittenBytes();
        System.out.printf(
                "600 latencies: %d bytes (%d non-empty bins over a range of %d;"
                        + " DDSketch's own encoding, sketch only: %d bytes; raw doubles: %d bytes)%n",
                size, bins, binRange, librarySize, 600 * 8);
        System.out.printf(
                "empty: %d bytes, one value: %d bytes, 100k lognormal: %d bytes%n",
                serialize(new MetricAccumulator()).length,
                serialize(of(12.5)).length,
                serialize(of(MetricAccumulatorTest.lognormal(new Random(1), 100_000))).length);
        // One header (about 29 bytes) plus about a byte per non-empty bin.
        assertThat(size).isLessThan(29 + 2 * bins).isLessThan(600);
    }
}
