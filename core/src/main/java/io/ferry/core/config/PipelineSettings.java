package io.ferry.core.config;

import java.nio.file.Path;

/** The {@code pipeline} section. */
public record PipelineSettings(String name, Path dataDir) {

    static PipelineSettings from(ConfigValues v) {
        return new PipelineSettings(v.find(PipelineOptions.NAME).orElse("invalid"), v.get(PipelineOptions.DATA_DIR));
    }
}
