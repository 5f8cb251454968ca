package io.ferry.transform.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.TreeSet;

/**
 * The names of one group's state stores. Kafka Streams names their changelog topics after them. They derive
 * from the group's name (its first mapping's name) and a digest of its layout: its tables, its indexes and
 * whether it is funneled. A group whose layout changes (a cascading foreign key became known after the start)
 * therefore gets new stores and changelogs, rebuilt from its change topics, instead of meeting state (and
 * changelog partition counts) of another layout, which Streams refuses.
 */
record StoreNames(String group) {

    static StoreNames of(MappingGroup g) {
        return new StoreNames(g.name().replaceAll("[^a-zA-Z0-9_-]", "_") + "-" + layout(g));
    }

    /** Eight hex digits over what the group's state holds. */
    static String layout(MappingGroup g) {
        TreeSet<String> parts = new TreeSet<>();
        g.tables().forEach(t -> parts.add("table " + t));
        g.pattern().ifPresent(p -> parts.add("pattern " + p.text()));
        g.indexes().forEach(i -> parts.add("index " + i.table() + " " + i.columns()));
        parts.add("funnel " + g.funnel());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String rows() {
        return "ferry-" + group + "-rows";
    }

    String index() {
        return "ferry-" + group + "-index";
    }

    String markers() {
        return "ferry-" + group + "-markers";
    }

    /** A funneled group's changes held until they are in source order ({@link SourceOrder}). */
    String order() {
        return "ferry-" + group + "-order";
    }

    String processor() {
        return "ferry-" + group + "-mapper";
    }

    String funnel() {
        return "ferry-" + group + "-funnel";
    }
}
