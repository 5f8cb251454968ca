package io.ferry.sinks.mongodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.ferry.core.event.Row;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.schema.Column;
import io.ferry.core.spi.EvolutionPolicy;
import io.ferry.core.spi.KeyRange;
import io.ferry.core.spi.RowReader;
import io.ferry.core.spi.Sink;
import io.ferry.core.spi.SinkContext;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.core.spi.TableManager;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Writes target events into MongoDB, one ordered {@code bulkWrite} per collection and batch: an upsert
 * replaces the document with {@code _id} = the target key (a one-column key's value, else a sub-document
 * of the key columns); a delete removes it; a patch updates one part in place — a sub-document with
 * {@code $set}/{@code $unset}, an array element by its key with {@code $pull} then {@code $push} (arrays of
 * keyed elements carry no order), one or two array levels deep (the second through the positional
 * {@code $} operator). Deeper patches need {@code arrayFilters}, which only a real MongoDB supports fully.
 * Values are written by their mapped types at every depth, in patches as in upserts ({@link MongoValues}).
 */
public final class MongoSink implements Sink, TableManager, RowReader {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MongoSink.class);

    /**
     * Documents per reply when reading back. Without it mongo-java-server (devstack's stand-in) answers a find in one
     * reply however large, which the driver refuses beyond 48,000,000 bytes; a real MongoDB caps each batch at 16 MiB.
     */
    private static final int READ_BATCH = 1_000;

    private final MongoClient client;
    private final MongoDatabase database;
    private final SinkContext context;
    private final ZoneId naiveZone;
    private final Set<String> created = new HashSet<>();

    MongoSink(MongoClient client, String database, SinkContext context, ZoneId naiveZone) {
        this.client = client;
        this.database = client.getDatabase(database);
        this.context = context;
        this.naiveZone = naiveZone;
    }

    @Override
    public void write(List<TargetEvent> batch) throws SinkWriteException {
        Map<Integer, String> rejected = new TreeMap<>();
        Map<String, List<WriteModel<Document>>> models = new LinkedHashMap<>();
        Map<String, List<Integer>> origin = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            TargetEvent e = batch.get(i);
            String collection = e.table();
            try {
                List<WriteModel<Document>> forEvent = models(e);
                models.computeIfAbsent(collection, k -> new ArrayList<>()).addAll(forEvent);
                for (int n = 0; n < forEvent.size(); n++) {
                    origin.computeIfAbsent(collection, k -> new ArrayList<>()).add(i);
                }
            } catch (IllegalArgumentException ex) {
                rejected.put(i, "MongoDB cannot hold a value: " + ex.getMessage());
            }
        }
        for (var entry : models.entrySet()) {
            List<WriteModel<Document>> writes = entry.getValue();
            List<Integer> indexes = origin.get(entry.getKey());
            int from = 0;
            // outside the write's try: a name MongoDB refuses is the mapping's, not a document's
            var collection = database.getCollection(entry.getKey());
            while (from < writes.size()) {
                try {
                    collection.bulkWrite(writes.subList(from, writes.size()), new BulkWriteOptions().ordered(true));
                    break;
                } catch (MongoBulkWriteException ex) {
                    requireAcknowledged(ex);
                    BulkWriteError error = ex.getWriteErrors().get(0);
                    int failed = from + error.getIndex();
                    rejected.put(indexes.get(failed), "MongoDB refused it: " + error.getMessage());
                    // an ordered bulk write stops at the first error: go on after it
                    from = failed + 1;
                    while (from < writes.size() && indexes.get(from).equals(indexes.get(failed))) {
                        from++;
                    }
                } catch (org.bson.BSONException | IllegalArgumentException ex) {
                    // a document the driver cannot send (over MongoDB's 16 MiB, a field name it refuses), named by no index:
                    // the rest one at a time
                    writeOneByOne(entry.getKey(), writes, indexes, from, rejected);
                    break;
                } catch (MongoException ex) {
                    throw unavailableOr(ex);
                }
            }
        }
        if (!rejected.isEmpty()) {
            throw SinkWriteException.rejected(rejected, null);
        }
    }

    /**
     * Writes {@code writes} from {@code from} on one at a time, so that each one the driver or the server refuses is put
     * down to its event; an event's later writes are skipped once one of its writes was refused.
     */
    private void writeOneByOne(String collection, List<WriteModel<Document>> writes, List<Integer> indexes, int from,
            Map<Integer, String> rejected) throws SinkWriteException {
        var target = database.getCollection(collection);
        for (int k = from; k < writes.size(); k++) {
            if (rejected.containsKey(indexes.get(k))) {
                continue;
            }
            try {
                target.bulkWrite(List.of(writes.get(k)), new BulkWriteOptions().ordered(true));
            } catch (org.bson.BSONException | IllegalArgumentException ex) {
                rejected.put(indexes.get(k), "MongoDB cannot hold the document: " + ex.getMessage());
            } catch (MongoBulkWriteException ex) {
                requireAcknowledged(ex);
                rejected.put(indexes.get(k), "MongoDB refused it: " + ex.getWriteErrors().get(0).getMessage());
            } catch (MongoException ex) {
                throw unavailableOr(ex);
            }
        }
    }

    /**
     * A bulk write whose write concern failed (not acknowledged by enough members) holds none of its writes for sure: the
     * batch is retried, whatever write errors it also has.
     */
    private static void requireAcknowledged(MongoBulkWriteException ex) throws SinkWriteException {
        if (ex.getWriteErrors().isEmpty() || ex.getWriteConcernError() != null) {
            throw SinkWriteException.transientFailure("MongoDB did not acknowledge the writes: " + ex.getMessage(), ex);
        }
    }

    /** A retryable failure for a server out of reach or a write the server labels retryable; else the exception itself. */
    private static SinkWriteException unavailableOr(MongoException ex) {
        if (ex instanceof MongoSocketException || ex instanceof MongoTimeoutException || ex.hasErrorLabel("RetryableWriteError")
                || ex.hasErrorLabel("TransientTransactionError")) {
            return SinkWriteException.transientFailure("MongoDB unavailable: " + ex.getMessage(), ex);
        }
        throw ex;
    }

    private List<WriteModel<Document>> models(TargetEvent e) {
        if (e instanceof TargetEvent.Upsert u) {
            TargetTable table = table(u.table());
            Document doc = new Document("_id", id(table, u.key()));
            boolean complete = true;
            for (Column c : table.columns()) {
                if (u.row().has(c.name())) {
                    doc.append(c.name(), MongoValues.toBson(c.name(), c.type(), u.row().get(c.name()), naiveZone));
                } else {
                    complete = false;
                }
            }
            // columns no mapping defines travel as they are
            u.row().asMap().forEach((k, v) -> {
                if (!doc.containsKey(k)) {
                    doc.append(k, MongoValues.generic(v));
                }
            });
            if (complete) {
                return List.of(new ReplaceOneModel<>(Filters.eq("_id", doc.get("_id")), doc, new ReplaceOptions().upsert(true)));
            }
            // a column absent from the row (a TOAST value the source left out) keeps what the document has
            List<Bson> sets = new ArrayList<>();
            doc.forEach((k, v) -> {
                if (!k.equals("_id")) {
                    sets.add(Updates.set(k, v));
                }
            });
            return List.of(new UpdateOneModel<>(Filters.eq("_id", doc.get("_id")), Updates.combine(sets), new UpdateOptions().upsert(true)));
        }
        if (e instanceof TargetEvent.Delete d) {
            return List.of(new DeleteOneModel<>(Filters.eq("_id", id(table(d.table()), d.key()))));
        }
        if (e instanceof TargetEvent.Patch p) {
            TargetTable table = table(p.table());
            return patch(p, table, id(table, p.key()));
        }
        return List.of();
    }

    private List<WriteModel<Document>> patch(TargetEvent.Patch p, TargetTable table, Object id) {
        List<TargetEvent.PathStep> path = p.path();
        TargetEvent.PathStep last = path.get(path.size() - 1);
        UpdateOptions upsert = new UpdateOptions().upsert(true);
        // the element or sub-document is written with its fields' types, and its key matched with them
        List<Map<String, ColumnType>> fields = MongoValues.fieldsAlong(table, path);
        String where = table.name() + ":" + String.join(".", path.stream().map(TargetEvent.PathStep::field).toList());
        Object value = p.value() == null ? null : MongoValues.document(where, fields.get(path.size() - 1), p.value(), naiveZone);
        if (last.elementKey() == null) {
            if (path.stream().anyMatch(s -> s.elementKey() != null)) {
                throw new IllegalArgumentException("a sub-document inside an array element needs a real MongoDB's arrayFilters");
            }
            String field = String.join(".", path.stream().map(TargetEvent.PathStep::field).toList());
            return List.of(new UpdateOneModel<>(Filters.eq("_id", id),
                    p.action() == TargetEvent.Patch.Action.SET ? Updates.set(field, value) : Updates.unset(field), upsert));
        }
        List<TargetEvent.PathStep> parents = path.subList(0, path.size() - 1);
        long keyedParents = parents.stream().filter(s -> s.elementKey() != null).count();
        Bson filter;
        String arrayField;
        if (keyedParents == 0) {
            filter = Filters.eq("_id", id);
            arrayField = String.join(".", path.stream().map(TargetEvent.PathStep::field).toList());
        } else if (keyedParents == 1 && parents.get(parents.size() - 1).elementKey() != null) {
            TargetEvent.PathStep parent = parents.get(parents.size() - 1);
            String parentField = String.join(".", parents.stream().map(TargetEvent.PathStep::field).toList());
            List<Bson> match = new ArrayList<>(List.of(Filters.eq("_id", id)));
            Map<String, ColumnType> parentFields = fields.get(parents.size() - 1);
            parent.elementKey().asMap().forEach((k, v) -> match.add(Filters.eq(parentField + "." + k,
                    MongoValues.toBson(parentField + "." + k, parentFields.get(k), v, naiveZone))));
            filter = Filters.and(match);
            arrayField = parentField + ".$." + last.field();
            upsert = new UpdateOptions();
        } else {
            throw new IllegalArgumentException("patches deeper than two array levels need a real MongoDB's arrayFilters");
        }
        Document elementKey = MongoValues.document(where, fields.get(path.size() - 1), last.elementKey(), naiveZone);
        List<WriteModel<Document>> out = new ArrayList<>();
        out.add(new UpdateOneModel<>(filter, Updates.pull(arrayField, elementKey), upsert));
        if (p.action() == TargetEvent.Patch.Action.SET) {
            out.add(new UpdateOneModel<>(filter, Updates.push(arrayField, value), upsert));
        }
        return out;
    }

    private static Object id(TargetTable table, Row key) {
        if (table.key().size() == 1) {
            Column c = column(table, table.key().get(0));
            return MongoValues.toBson(c.name(), c.type(), key.get(c.name()), ZoneId.of("UTC"));
        }
        Document id = new Document();
        for (String k : table.key()) {
            Column c = column(table, k);
            id.append(k, MongoValues.toBson(c.name(), c.type(), key.get(k), ZoneId.of("UTC")));
        }
        return id;
    }

    private static Column column(TargetTable table, String name) {
        return table.columns().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(table.name() + " has no column " + name));
    }

    private TargetTable table(String name) {
        TargetTable table = context.targetTables().get(name);
        if (table == null) {
            throw new IllegalArgumentException("no mapping defines target collection '" + name + "'");
        }
        if (!created.contains(name)) {
            ensure(name);
            io.ferry.sinks.runtime.MillisecondKeys.warning(context.sinkName(), "MongoDB", table).ifPresent(log::warn);
        }
        return table;
    }

    private void ensure(String name) {
        Set<String> existing = new HashSet<>();
        database.listCollectionNames().into(existing);
        if (!existing.contains(name)) {
            try {
                database.createCollection(name);
            } catch (MongoException e) {
                if (e.getCode() != 48) { // NamespaceExists: another writer created it first
                    throw e;
                }
            }
        }
        created.add(name);
    }

    /** Collections have no columns: every policy is satisfied by creating the collection. */
    @Override
    public void ensureTable(TargetTable table, EvolutionPolicy evolution) {
        ensure(table.name());
    }

    @Override
    public void read(String tableName, KeyRange range, Consumer<Row> rows) throws SinkWriteException {
        TargetTable table = context.targetTables().get(tableName);
        if (table == null) {
            throw new IllegalArgumentException("no mapping defines target collection '" + tableName + "'");
        }
        Bson filter = new Document();
        if (range instanceof KeyRange.Keys keys) {
            List<Bson> bounds = new ArrayList<>();
            if (keys.fromInclusive() != null) {
                bounds.add(Filters.gte("_id", id(table, keys.fromInclusive())));
            }
            if (keys.toExclusive() != null) {
                bounds.add(Filters.lt("_id", id(table, keys.toExclusive())));
            }
            filter = bounds.isEmpty() ? filter : Filters.and(bounds);
        } else if (range instanceof KeyRange.Tokens) {
            throw new IllegalArgumentException("token ranges are Cassandra's; MongoDB is read by key range");
        }
        try {
            try (MongoCursor<Document> cursor = database.getCollection(tableName).find(filter).sort(new Document("_id", 1))
                    .batchSize(READ_BATCH).iterator()) {
                while (cursor.hasNext()) {
                    Document d = cursor.next();
                    Row.Builder row = Row.builder();
                    for (Column c : table.columns()) {
                        row.put(c.name(), MongoValues.fromBson(c.type(), d.get(c.name()), naiveZone));
                    }
                    d.forEach((k, v) -> {
                        if (!k.equals("_id") && table.columns().stream().noneMatch(c -> c.name().equals(k))) {
                            row.put(k, MongoValues.fromBson(ColumnType.of(CanonicalType.STRING), v, naiveZone));
                        }
                    });
                    rows.accept(row.build());
                }
            }
        } catch (MongoSocketException | MongoTimeoutException e) {
            throw SinkWriteException.transientFailure("MongoDB unavailable: " + e.getMessage(), e);
        }
    }

    /** The whole document with this key, nested parts included, for validation and tests. */
    public Document document(String collection, Row key) {
        return database.getCollection(collection).find(Filters.eq("_id", id(table(collection), key))).first();
    }

    @Override
    public void close() {
        client.close();
    }

}
