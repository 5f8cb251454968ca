package io.ferry.transform.topology;

import io.ferry.core.event.TableId;
import io.ferry.transform.mapping.ColumnSpec;
import io.ferry.transform.mapping.Entity;
import io.ferry.transform.mapping.Relation;
import io.ferry.transform.mapping.SourceTable;
import io.ferry.transform.mapping.TargetMapping;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables one mapping reads, as a tree from its root table: each relation and nest is a node whose rows
 * are those with {@code columns} equal to the parent row's {@code parentColumns}. A change to a node's table
 * reaches the root rows it belongs to by walking up the tree.
 */
record MappingTree(TargetMapping mapping, List<Node> nodes) {

    /** One table in the tree; the root has no parent and may be a pattern of tables. */
    record Node(SourceTable table, Node parent, List<String> columns, List<String> parentColumns) {
        boolean root() {
            return parent == null;
        }

        TableId exactTable() {
            return table.exact().orElseThrow();
        }
    }

    static MappingTree of(TargetMapping mapping) {
        List<Node> nodes = new ArrayList<>();
        Node root = new Node(mapping.entity().from(), null, List.of(), List.of());
        nodes.add(root);
        walk(mapping.entity(), root, nodes);
        return new MappingTree(mapping, nodes);
    }

    private static void walk(Entity e, Node node, List<Node> nodes) {
        for (Relation r : e.related().values()) {
            nodes.add(new Node(SourceTable.parse(r.table().toString()), node, r.columns(), r.ownColumns()));
        }
        columns(e.columns(), node, nodes);
    }

    private static void columns(List<ColumnSpec> specs, Node node, List<Node> nodes) {
        for (ColumnSpec c : specs) {
            if (c instanceof ColumnSpec.Group g) {
                columns(g.columns(), node, nodes);
            } else if (c instanceof ColumnSpec.Nest n) {
                Node child = new Node(n.child().from(), node, n.columns(), n.parentColumns());
                nodes.add(child);
                walk(n.child(), child, nodes);
            }
        }
    }

    Node root() {
        return nodes.get(0);
    }

    /** The exact tables of the tree (all but a pattern root). */
    List<TableId> exactTables() {
        return nodes.stream().filter(n -> n.table().exact().isPresent()).map(Node::exactTable).distinct().toList();
    }
}
