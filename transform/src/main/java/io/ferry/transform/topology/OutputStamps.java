package io.ferry.transform.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The stamps a group's processor puts on what it emits: capture's stamp of the change that caused the output,
 * raised where needed so that they strictly increase in emission order.
 *
 * <p>A target row of a multi-table mapping is recomputed from state on every change to any of its tables, and
 * the processor reads those tables' partitions interleaved: a session with stamp 90 can arrive after one with
 * stamp 100. Each output is the target row as of everything processed so far, so the later output is the newer
 * one, and its stamp must say so: Cassandra keeps the write with the highest {@code USING TIMESTAMP}, and with the
 * causing change's own stamp the older aggregate would win. The last stamp lives in the group's marker store under
 * a reserved key, so a restarted task (restored to its last commit) goes on from it.
 */
final class OutputStamps {

    /** Reserved: {@link MarkerAligner} skips keys starting with NUL. */
    static final Bytes KEY = Bytes.wrap("\u0000stamp".getBytes(StandardCharsets.UTF_8));

    private final KeyValueStore<Bytes, byte[]> store;
    private long last = -1;
    private boolean unsaved;

    OutputStamps(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** The stamp for the next output caused by a change stamped {@code causeStampUs}. */
    long next(long causeStampUs) {
        if (causeStampUs <= 0) {
            return causeStampUs; // no stamp to order by (not from capture)
        }
        if (last < 0) {
            byte[] stored = store.get(KEY);
            last = stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
        }
        last = Math.max(causeStampUs, last + 1);
        unsaved = true;
        return last;
    }

    /** Keeps the last stamp handed out, once per processed change that emitted something. */
    void save() {
        if (unsaved) {
            store.put(KEY, ByteBuffer.allocate(Long.BYTES).putLong(last).array());
            unsaved = false;
        }
    }
}
