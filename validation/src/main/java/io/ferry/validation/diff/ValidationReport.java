package io.ferry.validation.diff;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one {@code ferry validate} run found, table by table. Its JSON form is documented in validation/README.md.
 */
public record ValidationReport(Instant startedAt, Instant finishedAt, List<TableResult> tables) {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public ValidationReport {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        tables = List.copyOf(tables);
    }

    /** True when every compared table matched: a SKIPPED table does not make the report dirty, an ERROR does. */
    public boolean clean() {
        return tables.stream().allMatch(t -> t.result().equals(TableResult.MATCH) || t.result().equals(TableResult.SKIPPED));
    }

    /** True when a table could not be compared because something failed (the CLI's "could not tell"). */
    public boolean failed() {
        return tables.stream().anyMatch(t -> t.result().equals(TableResult.ERROR));
    }

    public ObjectNode json() {
        ObjectNode out = NODES.objectNode();
        out.put("startedAt", startedAt.toString());
        out.put("finishedAt", finishedAt.toString());
        out.put("clean", clean());
        out.put("summary", summary());
        ArrayNode list = out.putArray("tables");
        for (TableResult t : tables) {
            ObjectNode table = list.addObject();
            table.put("sink", t.sink());
            table.put("table", t.table());
            table.put("result", t.result());
            table.put("sourceRows", t.sourceRows());
            table.put("targetRows", t.targetRows());
            table.put("missing", t.missing());
            table.put("extra", t.extra());
            table.put("different", t.different());
            ArrayNode samples = table.putArray("samples");
            for (RowDiff d : t.samples()) {
                ObjectNode sample = samples.addObject();
                sample.put("kind", d.kind());
                ObjectNode key = sample.putObject("key");
                d.key().asMap().forEach(key::set);
                ArrayNode columns = sample.putArray("columns");
                d.columns().forEach(columns::add);
            }
            table.put("detail", t.detail());
        }
        return out;
    }

    /** A readable table for the CLI: one line per table, then the sample rows of those that differ. */
    public String text() {
        return ReportText.render(this);
    }

    /**
     * One line: {@code "users: 2 missing, 1 different; orders: error: ..."}, or how many tables matched. Tables are
     * named {@code sink/table} when the report covers several sinks.
     */
    public String summary() {
        boolean severalSinks = tables.stream().map(TableResult::sink).distinct().count() > 1;
        List<String> parts = new ArrayList<>();
        long matched = 0;
        long skipped = 0;
        for (TableResult t : tables) {
            String name = severalSinks ? t.sink() + "/" + t.table() : t.table();
            switch (t.result()) {
                case TableResult.MATCH -> matched++;
                case TableResult.SKIPPED -> skipped++;
                case TableResult.ERROR -> parts.add(name + ": error: " + t.detail());
                default -> parts.add(name + ": " + counts(t));
            }
        }
        if (parts.isEmpty()) {
            return matched + " of " + tables.size() + " table(s) match" + (skipped > 0 ? ", " + skipped + " skipped" : "");
        }
        return String.join("; ", parts);
    }

    static String counts(TableResult t) {
        List<String> out = new ArrayList<>();
        if (t.missing() > 0) {
            out.add(t.missing() + " missing");
        }
        if (t.extra() > 0) {
            out.add(t.extra() + " extra");
        }
        if (t.different() > 0) {
            out.add(t.different() + " different");
        }
        return out.isEmpty() ? "no differences" : String.join(", ", out);
    }
}
