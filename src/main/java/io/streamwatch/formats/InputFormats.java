package io.streamwatch.formats;

import io.streamwatch.config.LimitsConfig;
import io.streamwatch.config.PipelineConfig;

/** Picks the {@link InputFormat} for a pipeline's {@code format} setting. */
public final class InputFormats {
    private InputFormats() {}

    /**
     * @throws IllegalArgumentException for a format this build does not read
     */
    public static InputFormat create(PipelineConfig pipeline, LimitsConfig limits) {
        FieldMapping preset = FieldMapping.preset(pipeline.format());
        if (preset == null) {
            throw new IllegalArgumentException(
                    "pipeline '"
                            + pipeline.name()
                            + "': format '"
                            + pipeline.format()
                            + "' is not supported by this version (supported: streamwatch, ecs)");
        }
        return new MappedJsonFormat(
                pipeline.kind(),
                preset.withOverrides(pipeline.fields()),
                pipeline.groupBy(),
                limits);
    }
}
