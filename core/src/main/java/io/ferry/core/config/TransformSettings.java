package io.ferry.core.config;

/** The {@code transform} section: how mappings run. */
public record TransformSettings(boolean direct) {

    static TransformSettings from(ConfigValues v) {
        return new TransformSettings(v.get(PipelineOptions.TRANSFORM_DIRECT));
    }
}
