package io.ferry.e2e;

import io.ferry.devstack.DevService;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * One supported migration as the end-to-end run drives it: its source data and workload, its example pipeline
 * pointed at devstack, and the independent check (source and target read with plain drivers, the mapping applied
 * in test code).
 */
interface Migration {

    /** The example in {@code config/}, without {@code .yaml}. */
    String example();

    /** Drops what a previous run left (source and target) and seeds the source: {@code scale} × the base data set. */
    void prepare(int scale) throws Exception;

    /** Points the example at devstack's servers; the run has already set data_dir, Kafka and the status server. */
    void configure(PipelineFile file);

    Connection connectSource() throws SQLException;

    /** One random source transaction of the concurrent writer. */
    void transaction(Connection c, Random random) throws SQLException;

    /** The schema change made while the pipeline runs: a column added to a source table; later transactions fill it. */
    void addColumn(Connection c) throws SQLException;

    /**
     * A {@code TRUNCATE} of a source table, made once while the writer runs; true when the migration makes one (its
     * mappings run behind the transform stage, where a truncate reaches the targets).
     */
    default boolean truncate(Connection c) throws SQLException {
        return false;
    }

    /** The target server(s) the run restarts (when the crash steps run). */
    List<DevService> targets();

    /** A change the pipeline must dead-letter, with what its reason says, and how an operator then repairs the row. */
    default Optional<Poison> poison() {
        return Optional.empty();
    }

    interface Poison {
        void write(Connection c) throws SQLException;

        /** Text the dead letter's reason or error must contain. */
        String expectedReason();

        void repair(Connection c) throws SQLException;
    }

    /** Per target table, its rows as the mapping defines them, computed from the source in test code; sorted. */
    Map<String, List<String>> expected() throws Exception;

    /** Per target table, its rows as read from the target; same rendering as {@link #expected()}. */
    Map<String, List<String>> actual() throws Exception;
}
