package io.streamwatch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamwatch.records.MetricPoint;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.junit.jupiter.api.Test;

/** Flink finds {@link MetricAccumulatorTypeInfo} wherever it meets the accumulator: no Kryo. */
class MetricAccumulatorTypeInfoTest {

    @Test
    void typeInformationOfTheClassIsOurs() {
        TypeInformation<MetricAccumulator> info = TypeInformation.of(MetricAccumulator.class);

        assertThat(info).isInstanceOf(MetricAccumulatorTypeInfo.class);
        assertThat(info).isNotInstanceOf(GenericTypeInfo.class);
        assertThat(info.getTypeClass()).isEqualTo(MetricAccumulator.class);
    }

    @Test
    void createsOurSerializerEvenWithGenericTypesDisabled() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);

        assertThat(TypeInformation.of(MetricAccumulator.class).createSerializer(config))
                .isSameAs(MetricAccumulatorSerializer.INSTANCE);
    }

    /** What a window's {@code aggregate(...)} does to find the state type and the output type. */
    @Test
    void aggregateFunctionTypesAreOurs() {
        MetricAggregateFunction function = new MetricAggregateFunction();
        TypeInformation<MetricPoint> in = TypeInformation.of(MetricPoint.class);

        assertThat(TypeExtractor.getAggregateFunctionAccumulatorType(function, in, null, false))
                .isEqualTo(MetricAccumulatorTypeInfo.INSTANCE);
        assertThat(TypeExtractor.getAggregateFunctionReturnType(function, in, null, false))
                .isEqualTo(MetricAccumulatorTypeInfo.INSTANCE);
    }

    @Test
    void typeInfoIsAValueAndSerializable() throws Exception {
        MetricAccumulatorTypeInfo info = MetricAccumulatorTypeInfo.INSTANCE;
        byte[] bytes = org.apache.flink.util.InstantiationUtil.serializeObject(info);
        Object copy =
                org.apache.flink.util.InstantiationUtil.deserializeObject(
                        bytes, getClass().getClassLoader());

        assertThat(copy).isEqualTo(info).hasSameHashCodeAs(info);
        assertThat(info.isKeyType()).isFalse();
        assertThat(info.toString()).isEqualTo("MetricAccumulator");
    }
}
