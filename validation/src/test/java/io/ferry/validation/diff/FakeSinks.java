package io.ferry.validation.diff;

import io.ferry.core.config.Option;
import io.ferry.core.config.OptionTypes;
import io.ferry.core.config.Secret;
import io.ferry.core.event.Row;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.spi.KeyRange;
import io.ferry.core.spi.RowReader;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.core.spi.SinkContext;
import io.ferry.core.spi.SinkFactories;
import io.ferry.core.spi.SinkFactory;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * In-memory stand-ins for a source database and targets, registered under their own class loader so that only they
 * are found: {@code postgres} (reads the source tables of {@link #SOURCE}), {@code memory} (a target that reads rows
 * back from {@link #TARGETS}), {@code mongodb} (the same, for millisecond comparison) and {@code blind} (a target that
 * cannot). Tests reset the maps.
 */
public final class FakeSinks {

    /** Source rows by {@code namespace.table}. */
    public static final Map<String, List<Row>> SOURCE = new ConcurrentHashMap<>();
    /** Target rows by {@code sink/table}. */
    public static final Map<String, List<Row>> TARGETS = new ConcurrentHashMap<>();
    /** How many fake sinks are open. */
    public static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();

    private FakeSinks() {
    }

    /** Only the fakes: a class loader whose service file lists them and nothing else. */
    public static SinkFactories factories() {
        try {
            Path services = Files.createTempFile("ferry-fake-sinks", ".txt");
            services.toFile().deleteOnExit();
            Files.writeString(services, String.join("\n", FakeSource.class.getName(), Memory.class.getName(),
                    MongoLike.class.getName(), Blind.class.getName()) + "\n");
            URL url = services.toUri().toURL();
            ClassLoader loader = new ClassLoader(FakeSinks.class.getClassLoader()) {
                @Override
                public Enumeration<URL> getResources(String name) throws IOException {
                    return name.equals("META-INF/services/" + SinkFactory.class.getName()) ? Collections.enumeration(List.of(url))
                            : super.getResources(name);
                }
            };
            return SinkFactories.load(loader);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The source reader: the JDBC sinks' options, rows from {@link #SOURCE} under {@code schema.table}. */
    public static final class FakeSource implements SinkFactory {
        static final Option<String> URL = Option.required("url", OptionTypes.string(), "url");
        static final Option<String> USER = Option.optional("user", OptionTypes.string(), "user");
        static final Option<Secret> PASSWORD = Option.optional("password", OptionTypes.secret(), "password");
        static final Option<String> SCHEMA = Option.optional("schema", OptionTypes.string(), "schema");
        static final Option<Boolean> CREATE_TABLES = Option.withDefault("create_tables", OptionTypes.bool(), true, "create");

        @Override
        public String identifier() {
            return "postgres";
        }

        @Override
        public String description() {
            return "fake source";
        }

        @Override
        public List<Option<?>> options() {
            return List.of(URL, USER, PASSWORD, SCHEMA, CREATE_TABLES);
        }

        @Override
        public Sink create(SinkContext context) {
            String schema = context.options().find(SCHEMA).orElseThrow();
            return new Reading(table -> SOURCE.getOrDefault(schema + "." + table, List.of()),
                    table -> SOURCE.containsKey(schema + "." + table));
        }
    }

    /** A target that reads back {@link #TARGETS}. */
    public static class Memory implements SinkFactory {
        @Override
        public String identifier() {
            return "memory";
        }

        @Override
        public String description() {
            return "in-memory target";
        }

        @Override
        public List<Option<?>> options() {
            return List.of();
        }

        @Override
        public Sink create(SinkContext context) {
            return new Reading(table -> TARGETS.getOrDefault(context.sinkName() + "/" + table, List.of()), table -> true);
        }
    }

    /** The same, posing as MongoDB: the validator compares its timestamps at milliseconds. */
    public static final class MongoLike extends Memory {
        @Override
        public String identifier() {
            return "mongodb";
        }
    }

    /** A target that cannot read rows back. */
    public static final class Blind implements SinkFactory {
        @Override
        public String identifier() {
            return "blind";
        }

        @Override
        public String description() {
            return "write-only target";
        }

        @Override
        public List<Option<?>> options() {
            return List.of();
        }

        @Override
        public Sink create(SinkContext context) {
            OPEN.incrementAndGet();
            return new Sink() {
                @Override
                public void write(List<TargetEvent> batch) {
                }

                @Override
                public void close() {
                    OPEN.decrementAndGet();
                }
            };
        }
    }

    private static final class Reading implements Sink, RowReader {
        private final java.util.function.Function<String, List<Row>> rows;
        private final java.util.function.Predicate<String> tables;

        Reading(java.util.function.Function<String, List<Row>> rows, java.util.function.Predicate<String> tables) {
            this.rows = rows;
            this.tables = tables;
            OPEN.incrementAndGet();
        }

        @Override
        public void read(String table, KeyRange range, Consumer<Row> out) throws SinkWriteException {
            if (!tables.test(table)) {
                // as a database does: reading a table it does not have fails
                throw SinkWriteException.transientFailure("relation " + table + " does not exist", null);
            }
            new ArrayList<>(rows.apply(table)).forEach(out);
        }

        @Override
        public boolean exists(String table) {
            return tables.test(table);
        }

        @Override
        public boolean hasRows(String table) throws SinkWriteException {
            if (!tables.test(table)) {
                throw SinkWriteException.transientFailure("relation " + table + " does not exist", null);
            }
            return !rows.apply(table).isEmpty();
        }

        @Override
        public void write(List<TargetEvent> batch) {
        }

        @Override
        public void close() {
            OPEN.decrementAndGet();
        }
    }
}
