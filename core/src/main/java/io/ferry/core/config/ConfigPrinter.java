package io.ferry.core.config;

/**
 * The effective configuration as YAML, defaults included and secrets masked: what {@code ferry run}
 * logs at start and {@code ferry config check} prints.
 */
public final class ConfigPrinter {

    private ConfigPrinter() {
    }

    public static String print(PipelineConfig config) {
        StringBuilder out = new StringBuilder();
        boolean sinksOpened = false;
        for (ConfigValues section : config.sections()) {
            if (section.path().startsWith("sinks[")) {
                if (!sinksOpened) {
                    out.append("sinks:\n");
                    sinksOpened = true;
                }
                appendOptions(out, section, "    ", "  - ");
            } else {
                out.append(section.section().key()).append(":\n");
                appendSection(out, section, "  ");
            }
        }
        if (config.mappings() != null) {
            out.append("mappings: (").append(config.mappings() instanceof ConfigNode ? "not checked: no mapping schema loaded"
                    : "checked").append(")\n");
        }
        return out.toString();
    }

    private static void appendSection(StringBuilder out, ConfigValues values, String indent) {
        appendOptions(out, values, indent, indent);
        for (Section nested : values.section().sections()) {
            out.append(indent).append(nested.key()).append(":\n");
            appendSection(out, values.section(nested), indent + "  ");
        }
    }

    private static void appendOptions(StringBuilder out, ConfigValues values, String indent, String firstIndent) {
        boolean first = true;
        for (Option<?> option : values.section().options()) {
            var rendered = values.rendered(option);
            out.append(first ? firstIndent : indent);
            first = false;
            if (rendered.isPresent()) {
                out.append(option.key()).append(": ").append(rendered.get()).append('\n');
            } else {
                out.append("# ").append(option.key()).append(": (not set)\n");
            }
        }
    }
}
