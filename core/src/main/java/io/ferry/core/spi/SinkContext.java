package io.ferry.core.spi;

import io.ferry.core.config.ConfigValues;
import java.util.Map;

/** What a factory gets to make one sink. */
public interface SinkContext {

    String pipeline();

    /** The sink's name from the pipeline file. */
    String sinkName();

    /** The sink's options, bound and checked; read them with the factory's own {@code Option} constants. */
    ConfigValues options();

    /**
     * The target tables this sink writes, by name, as the mapping defines them: the column types a sink
     * needs to bind canonical values (canonical JSON alone does not say whether a string is text, a
     * timestamp or base64 bytes). The runtime replaces the map when the mapped schema changes; read it
     * per batch, not once.
     */
    Map<String, TargetTable> targetTables();
}
