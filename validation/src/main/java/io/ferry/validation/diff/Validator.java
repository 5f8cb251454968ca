package io.ferry.validation.diff;

import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.SinkSettings;
import io.ferry.core.config.ToleranceKey;
import io.ferry.core.event.TableId;
import io.ferry.core.schema.TableSchema;
import io.ferry.core.spi.RowReader;
import io.ferry.core.spi.SinkFactories;
import io.ferry.core.spi.SinkWriteException;
import io.ferry.core.spi.TargetTable;
import io.ferry.core.types.Tolerance;
import io.ferry.transform.mapping.Mappings;
import io.ferry.transform.mapping.RowMapper;
import io.ferry.transform.mapping.SourceTable;
import io.ferry.transform.mapping.TargetMapping;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ferry validate}: compares every target table of every sink with what the source maps to through the same
 * mappings, row by row, and reports missing, extra and different rows. Differences seen while changes flow are
 * checked a second time after the pipeline has caught up, and only those seen both times are reported.
 *
 * <p>A table whose source and target are both SQL and same-shaped ({@link PushDown}) is compared by segment checksums
 * computed in both databases, bisected down to small ranges compared row by row ({@link SegmentedComparison}); every
 * other table is compared row by row (validation/README.md), holding at most a cap of its expected rows: a larger one
 * is summed into hashed buckets first and only the buckets that differ are compared ({@link BucketedComparison}).
 * Every related or nested source table a mapping looks into is held in memory.
 */
public final class Validator {

    private static final Logger log = LoggerFactory.getLogger(Validator.class);
    /**
     * How many times, at most, tables that differ are compared again after the pipeline caught up. Under live writes a
     * row changed between reading the source and reading the target differs in that pass; one that is written often
     * can be caught so twice in a row. A key is reported only if every pass found it different.
     */
    static final int RECHECKS = 3;

    private final PipelineConfig config;
    private final Map<TableId, TableSchema> sourceSchemas;
    private final Map<String, Map<String, TargetTable>> targets;
    private final List<TargetMapping> mappings;
    private final SinkFactories factories;
    private final Clock clock;
    private final int rowCap;

    /**
     * @param sourceSchemas the latest schema of each source table (the app has them from the schema topic)
     * @param targets TargetShapes' output: the target tables per sink
     * @throws IllegalArgumentException when the configuration's mappings were not bound (no mappings schema on the classpath)
     */
    public Validator(PipelineConfig config, Map<TableId, TableSchema> sourceSchemas, Map<String, Map<String, TargetTable>> targets) {
        this(config, sourceSchemas, targets, SinkFactories.load(), Clock.systemUTC());
    }

    Validator(PipelineConfig config, Map<TableId, TableSchema> sourceSchemas, Map<String, Map<String, TargetTable>> targets,
            SinkFactories factories, Clock clock) {
        this(config, sourceSchemas, targets, factories, clock, BucketedComparison.ROW_CAP);
    }

    /** @param rowCap the most expected rows a row-by-row comparison holds at once (tests make it small) */
    Validator(PipelineConfig config, Map<TableId, TableSchema> sourceSchemas, Map<String, Map<String, TargetTable>> targets,
            SinkFactories factories, Clock clock, int rowCap) {
        this.config = config;
        this.rowCap = rowCap;
        this.sourceSchemas = Map.copyOf(sourceSchemas);
        this.targets = Map.copyOf(targets);
        this.factories = factories;
        this.clock = clock;
        if (config.mappings() == null) {
            this.mappings = List.of();
        } else if (config.mappings() instanceof Mappings m) {
            this.mappings = m.targets();
        } else {
            throw new IllegalArgumentException("the mappings of " + config.file()
                    + " were not bound (is the transform module on the classpath?)");
        }
    }

    /**
     * One full pass over every (sink, target table) of the mappings, then, as long as some table differs (at most
     * {@value #RECHECKS} times), {@code recheck} and another comparison of the tables still differing; only keys that
     * differ in every pass are reported.
     *
     * @param recheck called before each further pass; must block until every change committed at the source before the
     *     call is applied on every target (the app writes a heartbeat and waits for it)
     */
    public ValidationReport run(Runnable recheck) {
        Instant started = clock.instant();
        List<Step> plan = plan();
        List<TableResult> results = new ArrayList<>();
        RowMapper mapper = new RowMapper(config.source().timeZone());
        ExpectedRows expected = new ExpectedRows(sourceSchemas, mapper);
        try (SourceRows source = new SourceRows(config.pipeline().name(), config.source(), sourceSchemas, factories);
                TargetSinks sinks = new TargetSinks(config.pipeline().name(), config.sinks(), targets, factories)) {
            Map<TableCheck, Attempt> first = new LinkedHashMap<>();
            for (Step step : plan) {
                if (step.check() != null) {
                    first.put(step.check(), compare(step.check(), expected, source, sinks));
                }
            }
            List<TableCheck> differing = first.entrySet().stream().filter(e -> e.getValue().differs()).map(Map.Entry::getKey).toList();
            Map<TableCheck, TableResult> confirmed = differing.isEmpty() ? Map.of()
                    : recheck(differing, first, recheck, expected, source, sinks);
            for (Step step : plan) {
                TableCheck check = step.check();
                results.add(step.unknown() != null ? unknownShape(step.unknown(), source)
                        : check == null ? step.decided()
                        : confirmed.containsKey(check) ? confirmed.get(check) : first.get(check).result(check));
            }
        }
        results.forEach(r -> log.info("validation {}/{}: {}{}", r.sink(), r.table(), r.result(),
                r.detail().isEmpty() ? "" : " (" + r.detail() + ")"));
        return new ValidationReport(started, clock.instant(), results);
    }

    /** A table to compare, the result of one that cannot be (decided without comparing), or one whose target shape is unknown. */
    private record Step(TableCheck check, TableResult decided, Unknown unknown) {
    }

    /** A target table without a shape yet: the schema of its mapping's source, or of a table that relates to it, is unknown. */
    private record Unknown(String sink, String table, SourceTable from) {
    }

    /**
     * Capture publishes a table's schema with its first row. A mapping whose source table is empty has nothing to compare
     * (SKIPPED); one whose source has rows cannot be compared yet, and its target cannot have them either (the sink waits
     * for the shape): ERROR, the validator cannot tell, not a pass for a target nobody read.
     */
    private static TableResult unknownShape(Unknown u, SourceRows source) {
        String unknown = "no target shape: the schema of " + u.from().text() + " (or of a table it relates to) is not known yet;"
                + " capture publishes a table's schema with its first row";
        if (u.from().exact().isEmpty()) {
            return TableResult.skipped(u.sink(), u.table(), unknown + " (no table the pattern matches has had one)");
        }
        TableId root = u.from().exact().get();
        try {
            if (!source.hasRows(root)) {
                return TableResult.skipped(u.sink(), u.table(), unknown + ": " + root + " has no rows, nothing to compare");
            }
            return TableResult.error(u.sink(), u.table(), unknown + ", and " + root + " has rows: the target cannot have them until "
                    + "it has (a related table without rows holds the sink too); validate again once it is published");
        } catch (SinkWriteException | RuntimeException e) {
            return TableResult.error(u.sink(), u.table(), unknown + "; cannot tell whether " + root + " has rows: " + e.getMessage());
        }
    }

    /** The tables to compare, in mapping order. */
    private List<Step> plan() {
        List<String> allSinks = config.sinks().stream().map(SinkSettings::name).toList();
        Map<List<String>, List<TargetMapping>> bySinkAndTable = new LinkedHashMap<>();
        for (TargetMapping m : mappings) {
            for (String sink : m.sinksOf(allSinks)) {
                bySinkAndTable.computeIfAbsent(List.of(sink, m.to()), k -> new ArrayList<>()).add(m);
            }
        }
        List<Step> plan = new ArrayList<>();
        bySinkAndTable.forEach((id, group) -> {
            String sink = id.get(0);
            String table = id.get(1);
            TargetTable shape = targets.getOrDefault(sink, Map.of()).get(table);
            if (shape == null) {
                plan.add(new Step(null, null, new Unknown(sink, table, group.get(0).entity().from())));
                return;
            }
            String type = config.sinks().stream().filter(s -> s.name().equals(sink)).map(SinkSettings::type).findFirst().orElse("");
            Map<String, Tolerance> slack = columnTolerances(config.validation().tolerances(), sink, table, tolerance(type));
            List<String> unknown = unknownToleranceColumns(sink, table, shape);
            if (!unknown.isEmpty()) {
                // a typo would compare the column exactly without a word (the pipeline file's check knows only listed columns)
                plan.add(new Step(null, TableResult.error(sink, table, "validation.tolerances names column(s) " + String.join(", ", unknown)
                        + " of " + table + ", which the target table does not have (columns: " + String.join(", ",
                        shape.columns().stream().map(io.ferry.core.schema.Column::name).toList()) + "); fix the key"), null));
                return;
            }
            plan.add(new Step(new TableCheck(sink, type, shape, group, tolerance(type), slack), null, null));
        });
        return plan;
    }

    /**
     * The columns of one target table with their own slack from {@code validation.tolerances}: keys
     * {@code table.column} (every sink) or {@code sink/table.column}; the sink-specific entry wins.
     */
    static Map<String, Tolerance> columnTolerances(Map<String, String> configured, String sink, String table, Tolerance base) {
        Map<String, Tolerance> out = new HashMap<>();
        configured.forEach((text, value) -> {
            ToleranceKey key = ToleranceKey.parse(text);
            if (key.appliesTo(sink, table) && (key.sink().isPresent() || !out.containsKey(key.column()))) {
                out.put(key.column(), base.widen(Tolerance.parse(value)));
            }
        });
        return out;
    }

    /**
     * The columns of {@code validation.tolerances} keys for this table that name no column: a {@code sink/table.column} key
     * of this sink one its table lacks, a {@code table.column} key one no sink's table has (a column some sinks' tables
     * have, through mappings of their own, is theirs). A table whose shape is not known yet may have it.
     */
    private List<String> unknownToleranceColumns(String sink, String table, TargetTable shape) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String text : config.validation().tolerances().keySet()) {
            ToleranceKey key = ToleranceKey.parse(text);
            if (!key.appliesTo(sink, table) || has(shape, key.column())) {
                continue;
            }
            if (key.sink().isPresent() || writers(table).stream().map(w -> targets.getOrDefault(w, Map.of()).get(table))
                    .noneMatch(other -> other == null || has(other, key.column()))) {
                out.add(key.column());
            }
        }
        return List.copyOf(out);
    }

    /** The sinks a mapping writes the table to. */
    private List<String> writers(String table) {
        List<String> all = config.sinks().stream().map(SinkSettings::name).toList();
        return mappings.stream().filter(m -> m.to().equals(table)).flatMap(m -> m.sinksOf(all).stream())
                .distinct().toList();
    }

    private static boolean has(TargetTable shape, String column) {
        return shape.columns().stream().anyMatch(c -> c.name().equals(column));
    }

    /** Cassandra and MongoDB keep milliseconds (docs/types.md): timestamps and times compare at that precision there. */
    static Tolerance tolerance(String sinkType) {
        return switch (sinkType) {
            case "cassandra", "mongodb" -> Tolerance.timePrecision(ChronoUnit.MILLIS);
            default -> Tolerance.EXACT;
        };
    }

    private Map<TableCheck, TableResult> recheck(List<TableCheck> differing, Map<TableCheck, Attempt> first, Runnable recheck,
            ExpectedRows expected, SourceRows source, TargetSinks sinks) {
        Map<TableCheck, TableResult> out = new HashMap<>();
        // the differences every pass so far found, per table still differing
        Map<TableCheck, TableComparison.Outcome> standing = new LinkedHashMap<>();
        differing.forEach(check -> standing.put(check, first.get(check).outcome()));
        for (int pass = 2; pass <= 1 + RECHECKS && !standing.isEmpty(); pass++) {
            log.info("{} table(s) differ; waiting for the pipeline to apply every change made so far, then comparing them again "
                    + "(pass {} of at most {})", standing.size(), pass, 1 + RECHECKS);
            try {
                recheck.run();
            } catch (RuntimeException e) {
                log.warn("the recheck failed: {}", e.toString());
                for (TableCheck check : standing.keySet()) {
                    TableResult r = pass == 2 ? first.get(check).result(check) : out.get(check);
                    out.put(check, new TableResult(r.sink(), r.table(), TableResult.ERROR, r.sourceRows(), r.targetRows(), r.missing(),
                            r.extra(), r.different(), r.samples(), "differences found, unconfirmed: waiting for the pipeline to catch "
                            + "up failed (" + e.getMessage() + ")"));
                }
                return out;
            }
            for (TableCheck check : List.copyOf(standing.keySet())) {
                Attempt again = first.get(check).ranges() != null ? pushedDown(check, first.get(check).shape(), expected, source, sinks,
                        first.get(check).ranges()) : compare(check, expected, source, sinks);
                if (again.failure() != null) {
                    TableResult f = again.failure();
                    out.put(check, TableResult.error(f.sink(), f.table(), "comparison " + pass + ": " + f.detail()));
                    standing.remove(check);
                    continue;
                }
                // a pushed-down table keeps how its first pass went: which segments differed and were bisected
                String notes = again.ranges() == null ? again.notes() : first.get(check).notes() + "; " + again.notes();
                TableComparison.Outcome confirmed = again.outcome().confirming(standing.get(check));
                out.put(check, confirmed.result(check.sink(), check.table().name(), notes));
                if (confirmed.diffs().isEmpty()) {
                    standing.remove(check);
                } else {
                    standing.put(check, confirmed);
                }
            }
        }
        return out;
    }

    /**
     * One comparison of a table: its outcome and notes, or why it could not be made; when pushed down, the shape and the
     * ranges compared row by row (null otherwise).
     */
    private record Attempt(TableComparison.Outcome outcome, String notes, TableResult failure, PushDown.Shape shape,
            List<SegmentedComparison.Range> ranges) {

        Attempt(TableComparison.Outcome outcome, String notes, TableResult failure) {
            this(outcome, notes, failure, null, null);
        }

        boolean differs() {
            return outcome != null && !outcome.diffs().isEmpty();
        }

        TableResult result(TableCheck check) {
            return failure != null ? failure : outcome.result(check.sink(), check.table().name(), notes);
        }
    }

    /**
     * Compares one table. The related source rows its mapping looks into are read for it alone (a {@link SourceLookup} per
     * table, and per group of buckets compared row by row), not once per pass: a pass over several large tables takes
     * minutes, and a related row changed meanwhile, rightly applied to the target, made every root row looking into it
     * differ in every pass.
     */
    private Attempt compare(TableCheck check, ExpectedRows expected, SourceRows source, TargetSinks sinks) {
        String sink = check.sink();
        String table = check.table().name();
        Optional<RowReader> reader;
        try {
            reader = sinks.reader(sink);
        } catch (RuntimeException e) {
            return new Attempt(null, "", TableResult.error(sink, table, "cannot open sink " + sink + ": " + e.getMessage()));
        }
        if (reader.isEmpty()) {
            return new Attempt(null, "", TableResult.skipped(sink, table, "the " + check.sinkType() + " sink cannot read rows back"));
        }
        String fallback = "";
        if (config.validation().pushDown()) {
            PushDown.Decision decision = PushDown.decide(check, config.source().type(), sourceSchemas);
            if (decision.shape().isPresent()) {
                Attempt pushed = pushedDown(check, decision.shape().get(), expected, source, sinks, null);
                if (pushed != null) {
                    return pushed;
                }
                fallback = "push-down failed, compared row by row";
            } else {
                log.debug("{}/{} is compared row by row: {}", sink, table, decision.reason());
            }
        }
        BucketedComparison.Result rows;
        try {
            rows = new BucketedComparison(check, expected, source, reader.get(), rowCap, Buckets.DEFAULT_BITS).run();
        } catch (BucketedComparison.Failure e) {
            return new Attempt(null, "", TableResult.error(sink, table, e.getMessage()));
        }
        return new Attempt(rows.outcome(), fallback.isEmpty() || rows.notes().isEmpty() ? fallback + rows.notes()
                : fallback + "; " + rows.notes(), null);
    }

    /**
     * A pushed-down comparison ({@code ranges} null) or its recheck; null when a checksum query failed, so that the
     * first pass falls back to comparing the table whole.
     */
    private Attempt pushedDown(TableCheck check, PushDown.Shape shape, ExpectedRows expected, SourceRows source, TargetSinks sinks,
            List<SegmentedComparison.Range> ranges) {
        String sink = check.sink();
        String table = check.table().name();
        try {
            RowReader reader = sinks.reader(sink).orElseThrow();
            SegmentedComparison.Result r = PushedDown.compare(check, shape, config.source(), sinks.settings(sink).orElseThrow(),
                    config.validation().segmentRows(), expected, source, reader, ranges);
            return new Attempt(r.outcome(), r.detail(), null, shape, r.compared());
        } catch (java.sql.SQLException e) {
            log.warn("checksums of {}/{} could not be computed in the databases ({}); comparing it row by row", sink, table, e.toString());
            return ranges == null ? null : new Attempt(null, "", TableResult.error(sink, table, "cannot compute checksums: " + e.getMessage()));
        } catch (SinkWriteException e) {
            return new Attempt(null, "", TableResult.error(sink, table, "cannot read rows: " + e.getMessage()));
        } catch (RuntimeException e) {
            log.error("comparing {}/{} by segments failed", sink, table, e);
            return new Attempt(null, "", TableResult.error(sink, table, "comparing by segments failed: " + e));
        }
    }
}
