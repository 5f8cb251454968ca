package io.ferry.core.topic;

import io.ferry.core.event.TableId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Topic names, all under {@code ferry.<pipeline>.}. In a table or sink part, characters other than
 * letters, digits, '_' and '-' (a '.' included, since it separates the parts) are replaced by '_' and
 * the part gets a short hash of the original, so two tables never share a topic.
 */
public final class TopicNames {

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    /** A name part may not hold a '.', which separates the parts: {@code a.b}+{@code c} must not equal {@code a}+{@code b.c}. */
    private static final Pattern LEGAL_PART = Pattern.compile("[a-zA-Z0-9_-]+");
    private static final int MAX_LENGTH = 249;

    private final String prefix;

    public TopicNames(String pipeline) {
        if (!LEGAL.matcher(pipeline).matches()) {
            throw new IllegalArgumentException("pipeline name '" + pipeline + "' may hold only letters, digits, '.', '_' and '-'");
        }
        this.prefix = "ferry." + pipeline + ".";
    }

    /** One topic per source table, keyed by primary key. */
    public String change(TableId table) {
        return name("change." + part(table.namespace()) + "." + part(table.name()));
    }

    /**
     * The groups of these tables whose change topics Kafka takes for one: it treats '.' and '_' in topic names alike and
     * refuses to make a topic that collides with an existing one ({@code shop.order_items} and {@code shop_order.items}).
     */
    public java.util.List<java.util.List<TableId>> collidingChangeTopics(java.util.Collection<TableId> tables) {
        java.util.Map<String, java.util.List<TableId>> byName = new java.util.LinkedHashMap<>();
        for (TableId t : tables) {
            byName.computeIfAbsent(change(t).replace('.', '_'), k -> new java.util.ArrayList<>()).add(t);
        }
        return byName.values().stream().filter(g -> g.size() > 1).map(java.util.List::copyOf).toList();
    }

    /** What every change topic's name begins with: {@code ferry.<pipeline>.change.}. */
    public String changePrefix() {
        return prefix + "change.";
    }

    /** One topic per sink and target table, keyed by target key. */
    public String target(String sink, String table) {
        return name("target." + part(sink) + "." + part(table));
    }

    /** Every target topic of one sink, as a regular expression for a pattern subscription. */
    public java.util.regex.Pattern targetPattern(String sink) {
        return java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix + "target." + part(sink) + ".") + ".+");
    }

    /** Compacted: the latest schema of each source table. */
    public String schemas() {
        return name("schemas");
    }

    /** Compacted: capture's source offsets (Debezium's offset store). */
    public String captureOffsets() {
        return name("capture-offsets");
    }

    /** Debezium's database schema history (MySQL/MariaDB DDL); one partition, kept forever. */
    public String schemaHistory() {
        return name("schema-history");
    }

    /** Compacted: the source position each sink has applied, per target-topic partition. */
    public String appliedPositions() {
        return name("applied-positions");
    }

    /** Records no stage could process, with the reason. */
    public String deadLetters() {
        return name("dead-letters");
    }

    /** Lag per sink and table at a fixed interval. */
    public String lag() {
        return name("lag");
    }

    /**
     * Compacted: each process of the deployment's stages, republished every few seconds and removed (a tombstone) when
     * it stops, so the gate of a process sees the stages other processes run.
     */
    public String processes() {
        return name("processes");
    }

    /**
     * One partition, never written: the process of the deployment that holds it (as the consumer group
     * {@link #captureLeaderGroup()}) runs capture; when it dies, the group hands it to another.
     */
    public String captureLeader() {
        return name("capture-leader");
    }

    /** Consumer group that elects the capturing process. */
    public String captureLeaderGroup() {
        return prefix + "capture-leader";
    }

    /** Kafka Streams application id of the transform stage; Streams names its internal topics after it. */
    public String streamsApplicationId() {
        return prefix + "transform";
    }

    /** Consumer group of one sink. */
    public String sinkGroup(String sink) {
        return prefix + "sink." + part(sink);
    }

    /** Transactional id of capture for one source: fixed, so a stale capture process is fenced. */
    public String captureTransactionalId() {
        return prefix + "capture";
    }

    private String name(String suffix) {
        String full = prefix + suffix;
        if (full.length() > MAX_LENGTH) {
            full = full.substring(0, MAX_LENGTH - 9) + "-" + hash(full);
        }
        return full;
    }

    private static String part(String raw) {
        if (LEGAL_PART.matcher(raw).matches()) {
            return raw;
        }
        return raw.replaceAll("[^a-zA-Z0-9_-]", "_") + "-" + hash(raw);
    }

    private static String hash(String s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
