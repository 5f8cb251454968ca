package io.ferry.validation.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The CLI's rendering of a validation report: an aligned table, then the sample rows of each table that differs. */
final class ReportText {

    private static final List<String> HEADER = List.of("SINK", "TABLE", "RESULT", "SOURCE", "TARGET", "MISSING", "EXTRA", "DIFFERENT");

    private ReportText() {
    }

    static String render(ValidationReport report) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (TableResult t : report.tables()) {
            boolean compared = t.result().equals(TableResult.MATCH) || t.result().equals(TableResult.DIFF);
            rows.add(List.of(t.sink(), t.table(), t.result(), compared ? Long.toString(t.sourceRows()) : "-",
                    compared ? Long.toString(t.targetRows()) : "-", compared ? Long.toString(t.missing()) : "-",
                    compared ? Long.toString(t.extra()) : "-", compared ? Long.toString(t.different()) : "-"));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                // names left-aligned, counts right-aligned
                String padded = i < 3 ? cell + " ".repeat(widths[i] - cell.length()) : " ".repeat(widths[i] - cell.length()) + cell;
                line.append(i == 0 ? "" : "  ").append(padded);
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        for (TableResult t : report.tables()) {
            if (!t.samples().isEmpty() || !t.detail().isEmpty()) {
                out.append('\n').append(t.sink()).append('/').append(t.table()).append(": ");
                out.append(t.result().equals(TableResult.DIFF) ? ValidationReport.counts(t) : t.result().toLowerCase());
                if (!t.detail().isEmpty()) {
                    out.append(" (").append(t.detail()).append(')');
                }
                out.append('\n');
                for (RowDiff d : t.samples()) {
                    out.append("  ").append(String.format("%-9s", d.kind())).append(' ').append(key(d));
                    if (!d.columns().isEmpty()) {
                        out.append("  columns: ").append(String.join(", ", d.columns()));
                    }
                    out.append('\n');
                }
                if (t.differences() > t.samples().size()) {
                    out.append("  … and ").append(t.differences() - t.samples().size()).append(" more\n");
                }
            }
        }
        out.append('\n').append(report.clean() ? "clean: " : "not clean: ").append(report.summary()).append('\n');
        return out.toString();
    }

    private static String key(RowDiff d) {
        return d.key().asMap().entrySet().stream().map(e -> e.getKey() + "=" + (e.getValue().isTextual() ? e.getValue().textValue()
                : e.getValue().toString())).collect(Collectors.joining(", ", "{", "}"));
    }
}
