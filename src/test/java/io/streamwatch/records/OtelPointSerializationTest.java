package io.streamwatch.records;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * An {@link OtelPoint} travels where a {@link MetricPoint} does (the keyBy before the windows, the
 * late side output) and sits in the delta operator's state: both must be POJOs that Flink
 * serializes without Kryo, with generic types disabled as the job runs.
 */
class OtelPointSerializationTest {

    private static SerializerConfigImpl noGenericTypes() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        return config;
    }

    private static OtelPoint histogram() {
        OtelPoint o = new OtelPoint();
        o.key = "latency\u001fcheckout";
        o.name = "latency";
        o.timestamp = 1_800_000_000_000L;
        o.value = 12.5;
        o.topic = "metrics";
        o.partition = 2;
        o.offset = 77;
        o.kind = OtelPoint.HISTOGRAM;
        o.series = "abc";
        o.startTimeNanos = 1;
        o.timeNanos = 2;
        o.count = 4;
        o.sum = 50;
        o.min = 1;
        o.max = 30;
        o.lower = new double[] {0, 10};
        o.upper = new double[] {10, 100};
        o.counts = new long[] {3, 1};
        return o;
    }

    @Test
    void bothAreFlinkPojos() {
        assertThat(TypeInformation.of(OtelPoint.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(TypeInformation.of(MetricPoint.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void anOtelPointSurvivesTheMetricPointSerializerWithoutKryo() throws Exception {
        TypeSerializer<MetricPoint> serializer =
                TypeInformation.of(MetricPoint.class).createSerializer(noGenericTypes());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(histogram(), out);
        serializer.serialize(new MetricPoint("k", "n", 5, 1.5), out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        MetricPoint first = serializer.deserialize(in);
        MetricPoint second = serializer.deserialize(in);
        assertThat(first).isInstanceOf(OtelPoint.class);
        assertThat(first).usingRecursiveComparison().isEqualTo(histogram());
        assertThat(second.getClass()).isEqualTo(MetricPoint.class);
        assertThat(second.value).isEqualTo(1.5);
    }
}
