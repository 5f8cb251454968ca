package io.ferry.transform.topology;

import io.ferry.core.event.TableId;
import io.ferry.transform.mapping.SourceTable;
import io.ferry.transform.mapping.TargetMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Mappings that share state: every mapping whose tables are connected (through relations, nests, a common
 * source table or an unlogged cascade) is in one group, processed by one stateful processor. A group that
 * reads one table (or one pattern) runs on the change topics' own partitions; a group of several tables
 * is funneled through one repartition partition, so every row it relates is in one task's state.
 *
 * @param name stable: the first mapping's name; the group's store and topic names derive from it
 */
record MappingGroup(String name, List<MappingTree> trees, Set<TableId> tables, Optional<SourceTable> pattern,
        List<IndexSpec> indexes, List<Cascade> cascades) {

    /** True when the group relates rows across tables (or a table to itself): then one task must hold them all. */
    boolean funnel() {
        return tables.size() > 1 || !cascades.isEmpty() || trees.stream().anyMatch(t -> t.nodes().size() > 1);
    }

    /** Groups the mappings of a spec, in file order of each group's first mapping. */
    static List<MappingGroup> of(TransformSpec spec) {
        List<MappingTree> trees = spec.mappings().targets().stream().map(MappingTree::of).toList();
        // union-find over table names (patterns by their text)
        Map<String, String> parent = new LinkedHashMap<>();
        for (MappingTree t : trees) {
            String rootKey = key(t.root().table());
            parent.putIfAbsent(rootKey, rootKey);
            for (MappingTree.Node n : t.nodes()) {
                union(parent, rootKey, key(n.table()));
            }
        }
        // A mapped table's rows that an unlogged cascade deletes or changes: the cascade's parent is read into the group's state
        // even when no mapping reads it (and its parent in turn, up the chain), or its deletes would never reach them
        Set<String> mapped = new LinkedHashSet<>(parent.keySet());
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Cascade c : spec.cascades()) {
                if (parent.containsKey(c.child().toString()) && !parent.containsKey(c.parent().toString())) {
                    union(parent, c.child().toString(), c.parent().toString());
                    grew = true;
                }
            }
        }
        for (Cascade c : spec.cascades()) {
            if (parent.containsKey(c.parent().toString()) && parent.containsKey(c.child().toString())) {
                union(parent, c.parent().toString(), c.child().toString());
            }
        }
        Map<String, Set<TableId>> stateOnly = new LinkedHashMap<>();
        for (Cascade c : spec.cascades()) {
            for (TableId t : List.of(c.parent(), c.child())) {
                if (parent.containsKey(t.toString()) && !mapped.contains(t.toString())) {
                    stateOnly.computeIfAbsent(find(parent, t.toString()), k -> new LinkedHashSet<>()).add(t);
                }
            }
        }
        Map<String, List<MappingTree>> byRoot = new LinkedHashMap<>();
        for (MappingTree t : trees) {
            byRoot.computeIfAbsent(find(parent, key(t.root().table())), k -> new ArrayList<>()).add(t);
        }
        List<MappingGroup> groups = new ArrayList<>();
        for (List<MappingTree> members : byRoot.values()) {
            Set<TableId> tables = new LinkedHashSet<>();
            Optional<SourceTable> pattern = Optional.empty();
            Set<IndexSpec> indexes = new LinkedHashSet<>();
            for (MappingTree t : members) {
                tables.addAll(t.exactTables());
            }
            tables.addAll(stateOnly.getOrDefault(find(parent, key(members.get(0).root().table())), Set.of()));
            for (MappingTree t : members) {
                if (t.root().table().exact().isEmpty()) {
                    pattern = Optional.of(t.root().table());
                }
                for (MappingTree.Node n : t.nodes()) {
                    if (!n.root()) {
                        indexes.add(new IndexSpec(n.exactTable(), n.columns()));
                        if (n.parent().table().exact().isPresent()) {
                            indexes.add(new IndexSpec(n.parent().exactTable(), n.parentColumns()));
                        }
                    }
                }
            }
            List<Cascade> cascades = new ArrayList<>();
            for (Cascade c : spec.cascades()) {
                if (tables.contains(c.parent()) && tables.contains(c.child())) {
                    cascades.add(c);
                    indexes.add(new IndexSpec(c.child(), c.columns()));
                }
            }
            String name = members.get(0).mapping().name();
            groups.add(new MappingGroup(name, members, tables, pattern, List.copyOf(indexes), cascades));
        }
        return groups;
    }

    List<TargetMapping> mappings() {
        return trees.stream().map(MappingTree::mapping).toList();
    }

    private static String key(SourceTable t) {
        return t.exact().map(TableId::toString).orElse("pattern:" + t.text());
    }

    private static String find(Map<String, String> parent, String x) {
        parent.putIfAbsent(x, x);
        while (!parent.get(x).equals(x)) {
            x = parent.get(x);
        }
        return x;
    }

    private static void union(Map<String, String> parent, String a, String b) {
        String ra = find(parent, a);
        String rb = find(parent, b);
        if (!ra.equals(rb)) {
            parent.put(rb, ra);
        }
    }
}
