package io.ferry.sinks.runtime;

import io.ferry.core.event.Row;
import io.ferry.core.event.TargetEvent;
import io.ferry.core.spi.SinkWriteException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Collapses a batch to what must be written: per table and key, the last upsert or delete, then the
 * patches that came after it, in order. An upsert or delete replaces the whole row or document, so what
 * came before it for the same key is dropped; a patch is never moved past a later upsert. Markers are
 * left out: the runtime records them, sinks never write them.
 */
public final class BatchCompactor {

    private BatchCompactor() {
    }

    /** One event to write, with the index of the record it came from in the batch (for dead letters). */
    public record Indexed(int index, TargetEvent event) {
    }

    public static List<Indexed> compact(List<TargetEvent> batch) {
        Map<Key, List<Indexed>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            TargetEvent e = batch.get(i);
            int index = i;
            e.match(upsert -> replace(byKey, new Key(upsert.table(), upsert.key()), new Indexed(index, upsert)),
                    delete -> replace(byKey, new Key(delete.table(), delete.key()), new Indexed(index, delete)),
                    patch -> byKey.computeIfAbsent(new Key(patch.table(), patch.key()), k -> new ArrayList<>()).add(new Indexed(index, patch)),
                    marker -> null);
        }
        List<Indexed> out = new ArrayList<>();
        byKey.values().forEach(out::addAll);
        return out;
    }

    private static Object replace(Map<Key, List<Indexed>> byKey, Key key, Indexed event) {
        List<Indexed> previous = byKey.remove(key);
        Indexed kept = event;
        // A later upsert that leaves columns out (TOAST values the source did not send) keeps the earlier
        // upsert's values for them: the sinks would otherwise write the row without them.
        if (event.event() instanceof TargetEvent.Upsert later && previous != null && previous.size() == 1
                && previous.get(0).event() instanceof TargetEvent.Upsert earlier && !earlier.row().columns().equals(later.row().columns())) {
            Row merged = earlier.row();
            for (var column : later.row().asMap().entrySet()) {
                merged = merged.with(column.getKey(), column.getValue());
            }
            kept = new Indexed(event.index(), new TargetEvent.Upsert(later.table(), later.key(), merged, later.source()));
        }
        List<Indexed> events = new ArrayList<>();
        events.add(kept);
        byKey.put(key, events);
        return null;
    }

    /** A row's identity within a batch: its table and key (rows normalize their values, so equal keys are equal). */
    private record Key(String table, Row key) {
    }

    /**
     * What is left of a batch the sink refused in part: the events it did not name; each one it named goes to
     * {@code refused} with its reason.
     *
     * @throws IllegalStateException when the sink named none (nothing could be written again without it)
     */
    public static List<Indexed> unrefused(List<Indexed> written, SinkWriteException e, BiConsumer<Indexed, String> refused) {
        List<Indexed> kept = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            String reason = e.rejected().get(i);
            if (reason == null) {
                kept.add(written.get(i));
            } else {
                refused.accept(written.get(i), reason);
            }
        }
        if (kept.size() == written.size()) {
            throw new IllegalStateException("the sink rejected a batch without naming a record", e);
        }
        return kept;
    }
}
