package io.ferry.transform.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ChangeEventCodec;
import io.ferry.core.event.EventFormatException;
import io.ferry.core.event.KeyCodec;
import io.ferry.core.event.Marker;
import io.ferry.core.event.Row;
import io.ferry.core.event.SourceInfo;
import io.ferry.core.event.TableId;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.event.TargetEventCodec;
import io.ferry.core.topic.DeadLetter;
import io.ferry.core.topic.TopicNames;
import io.ferry.core.topic.TopicRecords;
import io.ferry.transform.mapping.MappingException;
import io.ferry.transform.mapping.RowMapper;
import io.ferry.transform.mapping.TargetMapping;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stateful heart of a mapping group. For each change it finds the root rows whose target rows or
 * documents the change touches, maps them before and after applying the change to its state, and emits
 * the difference: upserts, deletes (a filtered-out row, a changed target key), patches of nested
 * documents. Unlogged cascades are synthesized first; markers pass once every input has delivered them.
 */
final class GroupProcessor implements Processor<byte[], byte[], byte[], byte[]> {

    private static final Logger log = LoggerFactory.getLogger(GroupProcessor.class);
    /** How often the punctuator goes on with the sweeps under way ({@link #sweepBudget} rows of state each time). */
    private static final java.time.Duration SWEEP_EVERY = java.time.Duration.ofMillis(200);
    /** System property: rows of state one punctuation's sweeping looks at (default 5,000; small in tests). */
    static final String SWEEP_BUDGET_PROPERTY = "ferry.transform.sweep_budget";
    /** The source db of the deletes a sweep makes (no source event caused them). */
    private static final String SWEEP_DB = "ferry-snapshot-sweep";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final MappingGroup group;
    /** The tables a change of which can change other rows through an unlogged ON UPDATE action. */
    private final Set<TableId> updatesChildren;
    private final TransformSpec spec;
    private final TopicNames names;
    private final StoreNames stores;
    private final RowMapper mapper;
    private final TopicListing listing;
    /** The change topics a pattern group reads; null for a group that reads by name. */
    private final Pattern patternTopics;
    /** When this task first saw each recent marker (a pattern group's listing must have begun after that). */
    private final Map<Long, Long> markerSeenNanos = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > 64;
        }
    };
    private int partition;
    /** The last listing this task turned into inputs, and those inputs. */
    private Map<String, Integer> lastListing;
    private Set<String> lastListedInputs = Set.of();
    private final List<String> outputTopics = new ArrayList<>();
    private ProcessorContext<byte[], byte[]> context;
    private GroupState state;
    private MarkerAligner aligner;
    private SnapshotRuns runs;
    /** The snapshot run rows written by the change being applied belong to (their input's). */
    private long writingRun;
    /** Whether a sweep is under way in this task (the punctuator has work). */
    private boolean sweeping;
    private final int sweepBudget = Math.max(1, Integer.getInteger(SWEEP_BUDGET_PROPERTY, 5_000));
    private OutputStamps stamps;
    /** Funneled groups only: puts the inputs' changes back into source order. */
    private SourceOrder order;
    private int origin;
    private int origins;

    GroupProcessor(MappingGroup group, TransformSpec spec, StoreNames stores) {
        this(group, spec, stores, TopicListing.NONE);
    }

    /** @param listing the cluster's topics: a group that reads by pattern lets a marker through once every matching one delivered it */
    GroupProcessor(MappingGroup group, TransformSpec spec, StoreNames stores, TopicListing listing) {
        this.group = group;
        this.updatesChildren = group.cascades().stream().filter(c -> c.onUpdate() != Cascade.Action.NONE).map(Cascade::parent)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        this.listing = listing;
        this.spec = spec;
        this.names = new TopicNames(spec.pipeline());
        this.patternTopics = group.pattern().isPresent() ? TransformTopology.changeTopics(names, group) : null;
        this.stores = stores;
        this.mapper = new RowMapper(spec.sourceZone());
        for (TargetMapping m : group.mappings()) {
            for (String sink : sinksOf(m)) {
                outputTopics.add(names.target(sink, m.to()));
            }
        }
    }

    private List<String> sinksOf(TargetMapping m) {
        return m.sinksOf(spec.sinks());
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        KeyValueStore<Bytes, byte[]> rows = context.getStateStore(stores.rows());
        KeyValueStore<Bytes, byte[]> index = context.getStateStore(stores.index());
        Map<TableId, List<IndexSpec>> byTable = new HashMap<>();
        group.indexes().forEach(i -> byTable.computeIfAbsent(i.table(), t -> new ArrayList<>()).add(i));
        this.state = new GroupState(rows, index, byTable);
        this.partition = context.taskId().partition();
        Set<String> expected = new LinkedHashSet<>();
        for (TableId t : group.tables()) {
            if (group.funnel()) {
                for (int p = 0; p < spec.partitions(); p++) {
                    expected.add(names.change(t) + ":" + p);
                }
            } else {
                expected.add(names.change(t) + ":" + partition);
            }
        }
        this.aligner = new MarkerAligner(context.getStateStore(stores.markers()), expected);
        this.stamps = new OutputStamps(context.getStateStore(stores.markers()));
        this.runs = new SnapshotRuns(context.getStateStore(stores.markers()));
        // a held marker with no sweep left (its sweep was dropped for a newer run just before the task moved) passes at the
        // first punctuation, as it would have here; else it would wait for the next sweep and pass after newer markers
        this.sweeping = !runs.sweeps().isEmpty() || runs.holds();
        context.schedule(SWEEP_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> {
            if (sweeping) {
                continueSweeps();
            }
        });
        this.order = group.funnel() ? new SourceOrder(context.getStateStore(stores.order()), expected) : null;
        this.origin = group.funnel() ? 0 : partition;
        this.origins = group.funnel() ? 1 : spec.partitions();
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Input in = input(record);
        ChangeEvent event;
        try {
            event = ChangeEventCodec.decode(record.key(), record.value());
        } catch (EventFormatException e) {
            deadLetter(record, in, group.name(), "malformed change event", e.getMessage());
            return;
        }
        long stamp = event.match(row -> row.source().stampUs(), marker -> marker.source() == null ? 0L : marker.source().stampUs());
        if (order == null || stamp <= 0) {
            // not funneled (one partition is in order), or not stamped by capture (nothing to order by)
            process(event, record, in);
            return;
        }
        // a snapshot's bounds pass as its rows do (at once unless something older waits); a TRUNCATE's, streamed, in order
        boolean snapshot = event.match(row -> row.op() == ChangeEvent.Op.READ, marker -> marker.marker().kind().snapshotBound()
                && marker.source() != null && marker.source().snapshot());
        for (SourceOrder.Released r : order.offer(in.topic(), in.partition(), in.offset(), stamp, snapshot, record)) {
            Input at = new Input(r.topic(), r.partition(), r.offset());
            if (r.record() == record) {
                process(event, record, at);
            } else {
                process(ChangeEventCodec.decode(r.record().key(), r.record().value()), r.record(), at);
            }
        }
    }

    private void process(ChangeEvent event, Record<byte[], byte[]> record, Input in) {
        event.match(row -> {
            String input = in.input();
            aligner.seen(input);
            if (group.pattern().isPresent() && !group.tables().contains(row.table())
                    && !group.pattern().get().matches(row.table())) {
                return null;
            }
            writingRun = runs.runOf(input);
            onRow(row, record, in);
            return null;
        }, marker -> {
            if (marker.marker().kind().snapshotBound()) {
                onSnapshotBound(marker.marker(), marker.source(), in);
            } else {
                Set<String> listed = listedInputs(marker.marker());
                aligner.marker(in.input(), marker.marker(), listed, this::goneInput).ifPresent(m -> {
                    if (sweeping) {
                        runs.hold(passage(m, marker.source())); // passes once the sweep's deletes are out
                    } else {
                        passMarker(passage(m, marker.source()), record.timestamp());
                    }
                });
            }
            return null;
        });
    }

    /**
     * A snapshot run's bound ({@link SnapshotRuns}): a start makes the input's rows belong to the run; an end that
     * completes the run for its table begins a sweep of the table's rows the run did not write, deleted through the same
     * path a source delete takes (so aggregates, relations and nested documents follow), a slice now and the rest
     * from the punctuator, so no transaction grows without bound.
     */
    private void onSnapshotBound(Marker marker, SourceInfo source, Input in) {
        TableId table = marker.table();
        if (!group.tables().contains(table) && (group.pattern().isEmpty() || !group.pattern().get().matches(table))) {
            return;
        }
        long run = marker.id();
        if (marker.kind() == Marker.Kind.SNAPSHOT_START) {
            runs.started(in.input(), run);
            // a sweep of an older run still under way would delete this run's rows: it stops, and this run's end sweeps
            runs.sweep(table).filter(s -> s.run() != run).ifPresent(s -> runs.dropSweep(table));
            return;
        }
        if (!runs.ended(in.input(), table, run, inputsOf(table, in))) {
            return; // other inputs of the table are still in the run (or already in a later one), or it is swept
        }
        if (!runs.mayHoldLeftovers(table, run, () -> state.hasRows(table))) {
            runs.swept(table, run);
            return;
        }
        long now = System.currentTimeMillis() * 1000;
        runs.beginSweep(table, run, source == null ? now : source.tsUs(), source == null ? 0 : source.stampUs());
        log.info("transform {}: snapshot run {} of {} ended on every input; looking for rows of {} it did not write (a TRUNCATE,"
                + " rows an earlier, interrupted run read, or rows the source lost where no log showed it), up to {} rows of state every {} ms",
                group.name(), run, table, table, sweepBudget,
                SWEEP_EVERY.toMillis());
        sweeping = true; // the punctuator does the work, within its budget
    }

    /**
     * One punctuation's share of the sweeps under way: {@link #sweepBudget} rows of state looked at, taken from the sweeps
     * in turn; markers held meanwhile pass once the last sweep is done.
     */
    private void continueSweeps() {
        int budget = sweepBudget;
        for (SnapshotRuns.Sweep sweep : runs.sweeps()) {
            if (budget <= 0) {
                break;
            }
            budget -= sweepSlice(sweep, budget);
        }
        // a slice that stops short of its table's end has used all of the budget; budget left means every sweep is done
        sweeping = budget <= 0;
        if (!sweeping) {
            runs.takeHeld().ifPresent(p -> passMarker(p, context.currentSystemTimeMs()));
        }
    }

    /** Deletes the leftovers among the next {@code budget} rows of a sweep's table; returns how many rows it looked at. */
    private int sweepSlice(SnapshotRuns.Sweep sweep, int budget) {
        TableId table = sweep.table();
        GroupState.Slice slice = state.rowsNotIn(table, sweep.run(), sweep.after(), budget);
        SourceInfo source = new SourceInfo(SWEEP_DB, "", 0, null, 0, sweep.tsUs(), true, sweep.stampUs());
        writingRun = sweep.run();
        long removed = sweep.removed();
        for (GroupState.Entry leftover : slice.leftovers()) {
            Row old = state.get(table, leftover.key());
            if (old == null) {
                continue; // removed by a cascade of an earlier leftover
            }
            ChangeEvent.RowChange delete = ChangeEvent.RowChange.delete(table, leftover.key(), old, source, 0);
            Record<byte[], byte[]> record = new Record<>(ChangeEventCodec.key(delete), ChangeEventCodec.value(delete),
                    context.currentSystemTimeMs());
            change(table, leftover.key(), old, null, ChangeEvent.Op.DELETE, false, null, null, source, record,
                    new Input(names.change(table), -1, -1));
            removed++;
        }
        if (slice.last() == null) {
            runs.swept(table, sweep.run());
            if (removed > 0) {
                log.warn("transform {}: snapshot run {} of {} ended without {} rows written before it; deleted them as the source no"
                        + " longer has them (a TRUNCATE, rows the source lost where no log showed it, or rows an earlier, interrupted"
                        + " run read)", group.name(), sweep.run(), table, removed);
            } else {
                log.info("transform {}: snapshot run {} of {} left no rows of an earlier run behind", group.name(), sweep.run(), table);
            }
        } else {
            runs.saveSweep(new SnapshotRuns.Sweep(table, sweep.run(), slice.last(), sweep.tsUs(), sweep.stampUs(), removed));
        }
        return slice.looked();
    }

    /** The inputs of this task that carry a table's rows: every partition behind a funnel, else this task's own. */
    private List<String> inputsOf(TableId table, Input in) {
        if (!group.funnel()) {
            return List.of(in.input());
        }
        List<String> inputs = new ArrayList<>();
        for (int p = 0; p < spec.partitions(); p++) {
            inputs.add(names.change(table) + ":" + p);
        }
        return inputs;
    }

    private void onRow(ChangeEvent.RowChange row, Record<byte[], byte[]> record, Input in) {
        Row old = state.get(row.table(), row.key());
        Row now = switch (row.op()) {
            case DELETE -> null;
            case UPDATE -> old == null ? row.after() : fill(old, row.after());
            case CREATE, READ -> row.after();
        };
        boolean keyChange = row.keyChange() != null;
        if (keyChange && row.op() == ChangeEvent.Op.DELETE && defersToCreate(row, old)) {
            return; // the create half, next in source order, applies both halves and the ON UPDATE actions as one change
        }
        Row formerKey = null;
        Row former = null;
        boolean actsOnChildren = updatesChildren.contains(row.table());
        if (actsOnChildren && keyChange && row.op() == ChangeEvent.Op.CREATE) {
            // the delete half was put off: the row is still under its old key (none when the delete half was applied)
            former = state.get(row.table(), row.keyChange());
            formerKey = former == null ? null : row.keyChange();
        } else if (actsOnChildren && row.op() == ChangeEvent.Op.UPDATE && old != null) {
            // a referenced column the stored row lacks (added with a default, whose backfill the log never shows)
            former = row.before() == null ? old : fill(row.before(), old);
        }
        change(row.table(), row.key(), old, now, row.op(), keyChange, formerKey, former, row.source(), record, in);
    }

    /**
     * Whether the delete half of a primary-key change waits for its create half (the next change in source order: the
     * two have consecutive stamps), so that the row's move and the ON UPDATE actions it causes are one change. Mapped
     * once before and once after, a child that looks its parent up is not written without it in between. Not when the
     * row state holds under the old key is not the row the log deleted: a capture that restarted sends again changes
     * that transform applied already, the old key names another row by now, and moving its children would be wrong
     * (no later change repairs an unlogged move). The delete is then applied alone, and the create finds nothing to move.
     */
    private boolean defersToCreate(ChangeEvent.RowChange delete, Row old) {
        if (!updatesChildren.contains(delete.table()) || old == null) {
            return false;
        }
        Row logged = delete.before();
        if (logged != null && !logged.columns().stream().filter(old::has).allMatch(c -> sameValue(logged.get(c), old.get(c)))) {
            log.warn("transform {}: {} changed its primary key from {} to {}, but the row the log shows under the old key is not"
                    + " the one Ferry holds (changes sent again after a capture restart, which Ferry applied already); the child"
                    + " rows its ON UPDATE actions changed are not changed again", group.name(), delete.table(), delete.key(),
                    delete.keyChange());
            return false;
        }
        return true;
    }

    /**
     * Whether a logged value and a stored one are the same source value, told leniently: a row in state may carry an
     * older form of it than the log (a decimal read before its column's scale grew, {@code 12.50} against
     * {@code 12.5000}; a JSON text as the snapshot read it, spaced otherwise than the log's).
     */
    private static boolean sameValue(JsonNode logged, JsonNode stored) {
        if (logged.equals(stored)) {
            return true;
        }
        if (!logged.isTextual() || !stored.isTextual()) {
            return logged.isNumber() && stored.isNumber() && logged.decimalValue().compareTo(stored.decimalValue()) == 0;
        }
        String a = logged.textValue();
        String b = stored.textValue();
        try {
            return new java.math.BigDecimal(a).compareTo(new java.math.BigDecimal(b)) == 0;
        } catch (NumberFormatException notDecimals) {
            // not numbers: JSON texts, perhaps
        }
        if ((a.startsWith("{") || a.startsWith("[")) && (b.startsWith("{") || b.startsWith("["))) {
            try {
                return JSON.readTree(a).equals(JSON.readTree(b));
            } catch (java.io.IOException notJson) {
                return false;
            }
        }
        return false;
    }

    /** An update's row with the columns the log left out (PostgreSQL's unchanged TOAST values) taken from state. */
    private static Row fill(Row old, Row after) {
        if (old.columns().stream().allMatch(after::has)) {
            return after;
        }
        Map<String, JsonNode> merged = new LinkedHashMap<>(old.asMap());
        merged.putAll(after.asMap());
        return Row.of(merged);
    }

    /** One row's change as state sees it, and the snapshot run the row then belongs to. */
    private record RowDelta(TableId table, Row key, Row old, Row now, long run) {
    }

    /**
     * The rows one change touches, the rows its unlogged foreign key actions change included: each once, from its stored
     * row to where the change leaves it, however many actions reach it (a child with two keys to the same parent).
     */
    private final class Touched {
        private final Map<java.nio.ByteBuffer, RowDelta> deltas = new LinkedHashMap<>();
        /** A row an action moved to another primary key: its old place → its new one. */
        private final Map<java.nio.ByteBuffer, GroupState.Entry> moved = new HashMap<>();

        private java.nio.ByteBuffer ref(TableId table, Row key) {
            byte[] t = table.toString().getBytes(StandardCharsets.UTF_8);
            byte[] k = KeyCodec.encode(key);
            return java.nio.ByteBuffer.allocate(t.length + 1 + k.length).put(t).put((byte) 0).put(k).flip();
        }

        /** A stored row as this change has left it so far, followed where an action moved it; null once it is gone. */
        GroupState.Entry current(GroupState.Entry stored) {
            GroupState.Entry at = stored;
            for (int hops = 0; hops <= MAX_CASCADE_DEPTH; hops++) {
                java.nio.ByteBuffer r = ref(at.table(), at.key());
                GroupState.Entry to = moved.get(r);
                if (to != null) {
                    at = to;
                    continue;
                }
                RowDelta d = deltas.get(r);
                return d == null ? at : d.now() == null ? null : new GroupState.Entry(at.table(), at.key(), d.now());
            }
            return null;
        }

        void set(TableId table, Row key, Row stored, Row now, long run) {
            java.nio.ByteBuffer r = ref(table, key);
            RowDelta d = deltas.remove(r);
            deltas.put(r, new RowDelta(table, key, d == null ? stored : d.old(), now, run));
        }

        void move(GroupState.Entry from, Row stored, Row toKey, Row now, long run) {
            set(from.table(), from.key(), stored, null, 0);
            Row there = state.get(from.table(), toKey);
            // a row a snapshot run read under the new key already is that run's
            set(from.table(), toKey, there, now, there == null ? run : state.storedRun(from.table(), toKey));
            moved.put(ref(from.table(), from.key()), new GroupState.Entry(from.table(), toKey, now));
        }

        /** Every touched row, the changed row itself last ({@code set} by the caller), without keying it when alone. */
        List<RowDelta> deltas(TableId table, Row key, Row old, Row now, long run) {
            if (deltas.isEmpty()) {
                return List.of(new RowDelta(table, key, old, now, run)); // no foreign key action: the common case
            }
            set(table, key, old, now, run);
            return List.copyOf(deltas.values());
        }
    }

    /**
     * Applies a change and the unlogged foreign key actions it causes as one step: the targets they touch are mapped once
     * before and once after, so a deleted order goes out as one patch, not one per item first.
     *
     * @param keyChange whether the change is one half of a primary-key change (Debezium's delete and create)
     * @param formerKey for the create half of a key change whose delete half was put off ({@link #defersToCreate}), the
     *     old key, whose row this change deletes; else null
     * @param former the row the ON UPDATE actions start from: the stored row of an update, the row under the old key for
     *     the create half of a key change; null for any other change
     */
    private void change(TableId table, Row key, Row old, Row now, ChangeEvent.Op op, boolean keyChange, Row formerKey,
            Row former, SourceInfo source, Record<byte[], byte[]> record, Input in) {
        Touched touched = new Touched();
        if (formerKey != null) {
            touched.set(table, formerKey, former, null, 0);
        }
        // A sweep's delete cascades nothing: the run read every child as the source has it now (a child the source
        // cascaded away is a leftover of its own table's sweep), and a new parent with the same referenced values may own
        // children the cascade would take. Nor does a snapshot read: the run reads the children as they are. The delete
        // half of a key change ran the key's ON UPDATE action at the source, not its ON DELETE one.
        if (op == ChangeEvent.Op.DELETE && old != null && !keyChange && !SWEEP_DB.equals(source.db())) {
            cascadeDelete(table, old, touched, 0);
        } else if (former != null && now != null) {
            cascadeUpdate(table, former, now, touched, 0);
        }
        List<RowDelta> deltas = touched.deltas(table, key, old, now, writingRun);
        List<Affected> affected = new ArrayList<>();
        for (MappingTree tree : group.trees()) {
            Map<java.nio.ByteBuffer, RootFinder.Root> roots = new LinkedHashMap<>();
            for (RowDelta d : deltas) {
                for (RootFinder.Root r : RootFinder.roots(tree, d.table(), d.key(), d.old(), d.now(), state)) {
                    java.nio.ByteBuffer k = java.nio.ByteBuffer.wrap(KeyCodec.encode(r.key()));
                    RootFinder.Root seen = roots.get(k);
                    roots.put(k, seen == null || r.own() ? r : seen);
                }
            }
            affected.add(new Affected(tree.mapping(), List.copyOf(roots.values())));
        }
        for (Affected a : affected) {
            a.before = outputs(a, true, record, in);
        }
        for (RowDelta d : deltas) {
            if (d.now() != null) {
                runs.wrote(d.table(), d.run(), () -> state.hasRows(d.table()));
            }
            if (d.old() != null || d.now() != null) {
                state.put(d.table(), d.key(), d.old(), d.now(), d.run());
            }
        }
        for (Affected a : affected) {
            a.after = outputs(a, false, record, in);
            emit(a, op == ChangeEvent.Op.READ, source, record, in);
        }
        stamps.save();
    }

    /** MySQL's limit on how deep its foreign key actions reach; beyond it the source refuses the statement. */
    private static final int MAX_CASCADE_DEPTH = 15;

    /**
     * A child state holds with the parent's values, as this change has left it so far (followed where an earlier action
     * moved it, a sibling's included); null when it is gone or no longer holds those values.
     */
    private static GroupState.Entry stillChild(GroupState.Entry stored, Cascade c, List<JsonNode> values, Touched touched) {
        GroupState.Entry now = touched.current(stored);
        return now != null && values.equals(RowMapper.values(now.row(), c.columns())) ? now : null;
    }

    /** The child changes MySQL/MariaDB make for a parent's delete without logging them. */
    private void cascadeDelete(TableId parent, Row old, Touched touched, int depth) {
        if (depth > MAX_CASCADE_DEPTH) {
            return;
        }
        for (Cascade c : group.cascades()) {
            if (!c.parent().equals(parent) || c.onDelete() == Cascade.Action.NONE) {
                continue;
            }
            List<JsonNode> values = RowMapper.values(old, c.parentColumns());
            if (values == null) {
                continue;
            }
            for (GroupState.Entry found : state.entries(c.child(), c.columns(), values)) {
                GroupState.Entry child = stillChild(found, c, values, touched);
                if (child == null) {
                    continue;
                }
                Row stored = state.get(c.child(), child.key());
                if (c.onDelete() == Cascade.Action.SET_NULL) {
                    Row r = child.row();
                    for (String col : c.columns()) {
                        r = r.with(col, NullNode.getInstance());
                    }
                    // the child keeps the run it was written in: the parent's input says nothing about the child's
                    touched.set(c.child(), child.key(), stored, r, state.storedRun(c.child(), child.key()));
                    // nulling the child's columns is an update of it: the keys referencing them run their ON UPDATE action
                    cascadeUpdate(c.child(), child.row(), r, touched, depth + 1);
                } else {
                    touched.set(c.child(), child.key(), stored, null, 0); // first, so a row that is its own child ends
                    cascadeDelete(c.child(), child.row(), touched, depth + 1);
                }
            }
        }
    }

    /**
     * The child changes MySQL/MariaDB make without logging them when a parent's referenced columns change (its primary key
     * included, which Debezium sends as a delete and a create): {@code ON UPDATE CASCADE} gives the children the new
     * values, {@code ON UPDATE SET NULL} nulls them, and a child whose own referenced columns (or key) change that way
     * passes it on to its children.
     */
    private void cascadeUpdate(TableId parent, Row before, Row after, Touched touched, int depth) {
        if (depth > MAX_CASCADE_DEPTH) {
            return;
        }
        for (Cascade c : group.cascades()) {
            if (!c.parent().equals(parent) || c.onUpdate() == Cascade.Action.NONE) {
                continue;
            }
            List<JsonNode> was = RowMapper.values(before, c.parentColumns());
            if (was == null) {
                continue; // a null referenced value has no children
            }
            List<JsonNode> is = new ArrayList<>();
            for (String col : c.parentColumns()) {
                JsonNode v = after.get(col);
                is.add(v == null ? NullNode.getInstance() : v);
            }
            if (was.equals(is)) {
                continue;
            }
            for (GroupState.Entry found : state.entries(c.child(), c.columns(), was)) {
                GroupState.Entry child = stillChild(found, c, was, touched);
                if (child == null) {
                    continue;
                }
                Row row = child.row();
                for (int i = 0; i < c.columns().size(); i++) {
                    row = row.with(c.columns().get(i), c.onUpdate() == Cascade.Action.SET_NULL ? NullNode.getInstance() : is.get(i));
                }
                // the child keeps the run it was written in: the parent's input says nothing about the child's
                long run = state.storedRun(c.child(), child.key());
                Row stored = state.get(c.child(), child.key());
                Row key = KeyCodec.project(List.copyOf(child.key().columns()), row);
                if (key.equals(child.key())) {
                    touched.set(c.child(), child.key(), stored, row, run);
                } else {
                    // the child's key holds the referencing columns: it moves, as a key change would
                    touched.move(child, stored, key, row, run);
                }
                cascadeUpdate(c.child(), child.row(), row, touched, depth + 1);
            }
        }
    }

    private static final class Affected {
        final TargetMapping mapping;
        final List<RootFinder.Root> roots;
        Map<Row, Row> before;
        Map<Row, Row> after;
        /** Target keys of the changed row itself: a snapshot read is always written, changed or not. */
        final Set<Row> own = new LinkedHashSet<>();
        /** Root key → the target key it mapped to before the change. */
        final Map<Row, Row> targetKeyBefore = new HashMap<>();
        /** Target keys whose root failed to map after the change (dead-lettered): left as they are, not deleted. */
        final Set<Row> keep = new LinkedHashSet<>();
        /**
         * Target keys of roots whose row failed to map before the change (it was dead-lettered), from their key columns
         * alone: the target holds what an earlier version wrote there, so they are deleted unless mapped again after.
         */
        final Set<Row> unmappedBefore = new LinkedHashSet<>();

        Affected(TargetMapping mapping, List<RootFinder.Root> roots) {
            this.mapping = mapping;
            this.roots = roots;
        }
    }

    /** Target key → target row of the affected roots, mapped from the state as it is now. */
    private Map<Row, Row> outputs(Affected a, boolean before, Record<byte[], byte[]> record, Input in) {
        TargetMapping m = a.mapping;
        Map<Row, Row> out = new LinkedHashMap<>();
        for (RootFinder.Root root : a.roots) {
            Row source = before ? root.before() : root.after();
            if (source == null) {
                continue;
            }
            try {
                Optional<Row> target = mapper.map(m, source, state);
                if (target.isPresent()) {
                    Row key = RowMapper.key(m, target.get(), List.copyOf(root.key().columns()));
                    out.put(key, target.get());
                    if (root.own()) {
                        a.own.add(key);
                    }
                    if (before) {
                        a.targetKeyBefore.put(root.key(), key);
                    }
                }
            } catch (MappingException e) {
                if (!before) {
                    deadLetter(record, in, m.name(), "cannot map row for target '" + m.to() + "'", e.getMessage());
                    Row previous = a.targetKeyBefore.get(root.key());
                    if (previous != null) {
                        a.keep.add(previous);
                    }
                } else {
                    // the row was dead-lettered when it got these values; the target keeps what an earlier version of it
                    // wrote under this key (its key columns still map), which a delete, a filter left or a new key removes
                    Optional<Row> key = mapper.mapKey(m, source, state, List.copyOf(root.key().columns()));
                    if (key.isPresent()) {
                        a.unmappedBefore.add(key.get());
                        a.targetKeyBefore.put(root.key(), key.get());
                    }
                }
            }
        }
        return out;
    }

    private void emit(Affected a, boolean snapshot, SourceInfo source, Record<byte[], byte[]> record, Input in) {
        List<TargetEvent> events = new ArrayList<>();
        for (Row key : a.before.keySet()) {
            if (!a.after.containsKey(key) && !a.keep.contains(key)) {
                events.add(new TargetEvent.Delete(a.mapping.to(), key, source));
            }
        }
        for (Row key : a.unmappedBefore) {
            if (!a.before.containsKey(key) && !a.after.containsKey(key) && !a.keep.contains(key)) {
                events.add(new TargetEvent.Delete(a.mapping.to(), key, source));
            }
        }
        List<String> sinks = sinksOf(a.mapping);
        boolean patching = sinks.stream().anyMatch(spec.patchSinks()::contains);
        boolean whole = sinks.stream().anyMatch(s -> !spec.patchSinks().contains(s));
        // the sinks that take no patches (relational, Cassandra) get the whole row where the others get a nested change's patch
        List<TargetEvent> rows = new ArrayList<>(events);
        boolean patched = false;
        for (var e : a.after.entrySet()) {
            Row old = a.before.get(e.getKey());
            if (old != null && old.equals(e.getValue()) && !(snapshot && a.own.contains(e.getKey()))) {
                continue;
            }
            TargetEvent.Upsert upsert = new TargetEvent.Upsert(a.mapping.to(), e.getKey(), e.getValue(), source);
            Optional<List<TargetEvent>> patches = patching && old != null && a.mapping.nested() && !old.equals(e.getValue())
                    ? DocumentDiff.patches(a.mapping, e.getKey(), old, e.getValue(), source) : Optional.empty();
            events.addAll(patches.orElse(List.of(upsert)));
            rows.add(upsert);
            patched |= patches.isPresent();
        }
        Set<String> tooLarge = new HashSet<>(); // an upsert both lists carry is dead-lettered once
        List<byte[][]> documents = patching ? encoded(events, a, record, in, tooLarge) : List.of();
        List<byte[][]> wholeRows = !whole ? List.of() : patching && !patched ? documents : encoded(rows, a, record, in, tooLarge);
        for (String sink : sinks) {
            String topic = names.target(sink, a.mapping.to());
            for (byte[][] kv : spec.patchSinks().contains(sink) ? documents : wholeRows) {
                forward(topic, kv[0], kv[1], context.currentSystemTimeMs());
            }
        }
    }

    /** The events stamped and encoded, but one over the record limit, which is dead-lettered. */
    private List<byte[][]> encoded(List<TargetEvent> unstamped, Affected a, Record<byte[], byte[]> record, Input in, Set<String> tooLarge) {
        List<TargetEvent> events = unstamped.stream().map(this::stamped).toList();
        List<byte[][]> encoded = new ArrayList<>(events.size());
        for (TargetEvent event : events) {
            byte[] key = TargetEventCodec.key(event, 0);
            byte[] value = TargetEventCodec.value(event);
            if ((long) key.length + value.length > spec.maxRecordBytes()) {
                // Kafka would refuse it, and the stream thread with it, again at every restart
                if (!tooLarge.add(new String(key, StandardCharsets.UTF_8))) {
                    continue;
                }
                deadLetter(record, in, a.mapping.name(), "target record too large for '" + a.mapping.to() + "'", "the change of key "
                        + new String(key, StandardCharsets.UTF_8) + " is " + ((long) key.length + value.length) + " bytes, over Ferry's "
                        + "record limit of " + spec.maxRecordBytes() + " (kafka.max_record_size); the target keeps what it had: map fewer or smaller "
                        + "columns, or nest fewer children, into '" + a.mapping.to() + "'");
                continue;
            }
            encoded.add(new byte[][] {key, value});
        }
        return encoded;
    }

    /** The event with its output stamp ({@link OutputStamps}). */
    private TargetEvent stamped(TargetEvent e) {
        return e.match(
                u -> new TargetEvent.Upsert(u.table(), u.key(), u.row(), u.source().withStamp(stamps.next(u.source().stampUs()))),
                d -> new TargetEvent.Delete(d.table(), d.key(), d.source().withStamp(stamps.next(d.source().stampUs()))),
                p -> new TargetEvent.Patch(p.table(), p.key(), p.path(), p.action(), p.value(),
                        p.source().withStamp(stamps.next(p.source().stampUs()))),
                m -> m);
    }

    private byte[] passage(Marker marker, SourceInfo source) {
        return TargetEventCodec.value(new TargetEvent.MarkerPassage(marker, source, origin, origins));
    }

    private void passMarker(byte[] passage, long timestamp) {
        for (String topic : outputTopics) {
            for (int p = 0; p < spec.partitions(); p++) {
                forward(topic, KeyCodec.markerKey(p), passage, timestamp);
            }
        }
    }

    private void forward(String topic, byte[] key, byte[] value, long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(Outputs.TOPIC_HEADER, topic.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(key, value, timestamp, headers));
    }

    private void deadLetter(Record<byte[], byte[]> record, Input in, String component, String reason, String error) {
        DeadLetter letter = new DeadLetter(spec.pipeline(), DeadLetter.Stage.TRANSFORM, component, reason, error, Instant.now(),
                in.topic(), in.partition(), in.offset(), record.key(), record.value());
        forward(names.deadLetters(), record.key() == null ? new byte[0] : record.key(), TopicRecords.deadLetterValue(letter, spec.maxRecordBytes()),
                record.timestamp());
    }

    /**
     * A pattern group's inputs as the cluster lists its matching topics after this marker's first copy came: capture made
     * a new table's change topic before it sent any record after it, this marker's copies included, and sends every marker
     * into every change topic. So the marker waits for a topic this task's consumer has not been given yet (a shard made
     * a moment ago) instead of passing ahead of its rows. Empty for a group that reads by name (its inputs are known).
     */
    private Set<String> listedInputs(Marker marker) {
        if (patternTopics == null) {
            return Set.of();
        }
        long seen = markerSeenNanos.computeIfAbsent(marker.id(), id -> System.nanoTime());
        Map<String, Integer> topics = listing.listedSince(seen);
        if (topics == lastListing) {
            return lastListedInputs;
        }
        Set<String> inputs = new TreeSet<>();
        topics.forEach((topic, partitions) -> {
            if (!patternTopics.matcher(topic).matches()) {
                return;
            }
            // only partitions the topic has (a shard's topic made by another process; TopicAdmin refuses a count other than
            // the pipeline's at the start)
            if (group.funnel()) {
                for (int p = 0; p < partitions; p++) {
                    inputs.add(topic + ":" + p);
                }
            } else if (partition < partitions) {
                inputs.add(topic + ":" + partition);
            }
        });
        lastListing = topics;
        lastListedInputs = Set.copyOf(inputs);
        return lastListedInputs;
    }

    /**
     * Whether an input of a pattern group no longer exists by the last listing (its topic deleted, say a dropped shard's
     * topic cleaned up by an operator, or a partition the topic no longer has): its last marker would otherwise hold every
     * later one back for good. Never for a group that reads by name, nor before the cluster was listed.
     */
    private boolean goneInput(String input) {
        Map<String, Integer> topics = lastListing;
        if (patternTopics == null || topics == null || topics.isEmpty()) {
            return false;
        }
        int colon = input.lastIndexOf(':');
        if (colon < 0) {
            return false;
        }
        String topic = input.substring(0, colon);
        Integer partitions = topics.get(topic);
        return partitions == null || Integer.parseInt(input.substring(colon + 1)) >= partitions;
    }

    /** Where a record was read: the change topic partition, told by the funnel's header or the record's own metadata. */
    private record Input(String topic, int partition, long offset) {
        String input() {
            return topic + ":" + partition;
        }
    }

    private Input input(Record<byte[], byte[]> record) {
        String origin = Outputs.header(record.headers(), Outputs.ORIGIN_HEADER);
        if (origin != null) {
            String[] parts = origin.split("\u0000");
            return new Input(parts[0], Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
        }
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        return new Input(meta.topic(), meta.partition(), meta.offset());
    }
}
