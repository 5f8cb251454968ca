package io.ferry.app.bench;

import java.util.Collection;
import java.util.Map;

/**
 * The target database of one run, as the benchmark sees it: a sink for Ferry's pipeline file, and readers that tell what
 * arrived. A table the contender has not made yet reads as empty, not as an error.
 */
interface BenchTarget extends AutoCloseable {

    /** Makes the target empty (dropping what an earlier run left); with {@code table}, the {@code bench} table too. */
    void create(boolean table) throws Exception;

    /** Ferry's entry in {@code sinks:}, indented for the pipeline file. */
    String sinkYaml();

    /** A reader for one thread; the benchmark opens one per watcher. */
    Reader reader() throws Exception;

    /** Drops the target database, keyspace or collection. */
    void drop() throws Exception;

    /** Closes what the target keeps open (driver sessions). */
    @Override
    void close();

    /** Looks at the target's {@code bench} table. */
    interface Reader extends AutoCloseable {

        /**
         * How many ids one look of {@link ExpectedNames} may ask for: what the target answers in a few tens of milliseconds,
         * so the benchmark's looks do not take the cores from the contender.
         */
        default int idsPerLook() {
            return 10_000;
        }

        /** The {@code name} of each of these rows that the target has, by id. */
        Map<Long, String> names(Collection<Long> ids) throws Exception;

        /**
         * As {@link #names}, for a look that follows one which found every row it asked for: the rows are likely there and
         * the contender likely done with them, so a target that reads a few keys per request may ask several requests at
         * once. By default the same as {@link #names}.
         */
        default Map<Long, String> namesLikelyThere(Collection<Long> ids) throws Exception {
            return names(ids);
        }

        @Override
        void close();
    }
}
