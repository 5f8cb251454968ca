package io.ferry.transform.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.core.event.Marker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Lets a marker through only when every input of the task has delivered it: capture copies each marker
 * into every partition of every change topic, and a task reads several of them (or, behind a funnel, all
 * of them), so forwarding the first copy would overtake data still on the other inputs. Inputs are the
 * ones expected from the configuration plus any seen since; positions live in a store so a restarted task
 * goes on where it stopped.
 */
final class MarkerAligner {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Bytes EMITTED = Bytes.wrap("\u0000emitted".getBytes(StandardCharsets.UTF_8));
    private static final byte[] NONE = "{}".getBytes(StandardCharsets.UTF_8);

    private final KeyValueStore<Bytes, byte[]> store;
    private final Set<String> expected;
    /** Unexpected inputs already in the store. */
    private final Set<String> known = new HashSet<>();

    MarkerAligner(KeyValueStore<Bytes, byte[]> store, Set<String> expected) {
        this.store = store;
        this.expected = new TreeSet<>(expected);
    }

    /** Records that an input delivered data, so later markers wait for it too. */
    void seen(String input) {
        if (expected.contains(input) || known.contains(input)) {
            return; // no store read per row: nothing removes an input once it is in the store
        }
        Bytes k = key(input);
        if (store.get(k) == null) {
            store.put(k, NONE);
        }
        known.add(input);
    }

    /** Records a marker from an input; returns the marker every input has now passed, if it is new. */
    Optional<Marker> marker(String input, Marker marker) {
        return marker(input, marker, Set.of(), in -> false);
    }

    /**
     * Records a marker from an input; returns the marker every input has now passed, if it is new.
     *
     * @param alsoExpected inputs known to exist now (a pattern group's matching topics as listed) that must deliver it too
     * @param gone inputs known not to exist any more (a pattern group's topic deleted, a partition it no longer has): their
     *     last marker no longer holds later ones back
     */
    Optional<Marker> marker(String input, Marker marker, Set<String> alsoExpected, java.util.function.Predicate<String> gone) {
        store.put(key(input), write(marker));
        Marker slowest = null;
        Set<String> pending = new TreeSet<>(expected);
        pending.addAll(alsoExpected);
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                var e = it.next();
                if (e.key.get().length > 0 && e.key.get()[0] == 0) {
                    continue; // reserved keys: the last emitted marker, the group's output stamp
                }
                String name = new String(e.key.get(), StandardCharsets.UTF_8);
                pending.remove(name);
                if (gone.test(name)) {
                    continue;
                }
                Marker m = read(e.value);
                if (m == null) {
                    return Optional.empty();
                }
                if (slowest == null || m.id() < slowest.id()) {
                    slowest = m;
                }
            }
        }
        if (!pending.isEmpty() || slowest == null) {
            return Optional.empty();
        }
        byte[] last = store.get(EMITTED);
        if (last != null && read(last).id() >= slowest.id()) {
            return Optional.empty();
        }
        store.put(EMITTED, write(slowest));
        return Optional.of(slowest);
    }

    private static Bytes key(String input) {
        return Bytes.wrap(input.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] write(Marker m) {
        ObjectNode n = MAPPER.createObjectNode().put("id", m.id()).put("tsUs", m.tsUs()).put("kind", m.kind().wireName());
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Marker read(byte[] bytes) {
        try {
            JsonNode n = MAPPER.readTree(bytes);
            if (!n.has("id")) {
                return null;
            }
            return new Marker(n.get("id").asLong(), n.get("tsUs").asLong(), Marker.Kind.fromWire(n.get("kind").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
