package io.ferry.transform.topology;

import io.ferry.core.event.TableId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A group's account of capture's snapshot runs, from the bounds capture writes into every partition of a table's
 * change topic (see {@link io.ferry.core.event.Marker}): which run each input is in (the rows it delivers belong to
 * it), which run each input has ended, which runs each table's rows were written in, and the sweeps under way.
 *
 * <p>Why: a snapshot interrupted by a crash is read again in full by the next capture, which cannot tell what the
 * first run delivered. A row the source deleted in between is in neither run's reads nor in the log from the second
 * run's position on, so it would stay in the target for good. Once every input of a table has ended run N (and none
 * has gone on to a later run), the rows of the table in state that run N did not write are such leftovers, and the
 * processor deletes them as if the source had, a slice at a time. Kept in the group's marker store under reserved
 * keys (a restarted task goes on from its last commit).
 */
final class SnapshotRuns {

    /**
     * A sweep under way: the run whose rows stay, the last primary key looked at (empty before the first), the time and
     * stamp of the end that began it (its deletes carry them), the rows removed so far.
     */
    record Sweep(TableId table, long run, byte[] after, long tsUs, long stampUs, long removed) {
    }

    private static final String SWEEP = "sweep";
    /**
     * How many of an input's runs are remembered to tell a late end from a new run. A late end comes within one
     * incremental snapshot of its table; 256 runs (each TRUNCATE is one) is far more than can start meanwhile.
     */
    static final int SEEN = 256;
    private static final Bytes HELD = key("held", "");

    private final KeyValueStore<Bytes, byte[]> store;
    private final Map<String, Long> runs = new HashMap<>();
    /** Per table: the run its rows were written in, and whether rows of another run (or none) were written since. */
    private final Map<TableId, byte[]> tags = new HashMap<>();

    SnapshotRuns(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** The run the input's rows belong to: the last one it started or ended, 0 before any. */
    long runOf(String input) {
        return runs.computeIfAbsent(input, i -> read(key("run", i)));
    }

    /** A run starts on an input: its rows from now on belong to it. */
    void started(String input, long run) {
        enter(input, run);
    }

    /**
     * A run ends on an input; returns whether that completes it for the table: every one of {@code inputs} ended it and is
     * still in it (an input already in a later run means this end came late, and the later run sweeps), and no sweep
     * for it was begun yet.
     */
    boolean ended(String input, TableId table, long run, Collection<String> inputs) {
        if (runOf(input) != run && (contains(seen(input), run) || run < floor(input))) {
            // the input was in this run and has gone on to a later one: this end came late, and must not take the input
            // back to its run, or the rows written since would be tagged with it and the later run's rows swept (capture
            // gives no end to an incremental snapshot truncated meanwhile; this keeps a late end of any kind harmless).
            // Told by what the input saw, not by comparing ids: a run id is a capture process's clock, and a capture that
            // took over on a host whose clock is behind writes smaller ids (an initial run's end for a table it found
            // empty, with no start before it, is then a new run, not a late one)
            return false;
        }
        enter(input, run);
        store.put(key("end", input), longBytes(run));
        for (String i : inputs) {
            if (read(key("end", i)) != run || runOf(i) != run) {
                return false;
            }
        }
        return read(key("swept", table.toString())) != run && sweep(table).map(s -> s.run() != run).orElse(true);
    }

    /**
     * Notes, before it is written, that a row of the table is written in this run (0: outside any).
     *
     * @param tableHasRows asked once per table, for state kept before this record was (its rows' runs are unknown)
     */
    void wrote(TableId table, long run, BooleanSupplier tableHasRows) {
        byte[] t = tags.computeIfAbsent(table, x -> store.get(key("tags", x.toString())));
        if (t == null || (t[8] == 0 && ByteBuffer.wrap(t).getLong() != run)) {
            tag(table, run, t != null || tableHasRows.getAsBoolean());
        }
    }

    /**
     * Whether the table may hold rows the run did not write: rows of another run (or of none) were written since the
     * last sweep. State from before this record was kept is asked directly.
     */
    boolean mayHoldLeftovers(TableId table, long run, BooleanSupplier tableHasRows) {
        byte[] t = tags.computeIfAbsent(table, x -> store.get(key("tags", x.toString())));
        if (t == null) {
            return tableHasRows.getAsBoolean();
        }
        return t[8] == 1 || ByteBuffer.wrap(t).getLong() != run;
    }

    /** Begins a sweep of the table (replacing any under way: the newer run decides what stays). */
    void beginSweep(TableId table, long run, long tsUs, long stampUs) {
        saveSweep(new Sweep(table, run, new byte[0], tsUs, stampUs, 0));
    }

    void saveSweep(Sweep s) {
        store.put(key(SWEEP, s.table().toString()), ByteBuffer.allocate(32 + s.after().length).putLong(s.run()).putLong(s.tsUs())
                .putLong(s.stampUs()).putLong(s.removed()).put(s.after()).array());
    }

    /** Stops a sweep without marking its run swept (a newer run started on the table; its end sweeps). */
    void dropSweep(TableId table) {
        store.delete(key(SWEEP, table.toString()));
    }

    /** Keeps a marker passage back while sweeps are under way (the latest replaces an earlier one: ids only grow). */
    void hold(byte[] passage) {
        store.put(HELD, passage);
    }

    /** Whether a marker passage is held back (a task that takes over must let it pass: {@link #takeHeld}). */
    boolean holds() {
        return store.get(HELD) != null;
    }

    /** The marker passage held back, removed from the store. */
    Optional<byte[]> takeHeld() {
        byte[] held = store.get(HELD);
        if (held != null) {
            store.delete(HELD);
        }
        return Optional.ofNullable(held);
    }

    /** The sweep is done: every row of the table now belongs to its run. */
    void swept(TableId table, long run) {
        store.delete(key(SWEEP, table.toString()));
        store.put(key("swept", table.toString()), longBytes(run));
        tag(table, run, false);
    }

    /** A table's tag: the run its rows were last written in, and whether rows of another run (or none) are among them. */
    private void tag(TableId table, long run, boolean mixed) {
        byte[] now = ByteBuffer.allocate(9).putLong(run).put((byte) (mixed ? 1 : 0)).array();
        tags.put(table, now);
        store.put(key("tags", table.toString()), now);
    }

    Optional<Sweep> sweep(TableId table) {
        byte[] b = store.get(key(SWEEP, table.toString()));
        return Optional.ofNullable(b).map(v -> sweep(table, v));
    }

    /** Every sweep under way in this task. */
    List<Sweep> sweeps() {
        Bytes prefix = key(SWEEP, "");
        List<Sweep> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(prefix, new BytesSerializer())) {
            while (it.hasNext()) {
                var e = it.next();
                byte[] k = e.key.get();
                String table = new String(k, prefix.get().length, k.length - prefix.get().length, StandardCharsets.UTF_8);
                out.add(sweep(TableId.parse(table), e.value));
            }
        }
        return out;
    }

    private static Sweep sweep(TableId table, byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v);
        long run = b.getLong();
        long tsUs = b.getLong();
        long stampUs = b.getLong();
        long removed = b.getLong();
        return new Sweep(table, run, Arrays.copyOfRange(v, 32, v.length), tsUs, stampUs, removed);
    }

    private void enter(String input, long run) {
        if (runOf(input) != run) {
            if (store.get(key("seen", input)) == null && runOf(input) != 0) {
                // state kept by a build before the list: its earlier runs are unknown, and were told by their smaller ids
                store.put(key("floor", input), longBytes(runOf(input)));
            }
            long[] seen = seen(input);
            if (!contains(seen, run)) {
                int keep = Math.min(seen.length, SEEN - 1);
                ByteBuffer b = ByteBuffer.allocate(8 * (keep + 1));
                for (int i = seen.length - keep; i < seen.length; i++) {
                    b.putLong(seen[i]);
                }
                store.put(key("seen", input), b.putLong(run).array());
            }
            runs.put(input, run);
            store.put(key("run", input), longBytes(run));
        }
    }

    /**
     * The runs the input was in, oldest first, the last {@link #SEEN}. State kept before this list was (an earlier
     * build) gives the input's current run only.
     */
    private long[] seen(String input) {
        byte[] b = store.get(key("seen", input));
        if (b == null) {
            long current = runOf(input);
            return current == 0 ? new long[0] : new long[] {current};
        }
        long[] out = new long[b.length / 8];
        ByteBuffer.wrap(b).asLongBuffer().get(out);
        return out;
    }

    /**
     * For state an earlier build kept (no list of runs): the run the input was in then. A run below it that the list does
     * not hold is taken for one of those earlier runs, as that build did (by comparing ids).
     */
    private long floor(String input) {
        if (store.get(key("seen", input)) == null) {
            return runOf(input); // no list yet: the old rule, for every run but the current one
        }
        return read(key("floor", input));
    }

    private static boolean contains(long[] runs, long run) {
        for (long r : runs) {
            if (r == run) {
                return true;
            }
        }
        return false;
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
