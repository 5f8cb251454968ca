package io.ferry.validation.diff;

import io.ferry.core.config.SinkSettings;
import io.ferry.core.spi.RowReader;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkFactories;
import io.ferry.core.spi.TargetTable;
import io.ferry.sinks.runtime.RuntimeSinkContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's sinks, made by their factories with their own options the first time a table of theirs is read
 * back, and closed together. A sink that cannot read rows back ({@link RowReader} is optional) is closed at once.
 * Not thread-safe.
 */
final class TargetSinks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TargetSinks.class);

    private final String pipeline;
    private final Map<String, SinkSettings> settings = new HashMap<>();
    private final Map<String, Map<String, TargetTable>> targets;
    private final SinkFactories factories;
    private final Map<String, Sink> open = new HashMap<>();

    TargetSinks(String pipeline, List<SinkSettings> sinks, Map<String, Map<String, TargetTable>> targets, SinkFactories factories) {
        this.pipeline = pipeline;
        sinks.forEach(s -> settings.put(s.name(), s));
        this.targets = targets;
        this.factories = factories;
    }

    /** The sink's type ({@code postgres}, {@code cassandra}, ...), or empty for a sink the pipeline does not declare. */
    Optional<String> type(String sink) {
        return Optional.ofNullable(settings.get(sink)).map(SinkSettings::type);
    }

    /** The sink's settings from the pipeline file, or empty for a sink the pipeline does not declare. */
    Optional<SinkSettings> settings(String sink) {
        return Optional.ofNullable(settings.get(sink));
    }

    /**
     * The sink's reader, or empty when the sink cannot read rows back.
     *
     * @throws RuntimeException when the sink cannot be made (target unreachable, bad options)
     */
    Optional<RowReader> reader(String sink) {
        Sink s = open.get(sink);
        if (s == null && !open.containsKey(sink)) {
            SinkSettings config = settings.get(sink);
            if (config == null) {
                throw new IllegalStateException("the pipeline declares no sink '" + sink + "'");
            }
            Sink made = factories.require(config.type()).create(new RuntimeSinkContext(pipeline, sink, config.options(),
                    () -> targets.getOrDefault(sink, Map.of())));
            if (made instanceof RowReader) {
                s = made;
            } else {
                made.close();
            }
            open.put(sink, s);
        }
        return s instanceof RowReader r ? Optional.of(r) : Optional.empty();
    }

    @Override
    public void close() {
        closeAll(open.values());
        open.clear();
    }

    /** Closes every sink (nulls skipped); a sink that fails to close is logged, not thrown: the comparison is done. */
    static void closeAll(Iterable<Sink> sinks) {
        for (Sink s : sinks) {
            try {
                if (s != null) {
                    s.close();
                }
            } catch (RuntimeException e) {
                log.warn("closing a sink after validation failed: {}", e.toString());
            }
        }
    }
}
