package io.ferry.transform.topology;

import io.ferry.core.event.KeyCodec;
import io.ferry.core.event.Row;
import io.ferry.core.event.TableId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the root rows of a mapping that a change of one table's row touches: the row itself when the table
 * is the root, otherwise the rows up the tree from both the old and the new row (a child moved to another
 * parent touches both parents).
 */
final class RootFinder {

    /**
     * A root row before and after the change (the same row when the change is below it), with its key.
     *
     * @param own true when the change is this root row's own
     */
    record Root(Row key, Row before, Row after, boolean own) {
    }

    private RootFinder() {
    }

    static List<Root> roots(MappingTree tree, TableId table, Row key, Row old, Row now, GroupState state) {
        Map<ByteBuffer, Root> roots = new LinkedHashMap<>();
        for (MappingTree.Node node : tree.nodes()) {
            if (!node.table().matches(table)) {
                continue;
            }
            if (node.root()) {
                roots.put(ByteBuffer.wrap(KeyCodec.encode(key)), new Root(key, old, now, true));
                continue;
            }
            List<Row> rows = new ArrayList<>();
            if (old != null) {
                rows.add(old);
            }
            if (now != null) {
                rows.add(now);
            }
            up(node, rows, state, roots);
        }
        return List.copyOf(roots.values());
    }

    private static void up(MappingTree.Node node, List<Row> rows, GroupState state, Map<ByteBuffer, Root> roots) {
        List<GroupState.Entry> parents = new ArrayList<>();
        for (Row r : rows) {
            var values = io.ferry.transform.mapping.RowMapper.values(r, node.columns());
            if (values != null) {
                parents.addAll(state.entries(node.parent().exactTable(), node.parentColumns(), values));
            }
        }
        if (parents.isEmpty()) {
            return;
        }
        if (node.parent().root()) {
            for (GroupState.Entry e : parents) {
                roots.putIfAbsent(ByteBuffer.wrap(KeyCodec.encode(e.key())), new Root(e.key(), e.row(), e.row(), false));
            }
        } else {
            up(node.parent(), parents.stream().map(GroupState.Entry::row).toList(), state, roots);
        }
    }
}
