package io.streamwatch.alerts;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Named by the {@code @TypeInfo} annotation on {@link Observation}, so that Flink's type extraction
 * (the output of {@link Observations}' map functions) finds {@link ObservationTypeInfo} and its
 * compact serializer instead of the POJO serializer.
 */
public final class ObservationTypeInfoFactory extends TypeInfoFactory<Observation> {

    @Override
    public TypeInformation<Observation> createTypeInfo(
            Type type, Map<String, TypeInformation<?>> genericParameters) {
        return ObservationTypeInfo.INSTANCE;
    }
}
