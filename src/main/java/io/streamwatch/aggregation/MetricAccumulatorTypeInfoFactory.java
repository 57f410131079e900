package io.streamwatch.aggregation;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Named by the {@code @TypeInfo} annotation on {@link MetricAccumulator}, so that Flink's type
 * extraction (for instance of a window's {@code AggregateFunction} accumulator) finds {@link
 * MetricAccumulatorTypeInfo} instead of falling back to Kryo.
 */
public final class MetricAccumulatorTypeInfoFactory extends TypeInfoFactory<MetricAccumulator> {

    @Override
    public TypeInformation<MetricAccumulator> createTypeInfo(
            Type type, Map<String, TypeInformation<?>> genericParameters) {
        return MetricAccumulatorTypeInfo.INSTANCE;
    }
}
