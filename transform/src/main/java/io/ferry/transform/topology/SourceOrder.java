package io.ferry.transform.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Puts a funneled group's changes back into source order. Behind the funnel, the changes of several tables and
 * partitions arrive interleaved in whatever order the router tasks wrote them, while each input (one partition of
 * one change topic) stays in order. Capture stamps everything it publishes with a number that grows in log order
 * ({@link io.ferry.core.event.SourceInfo#stampUs()}), so a change can be applied once every input has delivered
 * something stamped at least as high: nothing older can still come. Until then it is held in a store (changelogged,
 * so a crash loses nothing). Capture copies every heartbeat into every partition of every change topic, so an idle
 * input moves on with the next heartbeat: holding costs at most about one heartbeat interval.
 *
 * <p>A snapshot row is applied at once unless something older is held: a snapshot's rows all precede, in log order,
 * the changes streamed after it, and their order among themselves does not matter (they are one consistent state).
 * This keeps a snapshot from being held until its last table is read.
 */
final class SourceOrder {

    private static final byte HELD = 'h';
    private static final byte PASSED = 'p';

    /** A record released for processing, with where it was read. */
    record Released(String topic, int partition, long offset, Record<byte[], byte[]> record) {
    }

    private final KeyValueStore<Bytes, byte[]> store;
    private final Set<String> inputs;
    private final Map<String, Long> passed = new HashMap<>();
    private long held;

    /** @param expected the inputs ({@code topic:partition}) the group reads; others count once seen */
    SourceOrder(KeyValueStore<Bytes, byte[]> store, Set<String> expected) {
        this.store = store;
        this.inputs = new TreeSet<>(expected);
        try (KeyValueIterator<Bytes, byte[]> it = store.range(Bytes.wrap(new byte[] {PASSED}), Bytes.wrap(new byte[] {PASSED + 1}))) {
            while (it.hasNext()) {
                var e = it.next();
                String input = new String(e.key.get(), 1, e.key.get().length - 1, StandardCharsets.UTF_8);
                passed.put(input, ByteBuffer.wrap(e.value).getLong());
                inputs.add(input);
            }
        }
        try (KeyValueIterator<Bytes, byte[]> it = store.range(Bytes.wrap(new byte[] {HELD}), Bytes.wrap(new byte[] {HELD + 1}))) {
            while (it.hasNext()) {
                it.next();
                held++;
            }
        }
    }

    /**
     * Takes a record read from {@code topic:partition} with capture's stamp and returns what can be processed now, in
     * source order: possibly nothing (it is held), possibly it and others held before.
     *
     * @param snapshot whether it is a snapshot row
     */
    List<Released> offer(String topic, int partition, long offset, long stamp, boolean snapshot, Record<byte[], byte[]> record) {
        String input = topic + ":" + partition;
        inputs.add(input);
        Long before = passed.get(input);
        if (before == null || stamp > before) {
            passed.put(input, stamp);
            store.put(passedKey(input), ByteBuffer.allocate(Long.BYTES).putLong(stamp).array());
        }
        List<Released> out = new ArrayList<>();
        if (snapshot && (held == 0 || oldestHeld() > stamp)) {
            out.add(new Released(topic, partition, offset, record));
        } else {
            store.put(heldKey(stamp, input, offset), encode(topic, partition, offset, record));
            held++;
        }
        long through = watermark();
        if (held == 0 || through == Long.MIN_VALUE) {
            return out;
        }
        List<Bytes> done = new ArrayList<>();
        byte[] to = ByteBuffer.allocate(1 + Long.BYTES).put(HELD).putLong(through).array();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(Bytes.wrap(new byte[] {HELD}), Bytes.wrap(upTo(to)))) {
            while (it.hasNext()) {
                var e = it.next();
                if (ByteBuffer.wrap(e.key.get(), 1, Long.BYTES).getLong() > through) {
                    break;
                }
                out.add(decode(e.value));
                done.add(e.key);
            }
        }
        for (Bytes k : done) {
            store.delete(k);
        }
        held -= done.size();
        return out;
    }

    /** Records held now (for tests and metrics). */
    long held() {
        return held;
    }

    /** The highest stamp every input has delivered; {@link Long#MIN_VALUE} while some input delivered nothing. */
    private long watermark() {
        long min = Long.MAX_VALUE;
        for (String input : inputs) {
            Long p = passed.get(input);
            if (p == null) {
                return Long.MIN_VALUE;
            }
            min = Math.min(min, p);
        }
        return min;
    }

    private long oldestHeld() {
        try (KeyValueIterator<Bytes, byte[]> it = store.range(Bytes.wrap(new byte[] {HELD}), Bytes.wrap(new byte[] {HELD + 1}))) {
            return it.hasNext() ? ByteBuffer.wrap(it.next().key.get(), 1, Long.BYTES).getLong() : Long.MAX_VALUE;
        }
    }

    /** The smallest key after every held key with this stamp prefix. */
    private static byte[] upTo(byte[] prefix) {
        byte[] out = new byte[prefix.length + 1];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        out[prefix.length] = (byte) 0xFF;
        return out;
    }

    private static Bytes passedKey(String input) {
        byte[] name = input.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + name.length).put(PASSED).put(name).array());
    }

    /** Stamp first (big-endian, stamps are positive), so the store's order is source order. */
    private static Bytes heldKey(long stamp, String input, long offset) {
        byte[] name = input.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES + name.length + Long.BYTES).put(HELD).putLong(stamp).put(name)
                .putLong(offset).array());
    }

    private static byte[] encode(String topic, int partition, long offset, Record<byte[], byte[]> record) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] k = record.key() == null ? new byte[0] : record.key();
        byte[] v = record.value() == null ? new byte[0] : record.value();
        return ByteBuffer.allocate(4 + t.length + 4 + 8 + 8 + 4 + k.length + 4 + v.length).putInt(t.length).put(t).putInt(partition)
                .putLong(offset).putLong(record.timestamp()).putInt(record.key() == null ? -1 : k.length).put(k)
                .putInt(record.value() == null ? -1 : v.length).put(v).array();
    }

    private static byte[] bytes(ByteBuffer b) {
        int length = b.getInt();
        if (length < 0) {
            return null;
        }
        byte[] out = new byte[length];
        b.get(out);
        return out;
    }

    private static Released decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte[] t = new byte[b.getInt()];
        b.get(t);
        int partition = b.getInt();
        long offset = b.getLong();
        long timestamp = b.getLong();
        byte[] k = bytes(b);
        byte[] v = bytes(b);
        return new Released(new String(t, StandardCharsets.UTF_8), partition, offset, new Record<>(k, v, timestamp));
    }
}
