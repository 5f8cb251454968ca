package io.ferry.sinks.runtime;

import io.ferry.core.topic.DeadLetter;
import java.util.Optional;
import java.util.Set;

/**
 * Copies the tables of direct mappings into one sink in bulk ({@code transform.bulk_copy}), instead of their snapshot
 * coming through the change topics. Implemented where the mappings and the source are known; the {@link SinkRunner}
 * decides when: it notes where each change topic ends, copies, and only then applies the changes from there on.
 */
public interface BulkCopy {

    /** The change topics whose table is copied before their changes are applied. */
    Set<String> topics();

    /**
     * Copies the table of this change topic: reads it whole in one statement (one consistent view of the source), maps
     * each row, writes them all. Rows that do not map, or that the sink can never write, go to {@link Progress#rejected}.
     *
     * @throws InterruptedException when {@link Progress#cancelled()} turned true before the end
     * @throws IllegalStateException when the sink cannot work as configured (the runner stops)
     * @throws RuntimeException for anything else; the runner copies again after a pause
     */
    void copy(String topic, Progress progress) throws InterruptedException;

    /**
     * Empty when a copy may begin now, else what it waits for ("capture's offsets to ..."), shown in the status. The
     * runner asks before every copy it begins (a first one or one that starts again), at most once a second per table,
     * from its polling thread: it must answer at once.
     */
    default Optional<String> waitingFor() {
        return Optional.empty();
    }

    /** Called once when the runner stops: ends whatever {@link #waitingFor} started. */
    default void close() {
    }

    /** What a copy reports to the runner; called from the copy's thread. */
    interface Progress {

        /** True once the copy should stop: the runner lost the topic's first partition, or is closing. */
        boolean cancelled();

        /** Rows written so far. */
        void copied(long rows);

        /** What the copy is doing, for the status ("waiting for the schema of ..."). */
        void status(String text);

        /** A row that cannot be copied: it goes to the dead-letter topic before the copy counts as done. */
        void rejected(DeadLetter.Stage stage, String component, String reason, String error, byte[] key, byte[] value);
    }
}
