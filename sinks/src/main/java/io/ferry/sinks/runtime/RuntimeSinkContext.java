package io.ferry.sinks.runtime;

import io.ferry.core.config.ConfigValues;
import io.ferry.core.spi.SinkContext;
import io.ferry.core.spi.TargetTable;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/** The context the runtime gives a factory; the target tables come from the mapping and may change. */
public record RuntimeSinkContext(String pipeline, String sinkName, ConfigValues options, Supplier<Map<String, TargetTable>> tables)
        implements SinkContext {

    public RuntimeSinkContext {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(sinkName, "sinkName");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(tables, "tables");
    }

    @Override
    public Map<String, TargetTable> targetTables() {
        return tables.get();
    }
}
