package io.ferry.transform.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.event.KeyCodec;
import io.ferry.core.event.Row;
import io.ferry.core.event.TableId;
import io.ferry.transform.mapping.RowLookup;
import io.ferry.transform.mapping.RowMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A group's state: the full current row of every source table it reads (keyed by table and primary key),
 * and the indexes its relations and nests look rows up by. PostgreSQL updates carry no old row and may
 * leave unchanged TOAST values out; both come from here.
 *
 * <p>A row carries the snapshot run its input was in when it was written, so that when a run ends the rows it did not
 * write can be found ({@link #rowsNotIn}). Stored as {@code 0x01, run (8 bytes), JSON};
 * a row written outside any run is its JSON alone (which starts with {@code '{'}).
 */
final class GroupState implements RowLookup {

    private static final byte SEP = 0;
    private static final byte TAGGED = 1;

    /** A stored row with its primary key. */
    record Entry(TableId table, Row key, Row row) {
    }

    private final KeyValueStore<Bytes, byte[]> rows;
    private final KeyValueStore<Bytes, byte[]> index;
    private final Map<TableId, List<IndexSpec>> indexes;

    GroupState(KeyValueStore<Bytes, byte[]> rows, KeyValueStore<Bytes, byte[]> index, Map<TableId, List<IndexSpec>> indexes) {
        this.rows = rows;
        this.index = index;
        this.indexes = indexes;
    }

    Row get(TableId table, Row key) {
        byte[] v = rows.get(rowKey(table, KeyCodec.encode(key)));
        return v == null ? null : row(v);
    }

    /** Whether any row of the table is held. */
    boolean hasRows(TableId table) {
        try (KeyValueIterator<Bytes, byte[]> it = rows.prefixScan(tablePrefix(table), new BytesSerializer())) {
            return it.hasNext();
        }
    }

    /** A slice of a sweep: the rows found not to belong to the run, and the last primary key looked at (null: the end). */
    record Slice(List<Entry> leftovers, byte[] last, int looked) {
    }

    /**
     * The rows of a table not written in this snapshot run (read by an earlier run, or streamed before this one), in key
     * order after the primary key {@code after} (empty: from the first), looking at no more than {@code maxRows} rows.
     */
    Slice rowsNotIn(TableId table, long run, byte[] after, int maxRows) {
        Bytes prefix = tablePrefix(table);
        byte[] t = table.toString().getBytes(StandardCharsets.UTF_8);
        byte[] end = Arrays.copyOf(t, t.length + 1);
        end[t.length] = SEP + 1; // past every key of the table: table SEP pk
        List<Entry> out = new ArrayList<>();
        int looked = 0;
        byte[] last = null;
        try (KeyValueIterator<Bytes, byte[]> it = rows.range(rowKey(table, after), Bytes.wrap(end))) {
            while (it.hasNext()) {
                var e = it.next();
                byte[] k = e.key.get();
                byte[] pk = Arrays.copyOfRange(k, prefix.get().length, k.length);
                if (after.length > 0 && Arrays.equals(pk, after)) {
                    continue;
                }
                if (looked == maxRows) {
                    return new Slice(out, last, looked);
                }
                looked++;
                last = pk;
                if (runOf(e.value) != run) {
                    out.add(new Entry(table, KeyCodec.decode(pk), row(e.value)));
                }
            }
        }
        return new Slice(out, null, looked);
    }

    /** The snapshot run a held row was written in (0: none, or no such row). */
    long storedRun(TableId table, Row key) {
        byte[] v = rows.get(rowKey(table, KeyCodec.encode(key)));
        return v == null ? 0L : runOf(v);
    }

    static long runOf(byte[] stored) {
        return stored.length > 9 && stored[0] == TAGGED ? ByteBuffer.wrap(stored, 1, 8).getLong() : 0L;
    }

    static Row row(byte[] stored) {
        return stored.length > 9 && stored[0] == TAGGED ? RowJson.read(Arrays.copyOfRange(stored, 9, stored.length)) : RowJson.read(stored);
    }

    static byte[] stored(Row row, long run) {
        byte[] json = RowJson.write(row);
        if (run == 0) {
            return json;
        }
        return ByteBuffer.allocate(9 + json.length).put(TAGGED).putLong(run).put(json).array();
    }

    /**
     * Replaces (or with {@code row == null} removes) a row, keeping every index of its table in step.
     *
     * @param run the snapshot run the row belongs to (0: none)
     */
    void put(TableId table, Row key, Row old, Row row, long run) {
        byte[] pk = KeyCodec.encode(key);
        for (IndexSpec spec : indexes.getOrDefault(table, List.of())) {
            List<JsonNode> before = old == null ? null : RowMapper.values(old, spec.columns());
            List<JsonNode> after = row == null ? null : RowMapper.values(row, spec.columns());
            if (before != null && !before.equals(after)) {
                index.delete(indexKey(spec, before, pk));
            }
            if (after != null) {
                index.put(indexKey(spec, after, pk), new byte[0]);
            }
        }
        if (row == null) {
            rows.delete(rowKey(table, pk));
        } else {
            rows.put(rowKey(table, pk), stored(row, run));
        }
    }

    @Override
    public List<Row> find(TableId table, List<String> columns, List<JsonNode> values) {
        return entries(table, columns, values).stream().map(Entry::row).toList();
    }

    /** Rows of a table with these column values, ordered by primary key. */
    List<Entry> entries(TableId table, List<String> columns, List<JsonNode> values) {
        IndexSpec spec = new IndexSpec(table, columns);
        if (!indexes.getOrDefault(table, List.of()).contains(spec)) {
            throw new IllegalStateException("no index " + spec.id() + " in this group");
        }
        byte[] prefix = concat(spec.id().getBytes(StandardCharsets.UTF_8), RowJson.values(values), new byte[0]);
        List<Entry> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = index.prefixScan(Bytes.wrap(prefix), new BytesSerializer())) {
            while (it.hasNext()) {
                byte[] k = it.next().key.get();
                byte[] pk = Arrays.copyOfRange(k, prefix.length, k.length);
                byte[] row = rows.get(rowKey(table, pk));
                if (row != null) {
                    out.add(new Entry(table, KeyCodec.decode(pk), row(row)));
                }
            }
        }
        out.sort(Comparator.comparing(Entry::key, GroupState::compareKeys));
        return out;
    }

    /** Primary keys in their natural order: numbers numerically, text by code point, column by column. */
    static int compareKeys(Row a, Row b) {
        var x = a.asMap().values().iterator();
        var y = b.asMap().values().iterator();
        while (x.hasNext() && y.hasNext()) {
            JsonNode p = x.next();
            JsonNode q = y.next();
            int c;
            if (p.isNumber() && q.isNumber()) {
                c = p.decimalValue().compareTo(q.decimalValue());
            } else {
                c = p.asText().compareTo(q.asText());
            }
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(x.hasNext(), y.hasNext());
    }

    private static Bytes tablePrefix(TableId table) {
        return rowKey(table, new byte[0]);
    }

    private static Bytes rowKey(TableId table, byte[] pk) {
        byte[] t = table.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[t.length + 1 + pk.length];
        System.arraycopy(t, 0, out, 0, t.length);
        out[t.length] = SEP;
        System.arraycopy(pk, 0, out, t.length + 1, pk.length);
        return Bytes.wrap(out);
    }

    private static Bytes indexKey(IndexSpec spec, List<JsonNode> values, byte[] pk) {
        return Bytes.wrap(concat(spec.id().getBytes(StandardCharsets.UTF_8), RowJson.values(values), pk));
    }

    /** {@code id SEP values SEP pk}: JSON text never holds a raw zero byte, so the parts cannot run together. */
    private static byte[] concat(byte[] id, byte[] values, byte[] pk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(id.length + values.length + pk.length + 2);
        out.writeBytes(id);
        out.write(SEP);
        out.writeBytes(values);
        out.write(SEP);
        out.writeBytes(pk);
        return out.toByteArray();
    }
}
