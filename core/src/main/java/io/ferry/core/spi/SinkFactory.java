package io.ferry.core.spi;

import io.ferry.core.config.Option;
import java.util.List;

/**
 * Makes sinks of one kind. Found through {@link java.util.ServiceLoader}; must have a public no-argument
 * constructor and be stateless. Its {@link #options()} are bound from the sink's entry in the pipeline
 * file by the same binder as the core sections, so their errors read the same.
 */
public interface SinkFactory {

    /** The {@code type} users write in the pipeline file: {@code postgres}, {@code mysql}, {@code mariadb}, {@code cassandra}, {@code mongodb}. */
    String identifier();

    /** One line for the options reference. */
    String description();

    /**
     * Whether its sinks apply {@code patch} events (a nested document's element set or removed in place, a document
     * target). Transform sends a sink that does not the whole row instead, nested columns included.
     */
    default boolean takesPatches() {
        return false;
    }

    /** Every option this sink takes, besides {@code name} and {@code type}. */
    List<Option<?>> options();

    /**
     * Makes a sink; called once per sink and process, before any write. It may connect to the target
     * and fail with a message naming the option to fix.
     */
    Sink create(SinkContext context);
}
