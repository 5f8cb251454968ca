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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Debezium's records into canonical events. Not thread-safe: one per engine, called from the
 * engine's batch handler.
 */
public final class RecordConverter {

    private static final Logger log = LoggerFactory.getLogger(RecordConverter.class);

    /** The end of the name of Debezium's schema change record's value schema ({@code io.debezium.connector.mysql....}). */
    private static final String SCHEMA_CHANGE_VALUE = ".SchemaChangeValue";

    private final String pipeline;
    private final TableId heartbeatTable;
    private final TableId signalTable;
    private final TableFacts facts;
    /** The tables a shape was derived for already: a new shape of one of them is a table Debezium learned again. */
    private final java.util.Set<TableId> shaped = new java.util.HashSet<>();
    /** The tables whose facts were read at a DDL since their last shape ({@link #foreignKeysNow}). */
    private final java.util.Set<TableId> readAtDdl = new java.util.HashSet<>();
    /*
     * Per Connect schema: Debezium makes one per table shape and reuses it, and makes new ones when it learns the table
     * again (a pgoutput Relation message after a reconnect): each cache keeps the latest schema of each name.
     */
    private final SchemaCache<TableShape> shapes = new SchemaCache<>();
    private final SchemaCache<Envelope> envelopes = new SchemaCache<>();
    private final SchemaCache<SourceFields> sourceFields = new SchemaCache<>();
    /** Debezium's headers on the two halves of a primary-key change ({@code RelationalChangeRecordEmitter}). */
    private static final String NEW_KEY = "__debezium.newkey";
    private static final String OLD_KEY = "__debezium.oldkey";
    /** The last id given to one of Debezium's heartbeats: from the creation time in µs, so ids grow across launches. */
    private long debeziumHeartbeats = System.currentTimeMillis() * 1_000;

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
        this(pipeline, heartbeatTable, signalTable, new TableFacts() {
            @Override
            public List<ForeignKey> foreignKeys(TableId table) {
                return foreignKeys.apply(table);
            }

            @Override
            public java.util.Set<String> jsonColumns(TableId table) {
                return jsonColumns.apply(table);
            }
        });
    }

    /** @param facts what the source says of a table beyond the log, asked again when Debezium learns a table again */
    public RecordConverter(String pipeline, TableId heartbeatTable, TableId signalTable, TableFacts facts) {
        this.pipeline = pipeline;
        this.heartbeatTable = heartbeatTable;
        this.signalTable = signalTable;
        this.facts = facts;
    }

    /**
     * A table's columns with their Connect schemas and canonical types, derived once per Connect schema; {@code plain}: the
     * column has no DEFAULT in its schema, so a struct of {@code rowSchema} can be read by field, without a lookup by name.
     */
    private record TableShape(TableSchema schema, Schema rowSchema, List<Field> fields, List<ColumnType> types, boolean[] plain,
            java.util.Set<String> defaulted) {
    }

    /** The fields of Debezium's change envelope; null where the schema has no such field. */
    private record Envelope(Field op, Field source, Field before, Field after, Field transaction) {
        static Envelope of(Schema s) {
            return new Envelope(s.field("op"), s.field("source"), s.field("before"), s.field("after"), s.field("transaction"));
        }
    }

    /** The fields of Debezium's source block (PostgreSQL's or a binlog's); null where the schema has no such field. */
    private record SourceFields(Field schema, Field db, Field table, Field tsUs, Field tsMs, Field snapshot, Field lsn, Field txId,
            Field file, Field pos, Field row, Field gtid) {
        static SourceFields of(Schema s) {
            return new SourceFields(s.field("schema"), s.field("db"), s.field("table"), s.field("ts_us"), s.field("ts_ms"),
                    s.field("snapshot"), s.field("lsn"), s.field("txId"), s.field("file"), s.field("pos"), s.field("row"),
                    s.field("gtid"));
        }
    }

    /** The field's value (its schema's default for a null, as {@code Struct.get} gives it); null when there is no such field. */
    private static Object get(Struct struct, Field field) {
        return field == null ? null : struct.get(field);
    }

    /** The field's value, which the record must have: one without the field is not what this converter reads. */
    private static Object required(Struct struct, Field field, String name) {
        if (field == null) {
            throw new DataException(name + " is not a valid field name");
        }
        return struct.get(field);
    }

    /** What is derived from a Connect schema, kept for the latest schema of each name (identity, not equality). */
    private static final class SchemaCache<T> {
        private record Entry<T>(Schema schema, T value) {
        }

        private final Map<String, Entry<T>> latest = new HashMap<>();

        T get(Schema schema, Function<Schema, T> make) {
            String name = schema.name() == null ? "" : schema.name();
            Entry<T> entry = latest.get(name);
            if (entry == null || entry.schema() != schema) {
                entry = new Entry<>(schema, make.apply(schema));
                latest.put(name, entry);
            }
            return entry.value();
        }

        void removeIf(java.util.function.Predicate<T> which) {
            latest.values().removeIf(e -> which.test(e.value()));
        }
    }

    public Converted convert(SourceRecord record) {
        if (record.value() == null) {
            return new Converted.Skip("tombstone");
        }
        if (record.topic() != null && record.topic().startsWith("__debezium-heartbeat")) {
            return debeziumHeartbeat(record);
        }
        Struct value = (Struct) record.value();
        if (value.schema().name() != null && value.schema().name().endsWith(SCHEMA_CHANGE_VALUE)) {
            return schemaChange(value);
        }
        Envelope envelope = envelopes.get(value.schema(), Envelope::of);
        if (envelope.op() == null || envelope.source() == null) {
            return new Converted.Skip("not a row change (" + value.schema().name() + ")");
        }
        String op = value.get(envelope.op()) instanceof String o ? o : null;
        if (op == null || op.equals("m")) {
            // pg_logical_emit_message messages, which name no table
            return new Converted.Skip("operation " + op + " is not a row change");
        }
        TableId table;
        SourceInfo info;
        try {
            Struct source = (Struct) value.get(envelope.source());
            SourceFields fields = sourceFields.get(source.schema(), SourceFields::of);
            table = table(source, fields);
            info = withTxSeq(sourceInfo(source, fields, record.sourceOffset()), value, envelope);
        } catch (RuntimeException e) {
            // a row change, though its table or place is unknown: kept in the dead-letter topic, never dropped unseen
            return new Converted.Failure(null, "no table or position in a '" + op + "' record", e.getClass().getSimpleName() + ": "
                    + e.getMessage());
        }
        if (table.equals(signalTable)) {
            return new Converted.Skip("signal");
        }
        if (op.equals("t")) {
            return table.equals(heartbeatTable) ? new Converted.Skip("truncate of the heartbeat table") : new Converted.Truncate(table, info);
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
            if (envelope.after() == null) {
                throw new DataException("after is not a valid field name");
            }
            Schema rowSchema = envelope.after().schema();
            TableShape shape = shapes.get(rowSchema, s -> shape(table, s, record.keySchema()));
            Row before = row((Struct) required(value, envelope.before(), "before"), shape);
            Row after = row((Struct) value.get(envelope.after()), shape);
            Row key = key((Struct) record.key(), shape, table);
            ChangeEvent.RowChange event = switch (op) {
                case "c" -> ChangeEvent.RowChange.insert(table, key, after, info, 0);
                case "u" -> ChangeEvent.RowChange.update(table, key, before, after, info, 0);
                case "d" -> ChangeEvent.RowChange.delete(table, key, before, info, 0);
                case "r" -> ChangeEvent.RowChange.read(table, key, after, info, 0);
                default -> throw new IllegalArgumentException("unknown Debezium op '" + op + "'");
            };
            return new Converted.Row(keyChange(record, event, shape), shape.schema(), shape.defaulted());
        } catch (UnsupportedColumnException e) {
            return new Converted.Failure(table, "unsupported column type", e.getMessage());
        } catch (RuntimeException e) {
            return new Converted.Failure(table, "cannot convert to a canonical event", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * A primary-key change, which Debezium sends as a delete of the old key (header {@value #NEW_KEY}) and a create of the
     * new one ({@value #OLD_KEY}): each half names the other key (transform derives MySQL's unlogged {@code ON UPDATE}
     * actions from the pair, and no {@code ON DELETE} action from the delete).
     */
    private static ChangeEvent.RowChange keyChange(SourceRecord record, ChangeEvent.RowChange event, TableShape shape) {
        boolean delete = event.op() == ChangeEvent.Op.DELETE;
        if (!delete && event.op() != ChangeEvent.Op.CREATE || record.headers() == null || record.headers().isEmpty()) {
            return event;
        }
        org.apache.kafka.connect.header.Header header = record.headers().lastWithName(delete ? NEW_KEY : OLD_KEY);
        if (header == null || !(header.value() instanceof Struct other)) {
            return event;
        }
        return event.keyChanged(key(other, shape, event.table()));
    }

    /**
     * A binlog's DDL as Debezium reports it ({@code include.schema.changes}): the tables it created or altered; none for one
     * the initial snapshot read (the launch's preflight read the facts of every table just before; a blocking snapshot's
     * DDL carries no snapshot mark and is read as streamed). Never part of a snapshot run.
     */
    private Converted schemaChange(Struct value) {
        Struct source = value.schema().field("source") == null ? null : value.getStruct("source");
        Object mark = source == null || source.schema().field("snapshot") == null ? null : source.get("snapshot");
        if (mark != null && !mark.toString().equals("false")) {
            return new Converted.TablesChanged(List.of());
        }
        List<TableId> tables = new ArrayList<>();
        try {
            List<?> changes = value.schema().field("tableChanges") == null ? null : value.getArray("tableChanges");
            for (Object o : changes == null ? List.of() : changes) {
                Struct change = (Struct) o;
                String type = change.getString("type");
                if ("CREATE".equals(type) || "ALTER".equals(type)) {
                    io.debezium.relational.TableId id = io.debezium.relational.TableId.parse(change.getString("id"));
                    TableId table = new TableId(id.schema() != null ? id.schema() : id.catalog(), id.table());
                    if (!table.equals(heartbeatTable) && !table.equals(signalTable)) {
                        tables.add(table);
                    }
                }
            }
        } catch (RuntimeException e) {
            // not data: the tables' facts are then read again with their next row of a new shape, as without the record
            log.warn("capture of {}: a schema change record from Debezium is not understood ({}); the foreign keys of the tables"
                    + " it names are read again with their next change", pipeline, e.toString());
            return new Converted.TablesChanged(List.of());
        }
        return new Converted.TablesChanged(tables);
    }

    /**
     * A table's foreign keys as the source has them now, read again: a DDL of the table was streamed
     * ({@link Converted.TablesChanged}).
     */
    public List<ForeignKey> foreignKeysNow(TableId table) {
        // the table's next row derives its shape again, with these facts, whether or not Debezium made a new schema
        shapes.removeIf(shape -> shape.schema().table().equals(table));
        facts.reshaped(table);
        readAtDdl.add(table); // Debezium made a new Connect schema for it too: not read a second time for that
        return facts.foreignKeys(table);
    }

    private Converted marker(Struct value, SourceInfo info) {
        Struct after = value.getStruct("after");
        if (after == null || !pipeline.equals(after.getString("pipeline"))) {
            return new Converted.Skip("heartbeat row of another pipeline or a deleted one");
        }
        Marker.Kind kind = Marker.Kind.fromWire(after.getString("kind"));
        return new Converted.MarkerRow(new Marker(after.getInt64("seq"), info.tsUs(), kind), info);
    }

    /**
     * Debezium's own heartbeats stand in for Ferry's when the source is read-only (no heartbeat table). A heartbeat says
     * that everything up to the position in its offset was processed; its time is the commit time of the last change
     * processed there, from the same offset (PostgreSQL's {@code ts_usec}, the binlog's {@code ts_sec}), on the source's
     * clock. An offset without one (a binlog connection that has not met a captured change since it started: Debezium
     * does not keep {@code ts_sec} across restarts) gives no marker: the heartbeat record's own {@code ts_ms} is this
     * host's clock when it was sent, "now" even while Debezium works through a backlog, and would make a sink that
     * applied only heartbeats look caught up. Right after an initial snapshot PostgreSQL's {@code ts_usec} is the
     * snapshot's read time (this host's clock) until the first change streams.
     *
     * <p>Ids grow across launches (they start from this converter's creation time in microseconds): markers travel
     * through the transform's aligner and the sinks, which drop an id not above the last they passed.
     */
    private Converted debeziumHeartbeat(SourceRecord record) {
        long tsUs = committedUs(record.sourceOffset());
        if (tsUs < 0) {
            return new Converted.Skip("Debezium heartbeat whose offset has no commit time yet");
        }
        SourceInfo info = new SourceInfo(pipeline, position(record.sourceOffset()), orderOf(record.sourceOffset()), null, tsUs, false);
        return new Converted.MarkerRow(new Marker(++debeziumHeartbeats, tsUs, Marker.Kind.HEARTBEAT), info);
    }

    /**
     * The log position of a Debezium offset as a change's order ({@link SourceInfo#order()}), 0 when it has none: with it
     * a heartbeat that passed a partition after its last change is that partition's applied position, so a table with
     * no recent change on a busy read-only source does not look as far behind as its last change is old.
     */
    static long orderOf(Map<String, ?> offset) {
        if (offset == null) {
            return 0;
        }
        if (offset.get("lsn") instanceof Long lsn) {
            return lsn;
        }
        if (offset.get("file") instanceof String file && offset.get("pos") instanceof Number pos) {
            long event = offset.get("event") instanceof Number n ? n.longValue() : 0;
            int row = offset.get("row") instanceof Number n ? n.intValue() : 0;
            return binlogOrder(file, pos.longValue(), event, row);
        }
        return 0;
    }

    /** The commit time (µs, source clock) of the last change a Debezium offset says was processed; -1 when it has none. */
    static long committedUs(Map<String, ?> offset) {
        if (offset == null) {
            return -1;
        }
        if (offset.get("ts_usec") instanceof Number us && us.longValue() > 0) {
            return us.longValue();
        }
        if (offset.get("ts_sec") instanceof Number sec && sec.longValue() > 0) {
            return sec.longValue() * 1_000_000;
        }
        return -1;
    }

    /**
     * A table's schema (version 0) from Debezium's Connect schemas of its rows and key, as its changes carry them; also for
     * a table without rows, whose schemas Debezium's own code built from the catalog ({@code SourceDialect.connectSchemas}).
     */
    public TableSchema schemaOf(TableId table, Schema rowSchema, Schema keySchema) {
        List<Column> columns = new ArrayList<>(rowSchema.fields().size());
        java.util.Set<String> json = facts.jsonColumns(table);
        for (Field f : rowSchema.fields()) {
            ColumnType type = ConnectTypes.of(f.schema(), table + "." + f.name());
            if (type.kind() == io.ferry.core.types.CanonicalType.STRING && json.contains(f.name())) {
                type = ColumnType.of(io.ferry.core.types.CanonicalType.JSON);
            }
            columns.add(new Column(f.name(), type, f.schema().isOptional()));
        }
        List<String> pk = keySchema == null ? List.of() : keySchema.fields().stream().map(Field::name).toList();
        return new TableSchema(table, columns, pk, 0, facts.foreignKeys(table));
    }

    private TableShape shape(TableId table, Schema rowSchema, Schema keySchema) {
        List<Field> fields = rowSchema.fields();
        boolean readJustNow = readAtDdl.remove(table);
        if (!shaped.add(table) && !readJustNow) {
            facts.reshaped(table);
        }
        TableSchema schema = schemaOf(table, rowSchema, keySchema);
        List<ColumnType> types = schema.columns().stream().map(Column::type).toList();
        boolean[] plain = new boolean[fields.size()];
        java.util.Set<String> defaulted = new java.util.HashSet<>();
        for (int i = 0; i < plain.length; i++) {
            plain[i] = fields.get(i).schema().defaultValue() == null;
            if (!plain[i]) {
                defaulted.add(fields.get(i).name());
            }
        }
        return new TableShape(schema, rowSchema, fields, types, plain, java.util.Set.copyOf(defaulted));
    }

    private static Row row(Struct struct, TableShape shape) {
        if (struct == null) {
            return null;
        }
        Row.Builder row = Row.builder();
        boolean sameSchema = struct.schema() == shape.rowSchema();
        for (int i = 0; i < shape.fields().size(); i++) {
            Field f = shape.fields().get(i);
            // Not struct.get(f) for a column with a DEFAULT: Connect answers a NULL with it (Debezium puts it in the schema).
            // Without one, get(f) is the same value without the lookup by name, for a struct of the schema f belongs to.
            Object v = sameSchema && shape.plain()[i] ? struct.get(f) : struct.getWithoutDefault(f.name());
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
            Object value = key.getWithoutDefault(f.name());
            if (value == null) {
                // only a MySQL or MariaDB zero date, which capture takes as NULL (ZeroDates)
                throw new IllegalArgumentException("primary key column '" + f.name() + "' of " + table + " is NULL: a MySQL zero date "
                        + "('0000-00-00'), which no target can hold as a key; give the source row a real date");
            }
            row.put(f.name(), ConnectValues.canonical(f.schema(), type, value));
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
    public SourceInfo sourceOf(SourceRecord record) {
        try {
            if (!(record.value() instanceof Struct value)
                    || !(get(value, envelopes.get(value.schema(), Envelope::of).source()) instanceof Struct source)) {
                return null;
            }
            return sourceInfo(source, sourceFields.get(source.schema(), SourceFields::of), record.sourceOffset());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The change's place within its transaction, from Debezium's transaction metadata (total_order counts from 1). */
    private static SourceInfo withTxSeq(SourceInfo info, Struct value, Envelope envelope) {
        if (!(get(value, envelope.transaction()) instanceof Struct transaction)) {
            return info;
        }
        Object total = transaction.get("total_order");
        long seq = total instanceof Number n ? Math.max(0, n.longValue() - 1) : 0;
        return new SourceInfo(info.db(), info.pos(), info.order(), info.txId(), seq, info.tsUs(), info.snapshot());
    }

    private static TableId table(Struct source, SourceFields f) {
        Object schema = get(source, f.schema());
        String namespace = schema != null ? (String) schema : (String) required(source, f.db(), "db");
        return new TableId(namespace, (String) required(source, f.table(), "table"));
    }

    private static SourceInfo sourceInfo(Struct source, SourceFields f, Map<String, ?> offset) {
        Object us = get(source, f.tsUs());
        long tsUs = us != null ? (Long) us : (Long) required(source, f.tsMs(), "ts_ms") * 1000;
        String snapshot = f.snapshot() == null ? null : String.valueOf(source.get(f.snapshot()));
        boolean inSnapshot = snapshot != null && !snapshot.equals("false") && !snapshot.equals("null");
        String pos;
        long order;
        String txId;
        if (f.lsn() != null) {
            Object lsn = source.get(f.lsn());
            order = lsn == null ? 0 : (Long) lsn;
            pos = lsn == null ? position(offset) : lsn(order);
            Object tx = get(source, f.txId());
            txId = tx == null ? null : tx.toString();
        } else {
            String file = (String) required(source, f.file(), "file");
            long filePos = ((Number) required(source, f.pos(), "pos")).longValue();
            Object rowInEvent = get(source, f.row());
            int row = rowInEvent == null ? 0 : ((Number) rowInEvent).intValue();
            // Every row event of a transaction reports the transaction's start; Debezium's offset counts the
            // events before this one within it.
            Object eventInTx = offset == null ? null : offset.get("event");
            long event = eventInTx instanceof Number n ? n.longValue() : 0;
            pos = file + ":" + filePos + ":" + event + ":" + row;
            order = binlogOrder(file, filePos, event, row);
            Object gtid = get(source, f.gtid());
            txId = gtid == null ? null : gtid.toString();
        }
        return new SourceInfo((String) required(source, f.db(), "db"), pos, order, txId, tsUs, inSnapshot);
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
