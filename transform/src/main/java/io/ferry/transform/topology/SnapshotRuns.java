package io.ferry.transform.topology;

import io.ferry.core.event.TableId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A group's account of capture's snapshot runs, from the bounds capture writes into every partition of a table's
 * change topic (see {@link io.ferry.core.event.Marker}): which run each input is in (the rows it delivers belong to
 * it), which run each input has ended, and per table whether the run found rows from before it in state.
 *
 * <p>Why: a snapshot interrupted by a crash is read again in full by the next capture, which cannot tell what the
 * first run delivered. A row the source deleted in between is in neither run's reads nor in the log from the second
 * run's position on, so it would stay in the target for good. Once every input of a table has ended run N, the rows
 * of the table in state that run N did not write are such leftovers, and the processor deletes them as if the source
 * had. Kept in the group's marker store under reserved keys (a restarted task goes on from its last commit).
 */
final class SnapshotRuns {

    private final KeyValueStore<Bytes, byte[]> store;
    private final Map<String, Long> runs = new HashMap<>();

    SnapshotRuns(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** The run the input's rows belong to: the last one it started or ended, 0 before any. */
    long runOf(String input) {
        return runs.computeIfAbsent(input, i -> read(key("run", i)));
    }

    /**
     * A run starts on an input. The first input of a table to start it records whether state held rows of the table
     * before (only then can the run's end find leftovers).
     */
    void started(String input, TableId table, long run, BooleanSupplier tableHasRows) {
        enter(input, run);
        Bytes before = key("before", table.toString());
        byte[] b = store.get(before);
        if (b == null || ByteBuffer.wrap(b).getLong() != run) {
            store.put(before, ByteBuffer.allocate(9).putLong(run).put((byte) (tableHasRows.getAsBoolean() ? 1 : 0)).array());
        }
    }

    /**
     * A run ends on an input; returns whether that completes it for the table (every one of {@code inputs} ended it)
     * and no sweep was made for it yet.
     */
    boolean ended(String input, TableId table, long run, Collection<String> inputs) {
        enter(input, run);
        store.put(key("end", input), longBytes(run));
        for (String i : inputs) {
            if (read(key("end", i)) != run) {
                return false;
            }
        }
        return read(key("swept", table.toString())) != run;
    }

    /**
     * Whether the table may hold rows the run did not read: it held rows when the run started on it, or the run never
     * started on it (capture found it empty) and it holds rows now.
     */
    boolean mayHoldLeftovers(TableId table, long run, BooleanSupplier tableHasRows) {
        byte[] b = store.get(key("before", table.toString()));
        if (b != null && ByteBuffer.wrap(b).getLong() == run) {
            return b[8] == 1;
        }
        return tableHasRows.getAsBoolean();
    }

    void swept(TableId table, long run) {
        store.put(key("swept", table.toString()), longBytes(run));
    }

    private void enter(String input, long run) {
        if (runOf(input) != run) {
            runs.put(input, run);
            store.put(key("run", input), longBytes(run));
        }
    }

    private long read(Bytes key) {
        byte[] b = store.get(key);
        return b == null ? 0L : ByteBuffer.wrap(b).getLong();
    }

    private static byte[] longBytes(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    /** Reserved: {@link MarkerAligner} skips keys starting with NUL. */
    private static Bytes key(String kind, String name) {
        return Bytes.wrap(("\u0000snapshot-" + kind + "\u0000" + name).getBytes(StandardCharsets.UTF_8));
    }
}
