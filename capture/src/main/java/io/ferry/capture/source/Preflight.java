package io.ferry.capture.source;

import java.util.List;

/**
 * What preflight found: the tables to capture, and every problem that stops capture (each naming the
 * setting or object and the fix). Notes are facts worth logging that do not stop it; warnings are what Ferry
 * cannot carry over exactly and the operator should know before relying on the targets.
 */
public record Preflight(List<SourceTable> tables, List<String> problems, List<String> notes, List<String> warnings) {

    public Preflight {
        tables = List.copyOf(tables);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
        warnings = List.copyOf(warnings);
    }

    public Preflight(List<SourceTable> tables, List<String> problems, List<String> notes) {
        this(tables, problems, notes, List.of());
    }
}
