package io.ferry.core.config;

import java.time.Duration;
import java.util.Map;

/** The {@code validation} section. */
public record ValidationSettings(Duration lagThreshold, Duration stableFor, Duration maxValidationAge, Duration lagInterval,
        Duration warnLag, Duration criticalLag, int segmentRows, Duration interval, boolean continuous, Map<String, String> tolerances,
        boolean pushDown) {

    static ValidationSettings from(ConfigValues v) {
        return new ValidationSettings(v.get(PipelineOptions.LAG_THRESHOLD), v.get(PipelineOptions.STABLE_FOR),
                v.get(PipelineOptions.MAX_VALIDATION_AGE), v.get(PipelineOptions.LAG_INTERVAL), v.get(PipelineOptions.WARN_LAG),
                v.get(PipelineOptions.CRITICAL_LAG), v.get(PipelineOptions.SEGMENT_ROWS), v.get(PipelineOptions.VALIDATION_INTERVAL),
                v.get(PipelineOptions.CONTINUOUS), v.get(PipelineOptions.TOLERANCES), v.get(PipelineOptions.PUSH_DOWN));
    }
}
