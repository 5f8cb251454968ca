package io.ferry.transform;

import io.ferry.core.config.Option;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkContext;
import io.ferry.core.spi.SinkFactory;
import java.util.List;

/**
 * A sink type for pipeline files in transform's tests, which never start a sink: {@code test} takes patches (a document
 * target), {@link Rows} ({@code test-rows}) does not (a relational or Cassandra target).
 */
public class TestSinkFactory implements SinkFactory {

    /** A target that takes no patches: transform sends it whole rows. */
    public static final class Rows extends TestSinkFactory {

        @Override
        public String identifier() {
            return "test-rows";
        }

        @Override
        public boolean takesPatches() {
            return false;
        }
    }

    @Override
    public String identifier() {
        return "test";
    }

    @Override
    public boolean takesPatches() {
        return true;
    }

    @Override
    public String description() {
        return "a sink that transform tests name but never start";
    }

    @Override
    public List<Option<?>> options() {
        return List.of();
    }

    @Override
    public Sink create(SinkContext context) {
        throw new UnsupportedOperationException("transform tests do not write to sinks");
    }
}
