package io.ferry.core.config;

/**
 * The {@code transform} section: how mappings run.
 *
 * @param direct one-table mappings of a PostgreSQL source skip the transform stage
 * @param bulkCopy the sinks copy the tables only direct mappings read, instead of Debezium's snapshot
 */
public record TransformSettings(boolean direct, boolean bulkCopy) {

    static TransformSettings from(ConfigValues v) {
        return new TransformSettings(v.get(PipelineOptions.TRANSFORM_DIRECT), v.get(PipelineOptions.TRANSFORM_BULK_COPY));
    }
}
