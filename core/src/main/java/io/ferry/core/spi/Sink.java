package io.ferry.core.spi;

import io.ferry.core.event.TargetEvent;
import java.util.List;

/**
 * Writes target events into one target database. The runtime calls {@link #write} from one thread at
 * a time per sink instance, with batches whose events are in topic order per key, and commits offsets
 * only after {@code write} returned.
 *
 * <p>Contract for every implementation:
 * <ul>
 *   <li>Idempotent: upserts by key, deletes by key (deleting a missing row is fine), patches by path;
 *       writing any batch twice leaves the same state.</li>
 *   <li>Returns only when the target has acknowledged every event of the batch.</li>
 *   <li>Batched: multi-row statements, driver batches or bulk writes, not a round trip per event.</li>
 *   <li>Markers ({@link TargetEvent.MarkerPassage}) are not written; the runtime records them.</li>
 * </ul>
 */
public interface Sink extends AutoCloseable {

    /**
     * @throws SinkWriteException retryable for transient trouble (connection lost, timeout, deadlock,
     *     unavailable), or naming the events that can never be written (constraint violation, value out
     *     of range), which the runtime sends to the dead-letter topic before writing the rest again
     * @throws IllegalStateException when the sink cannot work as configured (a missing table with
     *     table creation off, a column the evolution policy forbids); the runtime stops the sink
     */
    void write(List<TargetEvent> batch) throws SinkWriteException;

    /**
     * Whether the target's columns take the mapped types' bounds (a {@code numeric(10,2)}, a {@code varchar(20)}): then
     * a decimal or string wider than its column's type in the shape known is rounded or refused until the sink reads the
     * widened shape, and the runtime holds such a row until it has ({@code ShapeWait}; a larger integer is held for every
     * sink). SQL targets do; Cassandra's and MongoDB's decimals and strings take any such value. False unless a sink says so.
     */
    default boolean boundedByShape() {
        return false;
    }

    /** Releases connections; called once, after the last write. */
    @Override
    void close();
}
