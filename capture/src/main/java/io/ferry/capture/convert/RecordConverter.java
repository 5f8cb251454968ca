package io.ferry.capture.convert;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.Marker;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.Column;
import io.ferry.core.schema.ForeignKey;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.types.ColumnType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns Debezium's records into canonical events. Not thread-safe: one per engine, called from the
 * engine's batch handler.
 */
public final class RecordConverter {

    private final String pipeline;
    private final TableId heartbeatTable;
    private final TableId signalTable;
    private final Function<TableId, List<ForeignKey>> foreignKeys;
    private final Function<TableId, java.util.Set<String>> jsonColumns;
    private final Map<Schema, TableShape> shapes = new IdentityHashMap<>();
    private long debeziumHeartbeats;

    /**
     * @param foreignKeys the foreign keys preflight found for a table (empty when unknown)
     */
    public RecordConverter(String pipeline, TableId heartbeatTable, TableId signalTable,
            Function<TableId, List<ForeignKey>> foreignKeys) {
        this(pipeline, heartbeatTable, signalTable, foreignKeys, t -> java.util.Set.of());
    }

    /**
     * @param jsonColumns the columns of a table that hold JSON although Debezium types them as text (MariaDB's JSON);
     *     they are typed JSON, their values unchanged (the JSON text)
     */
    public RecordConverter(String pipeline, TableId heartbeatTable, TableId signalTable,
            Function<TableId, List<ForeignKey>> foreignKeys, Function<TableId, java.util.Set<String>> jsonColumns) {
        this.pipeline = pipeline;
        this.heartbeatTable = heartbeatTable;
        this.signalTable = signalTable;
        this.foreignKeys = foreignKeys;
        this.jsonColumns = jsonColumns;
    }

    /** A table's columns with their Connect schemas and canonical types, derived once per Connect schema. */
    private record TableShape(TableSchema schema, List<Field> fields, List<ColumnType> types) {
    }

    public Converted convert(SourceRecord record) {
        if (record.value() == null) {
            return new Converted.Skip("tombstone");
        }
        if (record.topic() != null && record.topic().startsWith("__debezium-heartbeat")) {
            return debeziumHeartbeat(record);
        }
        Struct value = (Struct) record.value();
        if (value.schema().field("op") == null || value.schema().field("source") == null) {
            return new Converted.Skip("not a row change (" + value.schema().name() + ")");
        }
        String op = value.getString("op");
        if (op == null || op.equals("t") || op.equals("m")) {
            // truncates, and pg_logical_emit_message messages (which name no table)
            return new Converted.Skip("operation " + op + " is not a row change");
        }
        Struct source = value.getStruct("source");
        TableId table;
        SourceInfo info;
        try {
            table = table(source);
            info = withTxSeq(sourceInfo(source, record.sourceOffset()), value);
        } catch (RuntimeException e) {
            return new Converted.Skip("no table or position in a '" + op + "' record: " + e.getMessage());
        }
        if (table.equals(signalTable)) {
            return new Converted.Skip("signal");
        }
        try {
            if (table.equals(heartbeatTable)) {
                if (op.equals("r")) {
                    // A snapshot's read of the heartbeat row carries the time it was read, not a point in the log: changes
                    // committed between the snapshot's start and that read are streamed after it, so as a marker it would
                    // pass before them and the lag would claim them applied.
                    return new Converted.Skip("heartbeat row read by the snapshot");
                }
                return marker(value, info);
            }
            Schema rowSchema = value.schema().field("after").schema();
            TableShape shape = shapes.computeIfAbsent(rowSchema, s -> shape(table, s, record.keySchema()));
            Row before = row(value.getStruct("before"), shape);
            Row after = row(value.getStruct("after"), shape);
            Row key = key((Struct) record.key(), shape, table);
            ChangeEvent.RowChange event = switch (op) {
                case "c" -> ChangeEvent.RowChange.insert(table, key, after, info, 0);
                case "u" -> ChangeEvent.RowChange.update(table, key, before, after, info, 0);
                case "d" -> ChangeEvent.RowChange.delete(table, key, before, info, 0);
                case "r" -> ChangeEvent.RowChange.read(table, key, after, info, 0);
                default -> throw new IllegalArgumentException("unknown Debezium op '" + op + "'");
            };
            return new Converted.Row(event, shape.schema());
        } catch (UnsupportedColumnException e) {
            return new Converted.Failure(table, "unsupported column type", e.getMessage());
        } catch (RuntimeException e) {
            return new Converted.Failure(table, "cannot convert to a canonical event", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private Converted marker(Struct value, SourceInfo info) {
        Struct after = value.getStruct("after");
        if (after == null || !pipeline.equals(after.getString("pipeline"))) {
            return new Converted.Skip("heartbeat row of another pipeline or a deleted one");
        }
        Marker.Kind kind = Marker.Kind.fromWire(after.getString("kind"));
        return new Converted.MarkerRow(new Marker(after.getInt64("seq"), info.tsUs(), kind), info);
    }

    /** Debezium's own heartbeats stand in for Ferry's when the source is read-only (no heartbeat table). */
    private Converted debeziumHeartbeat(SourceRecord record) {
        Struct value = (Struct) record.value();
        long tsMs = value.schema().field("ts_ms") != null ? value.getInt64("ts_ms") : System.currentTimeMillis();
        SourceInfo info = new SourceInfo(pipeline, position(record.sourceOffset()), null, tsMs * 1000, false);
        return new Converted.MarkerRow(new Marker(++debeziumHeartbeats, tsMs * 1000, Marker.Kind.HEARTBEAT), info);
    }

    private TableShape shape(TableId table, Schema rowSchema, Schema keySchema) {
        List<Field> fields = rowSchema.fields();
        List<ColumnType> types = new ArrayList<>(fields.size());
        List<Column> columns = new ArrayList<>(fields.size());
        java.util.Set<String> json = jsonColumns.apply(table);
        for (Field f : fields) {
            ColumnType type = ConnectTypes.of(f.schema(), table + "." + f.name());
            if (type.kind() == io.ferry.core.types.CanonicalType.STRING && json.contains(f.name())) {
                type = ColumnType.of(io.ferry.core.types.CanonicalType.JSON);
            }
            types.add(type);
            columns.add(new Column(f.name(), type, f.schema().isOptional()));
        }
        List<String> pk = keySchema == null ? List.of() : keySchema.fields().stream().map(Field::name).toList();
        TableSchema schema = new TableSchema(table, columns, pk, 0, foreignKeys.apply(table));
        return new TableShape(schema, fields, types);
    }

    private static Row row(Struct struct, TableShape shape) {
        if (struct == null) {
            return null;
        }
        Row.Builder row = Row.builder();
        for (int i = 0; i < shape.fields().size(); i++) {
            Field f = shape.fields().get(i);
            // Not struct.get(f): Connect answers a NULL with the column's DEFAULT, which Debezium puts in the schema.
            Object v = struct.getWithoutDefault(f.name());
            // A TOAST value the log left out is absent, never Debezium's placeholder: transform fills it.
            if (ConnectValues.unavailable(v)) {
                continue;
            }
            row.put(f.name(), ConnectValues.canonical(f.schema(), shape.types().get(i), v));
        }
        return row.build();
    }

    private static Row key(Struct key, TableShape shape, TableId table) {
        if (key == null) {
            throw new IllegalArgumentException(table + " has no key: Ferry needs a primary key");
        }
        Row.Builder row = Row.builder();
        for (Field f : key.schema().fields()) {
            int i = indexOf(shape, f.name());
            ColumnType type = i >= 0 ? shape.types().get(i) : ConnectTypes.of(f.schema(), table + "." + f.name());
            row.put(f.name(), ConnectValues.canonical(f.schema(), type, key.getWithoutDefault(f.name())));
        }
        return row.build();
    }

    private static int indexOf(TableShape shape, String column) {
        for (int i = 0; i < shape.fields().size(); i++) {
            if (shape.fields().get(i).name().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The position of any Debezium record with a source block (a heartbeat row the snapshot read, too), or null, also
     * when the block cannot be read (the record itself then goes to the dead-letter topic through {@link #convert}).
     */
    public static SourceInfo sourceOf(SourceRecord record) {
        try {
            if (!(record.value() instanceof Struct value) || value.schema().field("source") == null || value.getStruct("source") == null) {
                return null;
            }
            return sourceInfo(value.getStruct("source"), record.sourceOffset());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The change's place within its transaction, from Debezium's transaction metadata (total_order counts from 1). */
    private static SourceInfo withTxSeq(SourceInfo info, Struct value) {
        if (value.schema().field("transaction") == null || value.getStruct("transaction") == null) {
            return info;
        }
        Object total = value.getStruct("transaction").get("total_order");
        long seq = total instanceof Number n ? Math.max(0, n.longValue() - 1) : 0;
        return new SourceInfo(info.db(), info.pos(), info.order(), info.txId(), seq, info.tsUs(), info.snapshot());
    }

    private static TableId table(Struct source) {
        String namespace = source.schema().field("schema") != null && source.getString("schema") != null
                ? source.getString("schema") : source.getString("db");
        return new TableId(namespace, source.getString("table"));
    }

    private static SourceInfo sourceInfo(Struct source, Map<String, ?> offset) {
        long tsUs = source.schema().field("ts_us") != null && source.get("ts_us") != null
                ? source.getInt64("ts_us") : source.getInt64("ts_ms") * 1000;
        String snapshot = source.schema().field("snapshot") == null ? null : String.valueOf(source.get("snapshot"));
        boolean inSnapshot = snapshot != null && !snapshot.equals("false") && !snapshot.equals("null");
        String pos;
        long order;
        String txId;
        if (source.schema().field("lsn") != null) {
            Object lsn = source.get("lsn");
            order = lsn == null ? 0 : (Long) lsn;
            pos = lsn == null ? position(offset) : lsn(order);
            txId = source.get("txId") == null ? null : source.get("txId").toString();
        } else {
            String file = source.getString("file");
            long filePos = ((Number) source.get("pos")).longValue();
            int row = source.get("row") == null ? 0 : ((Number) source.get("row")).intValue();
            // Every row event of a transaction reports the transaction's start; Debezium's offset counts the
            // events before this one within it.
            Object eventInTx = offset == null ? null : offset.get("event");
            long event = eventInTx instanceof Number n ? n.longValue() : 0;
            pos = file + ":" + filePos + ":" + event + ":" + row;
            order = binlogOrder(file, filePos, event, row);
            Object gtid = source.schema().field("gtid") != null ? source.get("gtid") : null;
            txId = gtid == null ? null : gtid.toString();
        }
        return new SourceInfo(source.getString("db"), pos, order, txId, tsUs, inSnapshot);
    }

    private static String position(Map<String, ?> offset) {
        if (offset == null) {
            return "";
        }
        Object lsn = offset.get("lsn");
        if (lsn instanceof Long l) {
            return lsn(l);
        }
        Object file = offset.get("file");
        return file == null ? offset.toString() : file + ":" + offset.get("pos");
    }

    /**
     * A binlog position as one growing number: file index (the digits after the last '.', 15 bits),
     * the transaction's position in the file (32 bits), then the event within the transaction and the
     * row within the event (8 bits each, saturating: changes past the 255th event of one transaction tie).
     */
    static long binlogOrder(String file, long pos, long event, int row) {
        long index;
        try {
            index = Long.parseLong(file.substring(file.lastIndexOf('.') + 1));
        } catch (RuntimeException e) {
            index = 0;
        }
        return ((index & 0x7FFF) << 48) | ((pos & 0xFFFFFFFFL) << 16) | (Math.min(event, 255) << 8) | Math.min(row, 255);
    }

    /** PostgreSQL's textual LSN, e.g. {@code 0/16B3748}. */
    static String lsn(long lsn) {
        // PostgreSQL's notation, written by hand: String.format, then toHexString().toUpperCase(), were a visible share
        // of capture's time and garbage per change
        char[] out = new char[17];
        int at = hex(out, 0, lsn >>> 32);
        out[at++] = '/';
        at = hex(out, at, lsn & 0xFFFFFFFFL);
        return new String(out, 0, at);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** {@code value} (below 2^32) in upper-case hex without leading zeros at {@code at}; returns the end. */
    private static int hex(char[] out, int at, long value) {
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(value) + 3) / 4);
        for (int i = digits - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
        return at + digits;
    }
}
