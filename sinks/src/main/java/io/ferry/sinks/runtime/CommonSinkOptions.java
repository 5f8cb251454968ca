package io.ferry.sinks.runtime;

import io.ferry.core.config.Option;
import io.ferry.core.config.OptionTypes;
import io.ferry.core.spi.EvolutionPolicy;
import java.time.Duration;
import java.util.List;

/** Options every sink takes, handled by the runtime; each factory lists them with its own. */
public final class CommonSinkOptions {

    private CommonSinkOptions() {
    }

    public static final Option<Integer> BATCH_ROWS = Option.withDefault("batch_rows", OptionTypes.integer(1, 100_000), 2_000,
            "Most records written in one batch.");
    public static final Option<Duration> BATCH_LINGER = Option.withDefault("batch_linger", OptionTypes.duration(), Duration.ofMillis(50),
            "Longest a row waits for its batch to fill while rows keep arriving; a batch is written as soon as the stream pauses (the consumer has no more rows in hand), so batches grow with the load, not with waiting.");
    public static final Option<Duration> MAX_RETRY_BACKOFF = Option.withDefault("max_retry_backoff", OptionTypes.duration(),
            Duration.ofSeconds(30), "Transient write failures are retried with backoff doubling from 100ms up to this, without end.");
    public static final Option<Boolean> CREATE_TABLES = Option.withDefault("create_tables", OptionTypes.bool(), true,
            "Create missing target tables (collections) from the mapped schema.");
    public static final Option<EvolutionPolicy> EVOLUTION = Option.withDefault("evolution", OptionTypes.enumOf(EvolutionPolicy.class),
            EvolutionPolicy.EVOLVE, "When the mapped schema gains a column, or widens one (PostgreSQL, MySQL/MariaDB: more digits, a longer string, a"
                    + " larger integer): evolve (add it, widen the target column), ignore (do not write it, leave the column), fail"
                    + " (stop the sink).");

    public static final List<Option<?>> ALL = List.of(BATCH_ROWS, BATCH_LINGER, MAX_RETRY_BACKOFF, CREATE_TABLES, EVOLUTION);
}
