package io.streamwatch.alerts;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information of {@link Observation}. It exists to hand Flink {@link
 * ObservationSerializer}, which costs a fraction of the POJO serializer's CPU in the shuffle to the
 * rule evaluator.
 */
public final class ObservationTypeInfo extends TypeInformation<Observation> {

    private static final long serialVersionUID = 1L;

    /** Stateless, so one instance serves all. */
    public static final ObservationTypeInfo INSTANCE = new ObservationTypeInfo();

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
    public Class<Observation> getTypeClass() {
        return Observation.class;
    }

    /** Not a key: it has no meaningful equality or hash (the evaluator is keyed by a string). */
    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<Observation> createSerializer(SerializerConfig config) {
        return ObservationSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "Observation";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof ObservationTypeInfo;
    }

    @Override
    public int hashCode() {
        return ObservationTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof ObservationTypeInfo;
    }
}
