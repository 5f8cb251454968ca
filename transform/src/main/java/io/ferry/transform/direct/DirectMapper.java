package io.ferry.transform.direct;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.ChangeEventCodec;
import io.ferry.core.event.EventFormatException;
import io.ferry.core.event.Row;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.spi.DirectDecoder;
import io.ferry.core.topic.TopicNames;
import io.ferry.transform.mapping.MappingException;
import io.ferry.transform.mapping.RowLookup;
import io.ferry.transform.mapping.RowMapper;
import io.ferry.transform.mapping.TargetMapping;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps one change event of a direct mapping's table into the target events one sink applies, without state: an
 * update's row is its {@code after} with the columns the log left out (unchanged TOAST values) taken from its
 * {@code before}, which REPLICA IDENTITY FULL makes complete; the target row before the change is mapped from
 * {@code before}, so a change that moves the row to another target key, or out of the mapping's filter, deletes
 * the old target row. A marker passes as it came (one origin: the change-topic partition itself). The events keep
 * capture's stamps, which grow strictly along each partition, as Cassandra's write timestamps need. A row that does
 * not map is reported, not dropped: the caller dead-letters it and leaves the target row as it was.
 */
public final class DirectMapper implements DirectDecoder {

    private static final RowLookup NO_LOOKUP = (table, columns, values) -> List.of();

    private final RowMapper mapper;
    private final Map<String, List<TargetMapping>> byTopic = new LinkedHashMap<>();

    /**
     * @param mappings the direct mappings of one sink ({@link DirectMappings#forSink})
     */
    public DirectMapper(String pipeline, ZoneId sourceZone, List<TargetMapping> mappings) {
        this.mapper = new RowMapper(sourceZone);
        TopicNames names = new TopicNames(pipeline);
        for (TargetMapping m : mappings) {
            byTopic.computeIfAbsent(names.change(m.entity().from().exact().orElseThrow()), k -> new ArrayList<>()).add(m);
        }
    }

    /** The change topics this sink reads directly. */
    @Override
    public Set<String> topics() {
        return byTopic.keySet();
    }

    /**
     * @throws EventFormatException when the record is not a change event
     */
    @Override
    public Decoded decode(String topic, byte[] key, byte[] value) {
        List<TargetMapping> mappings = byTopic.getOrDefault(topic, List.of());
        ChangeEvent event = ChangeEventCodec.decode(key, value);
        if (event instanceof ChangeEvent.MarkerEvent m) {
            // snapshot bounds are transform's (its state sweeps what an interrupted run left); the sinks never see them
            return m.marker().kind().snapshotBound() ? new Decoded(List.of(), List.of())
                    : new Decoded(List.of(new TargetEvent.MarkerPassage(m.marker(), m.source())), List.of());
        }
        ChangeEvent.RowChange change = (ChangeEvent.RowChange) event;
        List<TargetEvent> events = new ArrayList<>();
        List<Rejection> failures = new ArrayList<>();
        for (TargetMapping m : mappings) {
            if (!m.entity().from().exact().map(change.table()::equals).orElse(false)) {
                continue;
            }
            try {
                apply(m, change, events);
            } catch (MappingException e) {
                failures.add(new Rejection(m.name(), "cannot map row for target '" + m.to() + "'", e.getMessage()));
            }
        }
        return new Decoded(events, failures);
    }

    private void apply(TargetMapping m, ChangeEvent.RowChange change, List<TargetEvent> out) {
        List<String> sourceKey = List.copyOf(change.key().columns());
        Row before = change.before();
        Row now = switch (change.op()) {
            case DELETE -> null;
            case UPDATE -> before == null ? change.after() : fill(before, change.after());
            case CREATE, READ -> change.after();
        };
        Optional<Row> oldKey = Optional.empty();
        if (change.op() == ChangeEvent.Op.DELETE && before == null) {
            throw new MappingException("mapping '" + m.name() + "': a delete from " + change.table() + " came without the row"
                    + " before it, so its target key is unknown: the direct path needs ALTER TABLE " + change.table()
                    + " REPLICA IDENTITY FULL");
        }
        if (before != null && change.op() != ChangeEvent.Op.CREATE && change.op() != ChangeEvent.Op.READ) {
            try {
                oldKey = mapper.map(m, before, NO_LOOKUP).map(r -> RowMapper.key(m, r, sourceKey));
            } catch (MappingException e) {
                // the row was dead-lettered when it got these values; the target keeps what an earlier version of it wrote
                // under this key (its key columns still map), which a delete, a filter left or a new key removes
                oldKey = mapper.mapKey(m, before, NO_LOOKUP, sourceKey);
            }
        }
        Optional<Row> mapped = now == null ? Optional.empty() : mapper.map(m, now, NO_LOOKUP);
        if (change.op() == ChangeEvent.Op.UPDATE && before == null && mapped.isEmpty()) {
            // logged before the table had REPLICA IDENTITY FULL (a change-topic history replayed into a direct sink):
            // the row left the filter, but where it was in the target is unknown, so say so instead of leaving it there
            throw new MappingException("mapping '" + m.name() + "': an update of " + change.table() + " came without the row"
                    + " before it and no longer matches the filter, so whether the target holds the row is unknown: the direct"
                    + " path needs REPLICA IDENTITY FULL from the pipeline's start");
        }
        Row newKey = mapped.isPresent() ? RowMapper.key(m, mapped.get(), sourceKey) : null;
        if (oldKey.isPresent() && !oldKey.get().equals(newKey)) {
            out.add(new TargetEvent.Delete(m.to(), oldKey.get(), change.source()));
        }
        if (mapped.isPresent()) {
            out.add(new TargetEvent.Upsert(m.to(), newKey, mapped.get(), change.source()));
        }
    }

    /** An update's row with the columns the log left out taken from the row before it. */
    private static Row fill(Row before, Row after) {
        if (before.columns().stream().allMatch(after::has)) {
            return after;
        }
        Map<String, JsonNode> merged = new LinkedHashMap<>(before.asMap());
        merged.putAll(after.asMap());
        return Row.of(merged);
    }
}
