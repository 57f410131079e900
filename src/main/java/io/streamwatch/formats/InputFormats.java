package io.streamwatch.formats;

import io.streamwatch.config.LimitsConfig;
import io.streamwatch.config.PipelineConfig;
import io.streamwatch.config.PipelineKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Picks the {@link InputFormat} for a pipeline's {@code format} setting. */
public final class InputFormats {
    /** The formats this build reads. */
    public static final List<String> NAMES = List.of("streamwatch", "ecs", "otel", "telegraf");

    /** OTLP's semantic conventions for the two group fields every pipeline knows. */
    private static final Map<String, String> OTEL_ATTRIBUTES =
            Map.of("service", "service.name", "host", "host.name");

    private InputFormats() {}

    /**
     * @throws IllegalArgumentException for a format this build does not read
     */
    public static InputFormat create(PipelineConfig pipeline, LimitsConfig limits) {
        String format = pipeline.format().toLowerCase(Locale.ROOT);
        switch (format) {
            case "otel":
                return new OtelFormat(
                        pipeline.kind(),
                        pipeline.groupBy(),
                        groupKeys(pipeline, OTEL_ATTRIBUTES),
                        limits);
            case "telegraf":
                if (pipeline.kind() != PipelineKind.METRICS) {
                    throw new IllegalArgumentException(
                            "pipeline '" + pipeline.name() + "': telegraf is a metrics format");
                }
                return new TelegrafFormat(
                        pipeline.groupBy(), groupKeys(pipeline, Map.of()), limits);
            default:
                FieldMapping preset = FieldMapping.preset(format);
                if (preset == null) {
                    throw new IllegalArgumentException(
                            "pipeline '"
                                    + pipeline.name()
                                    + "': format '"
                                    + pipeline.format()
                                    + "' is not supported (supported: "
                                    + String.join(", ", NAMES)
                                    + ")");
                }
                return new MappedJsonFormat(
                        pipeline.kind(),
                        preset.withOverrides(pipeline.fields()),
                        pipeline.groupBy(),
                        limits);
        }
    }

    /**
     * The attribute or tag key of each group_by name: the pipeline's {@code fields} entry if any,
     * else the format's convention, else the name itself.
     */
    private static List<String> groupKeys(PipelineConfig pipeline, Map<String, String> defaults) {
        Map<String, String> fields = pipeline.fields() == null ? Map.of() : pipeline.fields();
        List<String> keys = new ArrayList<>();
        for (String g : pipeline.groupBy()) {
            keys.add(fields.getOrDefault(g, defaults.getOrDefault(g, g)));
        }
        return keys;
    }
}
