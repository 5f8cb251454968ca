package io.ferry.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.event.Marker;
import io.ferry.core.event.TableId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds Debezium's incremental snapshots (a {@code ferry resnapshot}, a table captured later or put back) as snapshot
 * runs, like a blocking snapshot's ({@link Marker.Kind#SNAPSHOT_START} / {@link Marker.Kind#SNAPSHOT_END} in every
 * partition of the table's change topic), so transform removes the table's rows the source no longer has: rows deleted
 * while the table was outside the log (out of the publication or of {@code source.tables}).
 *
 * <p>Why that holds: the start is written before the first record whose offsets list the table
 * ({@code incremental_snapshot_collections}), so before any of its chunks; every row the table has from then to the end
 * is either read by a chunk or streamed (Debezium's watermarks drop a chunk's read of a row that changed in its window,
 * and the change is streamed instead), and transform counts a streamed change after the start as written in the run.
 * So once the table has been read to its end, a row in transform's state that the run did not write is one the source
 * no longer has.
 *
 * <p>An end is written only when Debezium said, through its notifications, that it read the table to its end
 * ({@code TABLE_SCAN_COMPLETED} with status {@code SUCCEEDED} or {@code EMPTY}) and the table then left the list. A table
 * skipped (no key, unknown schema, an SQL error) or stopped ({@code stop-snapshot}) gets no end, and nothing is swept.
 * Neither gets a table read with an {@code additional-condition} (a filtered read would sweep every row outside the
 * filter). Nor the table being read when this handler's first record of the log already lists tables: Debezium resumed
 * its snapshot from the stored offsets of an earlier engine, maybe in the middle of that table, and the rows read before
 * are not this run's reads (the tables after it are read whole). A snapshot asked for at a launch is listed only from
 * its signal on, and the signal's transaction opens with a BEGIN record (Ferry always has Debezium send transaction
 * metadata), which lists nothing; the chunk position the offsets carry cannot tell (Debezium writes the last key it
 * sent, which is null again after a resume). A table read again from older offsets within one engine (Debezium restarted its task) under a correlation id
 * its last run saw is that run again: no new start, whose end would sweep the rows that run read before.
 */
final class IncrementalRuns {

    private static final Logger log = LoggerFactory.getLogger(IncrementalRuns.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String COLLECTIONS = "incremental_snapshot_collections";
    static final String CORRELATION = "incremental_snapshot_correlation_id";

    /** A bound to write before the record at hand. */
    record Bound(TableId table, long run, Marker.Kind kind) {
    }

    /** One table in Debezium's list, in its order (the first is being read), and whether its read is filtered. */
    record Listed(TableId table, boolean filtered) {
    }

    /** What one record's offsets say of the incremental snapshot; {@code tables} empty when none runs. */
    record Listing(List<Listed> tables, String correlationId) {
        static final Listing NONE = new Listing(List.of(), null);
    }

    private static final class Run {
        final long id; // 0: not bounded
        final Set<String> correlations = new HashSet<>();
        boolean open = true;
        boolean scanned;
        /**
         * No end for this run: a TRUNCATE of the table came while it was read (the truncate's run swept it), or Debezium
         * went back to an earlier run's read of it.
         */
        boolean noEnd;

        Run(long id, String correlation) {
            this.id = id;
            this.correlations.add(String.valueOf(correlation));
        }
    }

    private final String pipeline;
    private final Predicate<TableId> bounded;
    private final LongSupplier nextRunId;
    private final Map<TableId, Run> runs = new HashMap<>();
    /** Per table, every correlation id (signal) a run of it was listed under. */
    private final Map<TableId, Set<String>> seen = new HashMap<>();
    private boolean seenFirst;

    /**
     * @param bounded the tables whose reads may be bounded (not those the sinks copy themselves)
     * @param nextRunId a new run id, distinct from every earlier one
     */
    IncrementalRuns(String pipeline, Predicate<TableId> bounded, LongSupplier nextRunId) {
        this.pipeline = pipeline;
        this.bounded = bounded;
        this.nextRunId = nextRunId;
    }

    /** The bounds to write before a record whose offsets carry this listing. */
    List<Bound> listed(Listing listing) {
        boolean first = !seenFirst;
        seenFirst = true;
        List<Bound> out = new ArrayList<>();
        Set<TableId> now = new LinkedHashSet<>();
        for (int i = 0; i < listing.tables().size(); i++) {
            Listed l = listing.tables().get(i);
            TableId table = l.table();
            if (!now.add(table)) {
                continue; // asked twice: one run until it leaves the list
            }
            Run r = runs.get(table);
            String correlation = String.valueOf(listing.correlationId());
            Set<String> history = seen.computeIfAbsent(table, t -> new HashSet<>());
            // a signal an earlier run of this table was listed under: Debezium's task went back to older offsets (it
            // restarted itself after a retriable error, or an old process's late offsets were loaded) and resumes that read
            boolean older = listing.correlationId() != null && history.contains(correlation) && r != null
                    && !r.correlations.contains(correlation);
            history.add(correlation);
            boolean boundable = !l.filtered() && bounded.test(table);
            if (older) {
                if (r.open) {
                    r.noEnd = true; // its read is no longer whole: rows read before may be read by the older run only
                    r.correlations.add(correlation);
                } else {
                    runs.put(table, new Run(0, listing.correlationId()));
                }
                if (boundable) {
                    log.warn("capture of {}: Debezium reads {} again for an earlier snapshot (it went back to older offsets); rows"
                            + " of it the source no longer has are not removed from the targets by this read (ferry resnapshot it"
                            + " again to have them removed)", pipeline, table);
                }
            } else if (r != null && r.open) {
                r.correlations.add(correlation);
            } else if (r != null && listing.correlationId() != null && r.correlations.contains(correlation)) {
                // Debezium's task went back to older offsets and reads the table again for the same signal: the same run
                r.open = true;
                r.scanned = false;
            } else if (!boundable) {
                runs.put(table, new Run(0, listing.correlationId()));
            } else if (first && i == 0) {
                runs.put(table, new Run(0, listing.correlationId()));
                log.warn("capture of {}: Debezium resumes its incremental snapshot of {} from its stored offsets (after a restart),"
                        + " maybe in the middle of the table; rows of it the source no longer has are not removed from the targets by"
                        + " this read (ferry resnapshot it again to have them removed)", pipeline, table);
            } else {
                Run run = new Run(nextRunId.getAsLong(), listing.correlationId());
                runs.put(table, run);
                out.add(new Bound(table, run.id, Marker.Kind.SNAPSHOT_START));
                log.info("capture of {}: incremental snapshot run {} of {} begins", pipeline, run.id, table);
            }
        }
        runs.forEach((table, r) -> {
            if (r.open && !now.contains(table)) {
                r.open = false;
                if (r.id != 0 && r.scanned && !r.noEnd) {
                    out.add(new Bound(table, r.id, Marker.Kind.SNAPSHOT_END));
                    log.info("capture of {}: incremental snapshot run {} of {} ends: the table was read to its end", pipeline, r.id,
                            table);
                } else if (r.id != 0 && !r.noEnd) {
                    log.warn("capture of {}: Debezium's incremental snapshot of {} left its list before it read the table to its end"
                            + " (a stop-snapshot signal, a table it skipped: see Debezium's log; or it went back to older offsets,"
                            + " and may read it again); rows of it the source no longer has are not removed from the targets by"
                            + " this run", pipeline, table);
                }
            }
        });
        return out;
    }

    /**
     * A {@code TRUNCATE} of the table, written as a run of its own: an incremental snapshot reading the table meanwhile
     * gets no end (its rows since are the truncate's run's; a late end would not sweep, and must not). Debezium's window
     * open at the truncate does not drop the rows it read before it (the truncate has no key), so up to a chunk of
     * truncated rows may come back: a WARN says so.
     */
    void truncated(TableId table) {
        Run r = runs.get(table);
        if (r != null && r.open) {
            r.noEnd = true;
            log.warn("capture of {}: {} was truncated while Debezium's incremental snapshot read it; rows of the chunk it was"
                    + " reading may come back in the targets (Debezium's window keeps its reads across a truncate): validate,"
                    + " and ferry resnapshot the table again if they differ", pipeline, table);
        }
    }

    /**
     * Debezium's notification that it finished with a table ({@code TABLE_SCAN_COMPLETED}): {@code SUCCEEDED} or
     * {@code EMPTY} means it read the table to its end.
     */
    void scanCompleted(TableId table, String status) {
        Run r = runs.get(table);
        if (r != null && r.open && ("SUCCEEDED".equals(status) || "EMPTY".equals(status))) {
            r.scanned = true;
        }
    }

    /**
     * The incremental snapshot part of a Debezium offset: {@link Listing#NONE} when it lists nothing, null when it cannot
     * be read (nothing is concluded from it then).
     *
     * @param table a collection id as Debezium writes it ({@code schema.table}, {@code db.table}) to Ferry's table id
     */
    static Listing listing(Map<String, ?> offset, Function<String, TableId> table) {
        Object collections = offset == null ? null : offset.get(COLLECTIONS);
        if (collections == null) {
            return Listing.NONE;
        }
        List<Listed> tables = new ArrayList<>();
        try {
            for (JsonNode c : JSON.readTree(collections.toString())) {
                TableId id = table.apply(c.path(COLLECTIONS + "_id").asText());
                if (id != null) {
                    String condition = c.path(COLLECTIONS + "_additional_condition").asText("");
                    tables.add(new Listed(id, !condition.isBlank()));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.debug("incremental snapshot collections not readable: {}", e.toString());
            return null;
        }
        Object correlation = offset.get(CORRELATION);
        return new Listing(tables, correlation == null ? null : correlation.toString());
    }

    /** The table of a collection id: a known table it names, else its last two dot-separated parts; null when it has fewer. */
    static TableId tableOf(String collectionId, Set<TableId> known) {
        for (TableId t : known) {
            if (collectionId.equals(t.toString()) || collectionId.endsWith("." + t)) {
                return t;
            }
        }
        String[] parts = collectionId.split("\\.");
        return parts.length < 2 ? null : new TableId(parts[parts.length - 2], parts[parts.length - 1]);
    }

}
