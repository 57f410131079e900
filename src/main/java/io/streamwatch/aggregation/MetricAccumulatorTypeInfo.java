package io.streamwatch.aggregation;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information of {@link MetricAccumulator}. It exists to hand Flink {@link
 * MetricAccumulatorSerializer}: without it the accumulator (not a POJO: its sketch has no public
 * fields or setters) would be a generic type serialized by Kryo.
 */
public final class MetricAccumulatorTypeInfo extends TypeInformation<MetricAccumulator> {

    private static final long serialVersionUID = 1L;

    /** Stateless, so one instance serves all. */
    public static final MetricAccumulatorTypeInfo INSTANCE = new MetricAccumulatorTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<MetricAccumulator> getTypeClass() {
        return MetricAccumulator.class;
    }

    /** Not a key: it has no meaningful equality or hash. */
    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<MetricAccumulator> createSerializer(SerializerConfig config) {
        return MetricAccumulatorSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "MetricAccumulator";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof MetricAccumulatorTypeInfo;
    }

    @Override
    public int hashCode() {
        return MetricAccumulatorTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof MetricAccumulatorTypeInfo;
    }
}
