package io.ferry.core.config;

import java.util.Optional;

/** The {@code http} section: the status server. */
public record HttpSettings(boolean enabled, String bind, int port, Optional<Secret> token) {

    static HttpSettings from(ConfigValues v) {
        return new HttpSettings(v.get(PipelineOptions.HTTP_ENABLED), v.get(PipelineOptions.HTTP_BIND), v.get(PipelineOptions.HTTP_PORT),
                v.find(PipelineOptions.HTTP_TOKEN));
    }
}
