package io.ferry.core.config;

import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkContext;
import io.ferry.core.spi.SinkFactory;
import java.time.Duration;
import java.util.List;

/** A sink type that exists only so the loader's handling of factory options can be tested; it never writes. */
public final class FixtureSinkFactory implements SinkFactory {

    static final Option<String> URL = Option.required("url", OptionTypes.string(), "Where the fixture would write.");
    static final Option<DataSize> BATCH_SIZE = Option.withDefault("batch_size", OptionTypes.size(), DataSize.parse("1MiB"),
            "Bytes per batch.");
    static final Option<Duration> FLUSH = Option.withDefault("flush", OptionTypes.duration(), Duration.ofSeconds(1),
            "Longest wait before a partial batch is written.");
    static final Option<Secret> TOKEN = Option.optional("token", OptionTypes.secret(), "Access token.");

    @Override
    public String identifier() {
        return "fixture";
    }

    @Override
    public String description() {
        return "A test fixture.";
    }

    @Override
    public List<Option<?>> options() {
        return List.of(URL, BATCH_SIZE, FLUSH, TOKEN);
    }

    @Override
    public Sink create(SinkContext context) {
        throw new UnsupportedOperationException("the fixture sink only exists for config tests");
    }
}
