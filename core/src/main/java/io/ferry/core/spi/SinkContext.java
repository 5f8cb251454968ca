package io.ferry.core.spi;

import io.ferry.core.config.ConfigValues;

/** What a factory gets to make one sink. */
public interface SinkContext {

    String pipeline();

    /** The sink's name from the pipeline file. */
    String sinkName();

    /** The sink's options, bound and checked; read them with the factory's own {@code Option} constants. */
    ConfigValues options();
}
