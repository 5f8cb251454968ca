package io.ferry.capture.source;

import java.util.List;

/**
 * What preflight found: the tables to capture, and every problem that stops capture (each naming the
 * setting or object and the fix). Notes are facts worth logging that do not stop it.
 */
public record Preflight(List<SourceTable> tables, List<String> problems, List<String> notes) {

    public Preflight {
        tables = List.copyOf(tables);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }
}
