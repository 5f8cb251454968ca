package io.ferry.core.config;

import io.ferry.core.spi.SinkFactory;
import java.util.Collection;
import java.util.List;

/** Renders option declarations as the Markdown tables of config/README.md. */
public final class OptionsReference {

    private OptionsReference() {
    }

    public static String markdown(List<Section> sections, Collection<SinkFactory> sinks) {
        StringBuilder out = new StringBuilder();
        for (Section s : sections) {
            appendSection(out, s.key(), s);
        }
        for (SinkFactory f : sinks) {
            out.append("### `sinks[]` with `type: ").append(f.identifier()).append("`\n\n").append(f.description()).append("\n\n");
            appendTable(out, f.options());
        }
        return out.toString();
    }

    private static void appendSection(StringBuilder out, String path, Section s) {
        out.append("### `").append(path).append("`").append(s.required() ? " (required)" : "").append("\n\n")
                .append(capitalize(s.description())).append(".\n\n");
        appendTable(out, s.options());
        for (Section nested : s.sections()) {
            appendSection(out, path + "." + nested.key(), nested);
        }
    }

    private static void appendTable(StringBuilder out, List<Option<?>> options) {
        out.append("| key | type | default | description |\n|---|---|---|---|\n");
        for (Option<?> o : options) {
            out.append("| `").append(o.key()).append("` | ").append(escape(o.type().describe())).append(" | ")
                    .append(escape(o.renderDefault())).append(" | ").append(escape(o.description())).append(" |\n");
        }
        out.append('\n');
    }

    private static String escape(String s) {
        return s.replace("|", "\\|");
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
