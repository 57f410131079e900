package io.streamwatch.alerts;

import io.streamwatch.records.PatternCount;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink serializer of {@link Observation}, for the shuffle from the window tasks to the rule
 * evaluator. It exists because Flink's POJO serializer (a reflective field walk, a nullable wrapper
 * and a map serializer per map, every field name of {@code numbers} written out) cost as much CPU
 * per aggregate, on the two sides of the shuffle together, as evaluating the rules.
 *
 * <p>Observations are never kept in state (the evaluator keeps {@link AlertState}s), so the format
 * is free to change between versions; the class names are still written into checkpoints as the
 * network type's serializer, so renaming them breaks nothing but is best avoided. Format:
 *
 * <pre>
 * string   pipeline, group key, metric name (each nullable, Flink's StringValue encoding)
 * long     window start, window end
 * int      size of group (-1: null), then per entry: string key, string value
 * int      size of numbers (-1: null), then per entry:
 *            byte   index of the name in NAMES, or -1 followed by the name as a string;
 *                   plus 0x40 when the value is null (no double follows)
 *            double value
 * int      number of patterns (-1: null), then per pattern: byte 0 for null, or 1 followed by
 *            string pattern id, string pattern, long count, string example
 * </pre>
 *
 * Names of numbers from {@link #NAMES} are read back as those very strings, whose hash codes are
 * computed once: the evaluator's variable map hashes each of them per aggregate.
 */
public final class ObservationSerializer extends TypeSerializerSingleton<Observation> {
    private static final long serialVersionUID = 1L;

    /** Stateless, so one instance serves all. */
    public static final ObservationSerializer INSTANCE = new ObservationSerializer();

    /** The numeric field names {@link Observations} writes; any other name is written out. */
    static final String[] NAMES = {
        "total",
        "error_ratio",
        "trace",
        "debug",
        "info",
        "warn",
        "error",
        "fatal",
        "count",
        "sum",
        "min",
        "max",
        "mean",
        "p50",
        "p90",
        "p95",
        "p99"
    };

    private static final Map<String, Integer> INDEX = new HashMap<>();

    static {
        for (int i = 0; i < NAMES.length; i++) {
            INDEX.put(NAMES[i], i);
        }
    }

    private static final int NULL_VALUE = 0x40;
    private static final int NAME_WRITTEN = 0x3f;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Observation createInstance() {
        return new Observation();
    }

    @Override
    public Observation copy(Observation from) {
        Observation o = new Observation();
        o.pipeline = from.pipeline;
        o.groupKey = from.groupKey;
        o.name = from.name;
        o.group = from.group == null ? null : new HashMap<>(from.group);
        o.windowStart = from.windowStart;
        o.windowEnd = from.windowEnd;
        o.numbers = from.numbers == null ? null : new HashMap<>(from.numbers);
        if (from.patterns != null) {
            o.patterns = new ArrayList<>(from.patterns.size());
            for (PatternCount p : from.patterns) {
                o.patterns.add(
                        p == null
                                ? null
                                : new PatternCount(p.patternId, p.pattern, p.count, p.example));
            }
        }
        return o;
    }

    @Override
    public Observation copy(Observation from, Observation reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Observation o, DataOutputView out) throws IOException {
        StringValue.writeString(o.pipeline, out);
        StringValue.writeString(o.groupKey, out);
        StringValue.writeString(o.name, out);
        out.writeLong(o.windowStart);
        out.writeLong(o.windowEnd);
        if (o.group == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(o.group.size());
            for (Map.Entry<String, String> e : o.group.entrySet()) {
                StringValue.writeString(e.getKey(), out);
                StringValue.writeString(e.getValue(), out);
            }
        }
        if (o.numbers == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(o.numbers.size());
            for (Map.Entry<String, Double> e : o.numbers.entrySet()) {
                Integer index = INDEX.get(e.getKey());
                int code = index == null ? NAME_WRITTEN : index;
                Double value = e.getValue();
                out.writeByte(value == null ? code | NULL_VALUE : code);
                if (index == null) {
                    StringValue.writeString(e.getKey(), out);
                }
                if (value != null) {
                    out.writeDouble(value);
                }
            }
        }
        if (o.patterns == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(o.patterns.size());
            for (PatternCount p : o.patterns) {
                if (p == null) {
                    out.writeByte(0);
                    continue;
                }
                out.writeByte(1);
                StringValue.writeString(p.patternId, out);
                StringValue.writeString(p.pattern, out);
                out.writeLong(p.count);
                StringValue.writeString(p.example, out);
            }
        }
    }

    @Override
    public Observation deserialize(DataInputView in) throws IOException {
        Observation o = new Observation();
        o.pipeline = StringValue.readString(in);
        o.groupKey = StringValue.readString(in);
        o.name = StringValue.readString(in);
        o.windowStart = in.readLong();
        o.windowEnd = in.readLong();
        int groups = in.readInt();
        if (groups >= 0) {
            o.group = new HashMap<>(capacity(groups));
            for (int i = 0; i < groups; i++) {
                o.group.put(StringValue.readString(in), StringValue.readString(in));
            }
        }
        int numbers = in.readInt();
        if (numbers >= 0) {
            o.numbers = new HashMap<>(capacity(numbers));
            for (int i = 0; i < numbers; i++) {
                int code = in.readUnsignedByte();
                int index = code & NAME_WRITTEN;
                String name = index == NAME_WRITTEN ? StringValue.readString(in) : NAMES[index];
                o.numbers.put(name, (code & NULL_VALUE) != 0 ? null : in.readDouble());
            }
        }
        int patterns = in.readInt();
        if (patterns >= 0) {
            o.patterns = new ArrayList<>(patterns);
            for (int i = 0; i < patterns; i++) {
                if (in.readByte() == 0) {
                    o.patterns.add(null);
                    continue;
                }
                PatternCount p = new PatternCount();
                p.patternId = StringValue.readString(in);
                p.pattern = StringValue.readString(in);
                p.count = in.readLong();
                p.example = StringValue.readString(in);
                o.patterns.add(p);
            }
        }
        return o;
    }

    @Override
    public Observation deserialize(Observation reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        // Rare (Flink copies raw records only in a few code paths); correctness over speed.
        serialize(deserialize(source), target);
    }

    /** A HashMap capacity that holds {@code n} entries without resizing. */
    private static int capacity(int n) {
        return n * 4 / 3 + 1;
    }

    @Override
    public TypeSerializerSnapshot<Observation> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer is stateless: its snapshot only names it. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Observation> {
        /** Flink instantiates snapshots reflectively when it reads a checkpoint. */
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
