package io.streamwatch.aggregation;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import com.datadoghq.sketch.ddsketch.store.BinAcceptor;
import com.datadoghq.sketch.ddsketch.store.Store;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link MetricAccumulator}: it exists so that window state is written in a
 * compact format of our own (no Kryo, no Java serialization), which survives restores and library
 * upgrades because it depends only on the bins of a logarithmic index mapping, not on DDSketch's
 * classes or encodings.
 *
 * <p>Bins are indexes of a mapping, so the bytes mean something only together with the mapping's
 * relative accuracy. {@link #INSTANCE} writes with {@link MetricAccumulator#MAPPING}; its {@link
 * Snapshot} records the format version, the mapping kind and the accuracy in every checkpoint and
 * savepoint. A serializer restored from a snapshot of another accuracy reads (and writes) bins of
 * that accuracy's mapping, and always hands out accumulators of the current mapping: each old bin
 * is re-added at its representative value. Flink migrates such state on restore, so quantiles stay
 * within the old accuracy plus the new one (about 3% for state of a 2% sketch restored by a 1%
 * build), instead of being read with the wrong mapping.
 *
 * <p>Format (version 1), variable-length integers are unsigned LEB128:
 *
 * <pre>
 * byte     version (1)
 * varlong  count                      an empty accumulator ends here: 2 bytes
 * double   sum, min, max
 * varint   length in bytes of the two stores that follow
 * store    negative values, then positive values, each:
 *   varint   number of non-empty bins  (0 ends the store)
 *   varint   zig-zag index of the first bin
 *   per bin, ascending index:
 *     varlong  (binCount - 1) &lt;&lt; 1 | (gap &gt; 0 ? 1 : 0)
 *     varint   gap - 1, only when gap &gt; 0  (gap = empty bins since the previous one)
 * </pre>
 *
 * The zero count is not written: it is count minus the bins' counts. A bin takes one byte when its
 * count is at most 64 and it follows an occupied neighbour, the common case for latencies; a run of
 * empty bins costs one more byte, not one per bin. On 600 lognormal latencies the bins take about
 * 30% fewer bytes than DDSketch's own encoding of the same sketch.
 *
 * <p>Format version 2 is an accumulator whose samples are still exact (no sketch yet, see {@link
 * MetricAccumulator#EXACT_SAMPLES}); the empty accumulator is still written as version 1:
 *
 * <pre>
 * byte     version (2)
 * varlong  count
 * double   sum, min, max
 * double   each sample (count of them)
 * </pre>
 *
 * The exact samples do not depend on any mapping, so a serializer of another accuracy reads and
 * writes them the same.
 *
 * <p>The version byte is per record, so a later format can still read records written by this one.
 * The class name of this serializer and of its {@link Snapshot} are written into checkpoints:
 * renaming or moving them breaks restores.
 */
public final class MetricAccumulatorSerializer extends TypeSerializer<MetricAccumulator> {

    private static final long serialVersionUID = 1L;

    /**
     * The serializer of the current mapping, the only one the job creates: stateless, hence
     * thread-safe.
     */
    public static final MetricAccumulatorSerializer INSTANCE =
            new MetricAccumulatorSerializer(MetricAccumulator.RELATIVE_ACCURACY);

    /** The record format of an accumulator with a sketch, and of an empty one. */
    static final byte VERSION = 1;

    /** The record format of an accumulator with exact samples. */
    static final byte EXACT_VERSION = 2;

    /** The newest record format this build writes, recorded in the {@link Snapshot}. */
    static final int FORMAT = EXACT_VERSION;

    /**
     * Exact samples a record may hold: more than this build keeps ({@link
     * MetricAccumulator#EXACT_SAMPLES}), so a later build may keep more, but a corrupt count cannot
     * allocate the heap away.
     */
    private static final int MAX_EXACT_READ = 1 << 16;

    /** The relative accuracy of the logarithmic mapping whose bin indexes the bytes hold. */
    private final double relativeAccuracy;

    /** The mapping of {@link #relativeAccuracy}; made again after Java deserialization. */
    private transient IndexMapping mapping;

    /** Reads and writes bins of {@code new LogarithmicMapping(relativeAccuracy)}. */
    MetricAccumulatorSerializer(double relativeAccuracy) {
        this.relativeAccuracy = relativeAccuracy;
    }

    double relativeAccuracy() {
        return relativeAccuracy;
    }

    private IndexMapping mapping() {
        IndexMapping m = mapping;
        if (m == null) {
            m =
                    relativeAccuracy == MetricAccumulator.RELATIVE_ACCURACY
                            ? MetricAccumulator.MAPPING
                            : new LogarithmicMapping(relativeAccuracy);
            mapping = m;
        }
        return m;
    }

    /** Whether the bytes' bins are those of the accumulators' own mapping. */
    private boolean current() {
        return mapping().equals(MetricAccumulator.MAPPING);
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<MetricAccumulator> duplicate() {
        return this;
    }

    @Override
    public MetricAccumulator createInstance() {
        return new MetricAccumulator();
    }

    @Override
    public MetricAccumulator copy(MetricAccumulator from) {
        return from.copy();
    }

    @Override
    public MetricAccumulator copy(MetricAccumulator from, MetricAccumulator reuse) {
        // DDSketch has no copy-into; a fresh deep copy is the safe answer.
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(MetricAccumulator acc, DataOutputView out) throws IOException {
        boolean exact = acc.isExact() && !acc.isEmpty();
        out.writeByte(exact ? EXACT_VERSION : VERSION);
        writeVarLong(out, acc.getCount());
        if (acc.isEmpty()) {
            return;
        }
        out.writeDouble(acc.getSum());
        out.writeDouble(acc.getMin());
        out.writeDouble(acc.getMax());
        if (exact) {
            double[] samples = acc.exactSamples();
            for (int i = 0; i < acc.getCount(); i++) {
                out.writeDouble(samples[i]);
            }
            return;
        }
        // With RocksDB this runs on every record: the bins go through a byte array in one call
        // rather than a virtual call per byte (about 20% less time for a get-add-put).
        DDSketch sketch = acc.sketch();
        if (!sketch.getIndexMapping().equals(mapping())) {
            // Only a serializer restored from an older snapshot gets here (see the class doc).
            sketch = rebin(sketch, mapping());
        }
        Store negative = sketch.getNegativeValueStore();
        Store positive = sketch.getPositiveValueStore();
        int negativeBins = countBins(negative);
        int positiveBins = countBins(positive);
        BinWriter writer = new BinWriter(negativeBins + positiveBins);
        writer.writeStore(negative, negativeBins);
        writer.writeStore(positive, positiveBins);
        writeVarLong(out, writer.length);
        out.write(writer.buffer, 0, writer.length);
    }

    @Override
    public MetricAccumulator deserialize(DataInputView in) throws IOException {
        return deserialize(new MetricAccumulator(), in);
    }

    @Override
    public MetricAccumulator deserialize(MetricAccumulator reuse, DataInputView in)
            throws IOException {
        int version = in.readByte();
        if (version != VERSION && version != EXACT_VERSION) {
            throw new IOException("Unknown MetricAccumulator format version " + version);
        }
        reuse.clear();
        long count = readVarLong(in);
        if (count == 0) {
            return reuse;
        }
        if (version == EXACT_VERSION && count > MAX_EXACT_READ) {
            throw new IOException("Corrupt MetricAccumulator: " + count + " exact samples");
        }
        double sum = in.readDouble();
        double min = in.readDouble();
        double max = in.readDouble();
        if (version == EXACT_VERSION) {
            double[] samples = new double[(int) count];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = in.readDouble();
            }
            reuse.setExact(count, sum, min, max, samples);
            return reuse;
        }
        long length = readVarLong(in);
        if (length > Integer.MAX_VALUE) {
            throw new IOException("Corrupt MetricAccumulator: bins length " + length);
        }
        BinReader reader = new BinReader(new byte[(int) length]);
        in.readFully(reader.buffer);
        long inBins;
        if (current()) {
            inBins = reader.readStore(reuse.sketch().getNegativeValueStore());
            inBins += reader.readStore(reuse.sketch().getPositiveValueStore());
        } else {
            // Bins of another mapping: read them as such, then re-add each at its value.
            DDSketch old = MetricAccumulator.newSketch(mapping());
            inBins = reader.readStore(old.getNegativeValueStore());
            inBins += reader.readStore(old.getPositiveValueStore());
            addBins(old, reuse.sketch());
        }
        if (reader.position != length) {
            throw new IOException("Corrupt MetricAccumulator: bins length mismatch");
        }
        long zeros = count - inBins;
        if (zeros < 0) {
            throw new IOException("Corrupt MetricAccumulator: bins hold more than count " + count);
        }
        if (zeros > 0) {
            reuse.sketch().accept(0.0, zeros);
        }
        reuse.setFigures(count, sum, min, max);
        return reuse;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        // Rare (Flink copies raw records only in a few code paths); correctness over speed.
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<MetricAccumulator> snapshotConfiguration() {
        return new Snapshot(relativeAccuracy);
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof MetricAccumulatorSerializer other
                && Double.compare(relativeAccuracy, other.relativeAccuracy) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(relativeAccuracy);
    }

    @Override
    public String toString() {
        return "MetricAccumulatorSerializer{relativeAccuracy=" + relativeAccuracy + "}";
    }

    /** The samples of {@code sketch} in a sketch of {@code mapping}, each bin at its value. */
    private static DDSketch rebin(DDSketch sketch, IndexMapping mapping) {
        DDSketch target = MetricAccumulator.newSketch(mapping);
        addBins(sketch, target);
        return target;
    }

    /**
     * Adds the bins of {@code from} to {@code to} (another mapping) at their representative values,
     * which are within {@code from}'s accuracy of the samples; {@code to} adds its own error.
     * Values beyond what {@code to} can index are clamped, as {@link MetricAccumulator#add} does.
     * The zero count is not copied (the serializer derives it from the total count).
     */
    private static void addBins(DDSketch from, DDSketch to) {
        IndexMapping source = from.getIndexMapping();
        double max = to.getIndexMapping().maxIndexableValue();
        from.getPositiveValueStore()
                .forEach((index, count) -> to.accept(Math.min(max, source.value(index)), count));
        from.getNegativeValueStore()
                .forEach((index, count) -> to.accept(-Math.min(max, source.value(index)), count));
    }

    private static int countBins(Store store) {
        int[] bins = {0};
        store.forEach((index, count) -> bins[0]++);
        return bins[0];
    }

    /** Encodes the stores' bins into an array sized for the worst case (15 bytes a bin). */
    private static final class BinWriter implements BinAcceptor {
        final byte[] buffer;
        int length;
        private int previous;

        BinWriter(int bins) {
            buffer = new byte[2 * 5 + 15 * bins];
        }

        void writeStore(Store store, int bins) {
            putVarLong(bins);
            if (bins > 0) {
                previous = store.getMinIndex() - 1;
                putVarLong(zigZag(store.getMinIndex()));
                store.forEach(this);
            }
        }

        @Override
        public void accept(int index, double count) {
            long whole = (long) count;
            if (whole < 1 || whole != count) {
                // Only whole samples are ever added; anything else is a bug, not data.
                throw new IllegalStateException("Bin count is not a positive integer: " + count);
            }
            int gap = index - previous - 1;
            putVarLong((whole - 1) << 1 | (gap > 0 ? 1 : 0));
            if (gap > 0) {
                putVarLong(gap - 1);
            }
            previous = index;
        }

        private void putVarLong(long value) {
            while ((value & ~0x7FL) != 0) {
                buffer[length++] = (byte) (value & 0x7F | 0x80);
                value >>>= 7;
            }
            buffer[length++] = (byte) value;
        }
    }

    /** Decodes what {@link BinWriter} wrote. */
    private static final class BinReader {
        final byte[] buffer;
        int position;

        BinReader(byte[] buffer) {
            this.buffer = buffer;
        }

        /** Adds the bins of one store to {@code store} and returns their total count. */
        long readStore(Store store) throws IOException {
            long bins = varLong();
            if (bins == 0) {
                return 0;
            }
            long total = 0;
            long index = unZigZag(varLong()) - 1;
            for (long i = 0; i < bins; i++) {
                long header = varLong();
                long count = (header >>> 1) + 1;
                index += 1 + ((header & 1) == 0 ? 0 : varLong() + 1);
                if (index > Integer.MAX_VALUE) {
                    throw new IOException("Corrupt MetricAccumulator: bin index overflow");
                }
                store.add((int) index, (double) count);
                total += count;
            }
            return total;
        }

        private long varLong() throws IOException {
            long value = 0;
            for (int shift = 0; shift < 64 && position < buffer.length; shift += 7) {
                byte b = buffer[position++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IOException("Corrupt MetricAccumulator: malformed variable-length integer");
        }
    }

    private static long zigZag(int n) {
        return ((n << 1) ^ (n >> 31)) & 0xFFFFFFFFL;
    }

    private static int unZigZag(long n) {
        return (int) (n >>> 1) ^ -(int) (n & 1);
    }

    private static void writeVarLong(DataOutputView out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    private static long readVarLong(DataInputView in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.readByte();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IOException("Corrupt MetricAccumulator: malformed variable-length integer");
    }

    /**
     * What a checkpoint or savepoint records about {@link MetricAccumulatorSerializer}: the record
     * format version, the index mapping's kind and its relative accuracy, which together fix what
     * the bytes mean.
     *
     * <p>Snapshot versions: 3 is what releases before this one wrote (a {@code
     * SimpleTypeSerializerSnapshot}: no content); it stands for format 1, logarithmic mapping,
     * accuracy {@value #UNVERSIONED_ACCURACY}, the only configuration those releases had. 4 writes
     * the three values (format 2 since exact samples: its records are of version 1 or 2). On
     * restore, the same values or an older format are compatible as is (each record says its
     * version); another accuracy needs a migration (the restored serializer reads the old bins with
     * the old mapping, see the class doc); another mapping kind or a newer record format cannot be
     * read and fails the restore, with the reason.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<MetricAccumulator> {

        /** The version SimpleTypeSerializerSnapshot wrote before the snapshot had content. */
        static final int UNVERSIONED = 3;

        static final int CURRENT = 4;

        /** The accuracy of every state written before the snapshot recorded it. */
        static final double UNVERSIONED_ACCURACY = 0.01;

        static final String LOGARITHMIC = "logarithmic";

        private int format = FORMAT;
        private String mappingKind = LOGARITHMIC;
        private double relativeAccuracy = UNVERSIONED_ACCURACY;

        /** Flink instantiates snapshots reflectively when it reads a checkpoint. */
        public Snapshot() {}

        Snapshot(double relativeAccuracy) {
            this.relativeAccuracy = relativeAccuracy;
        }

        double relativeAccuracy() {
            return relativeAccuracy;
        }

        @Override
        public int getCurrentVersion() {
            return CURRENT;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeInt(format);
            out.writeUTF(mappingKind);
            out.writeDouble(relativeAccuracy);
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
                throws IOException {
            if (readVersion == UNVERSIONED) {
                format = VERSION;
                mappingKind = LOGARITHMIC;
                relativeAccuracy = UNVERSIONED_ACCURACY;
                return;
            }
            if (readVersion != CURRENT) {
                throw new IOException(
                        "MetricAccumulator state: unknown serializer snapshot version "
                                + readVersion
                                + " (this build reads "
                                + UNVERSIONED
                                + " and "
                                + CURRENT
                                + ")");
            }
            format = in.readInt();
            mappingKind = in.readUTF();
            relativeAccuracy = in.readDouble();
            if (format < VERSION || format > FORMAT || !LOGARITHMIC.equals(mappingKind)) {
                throw new IOException(
                        "MetricAccumulator state was written in format "
                                + format
                                + " with a "
                                + mappingKind
                                + " mapping; this build reads formats "
                                + VERSION
                                + " to "
                                + FORMAT
                                + " with a "
                                + LOGARITHMIC
                                + " mapping (restore with the release that wrote it)");
            }
            if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) {
                throw new IOException(
                        "MetricAccumulator state: invalid relative accuracy " + relativeAccuracy);
            }
        }

        /** A serializer that reads the bytes as they were written, with their own accuracy. */
        @Override
        public TypeSerializer<MetricAccumulator> restoreSerializer() {
            return relativeAccuracy == INSTANCE.relativeAccuracy
                    ? INSTANCE
                    : new MetricAccumulatorSerializer(relativeAccuracy);
        }

        /** Called on the new serializer's snapshot with the one read from the checkpoint. */
        @Override
        public TypeSerializerSchemaCompatibility<MetricAccumulator> resolveSchemaCompatibility(
                TypeSerializerSnapshot<MetricAccumulator> oldSnapshot) {
            // Records carry their own format version: this build reads every older one as is.
            if (!(oldSnapshot instanceof Snapshot old)
                    || old.format > format
                    || !mappingKind.equals(old.mappingKind)) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            if (Double.compare(old.relativeAccuracy, relativeAccuracy) == 0) {
                return TypeSerializerSchemaCompatibility.compatibleAsIs();
            }
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
    }
}
