package io.ferry.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.Constructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * One of the example pipeline files in {@code config/}, loaded as a tree so a test can point it at devstack's
 * servers (hosts, ports, users, databases) and write it out again. Everything the test does not override is the
 * example as shipped: its mappings, sinks, and options.
 */
final class PipelineFile {

    private final String example;
    private final Map<String, Object> root;

    private PipelineFile(String example, Map<String, Object> root) {
        this.example = example;
        this.root = root;
    }

    /** {@code config/<name>.yaml} of this repository. */
    static PipelineFile example(String name) {
        Path file = repositoryRoot().resolve("config").resolve(name + ".yaml");
        try {
            Map<String, Object> tree = yaml().load(Files.readString(file));
            return new PipelineFile(name, tree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the example " + file, e);
        }
    }

    /**
     * YAML as Ferry reads it: only true/false are booleans. SnakeYAML's default (YAML 1.1) turns the mapping key
     * {@code on:} into {@code true}, which would write {@code true:} back.
     */
    private static Yaml yaml() {
        DumperOptions dump = new DumperOptions();
        dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        LoaderOptions load = new LoaderOptions();
        return new Yaml(new Constructor(load), new Representer(dump), dump, load, new Resolver() {
            @Override
            protected void addImplicitResolvers() {
                addImplicitResolver(Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF");
                addImplicitResolver(Tag.INT, INT, "-+0123456789");
                addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
                addImplicitResolver(Tag.MERGE, MERGE, "<");
                addImplicitResolver(Tag.NULL, NULL, "~nN\0");
                addImplicitResolver(Tag.NULL, EMPTY, null);
            }
        });
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("config"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no config/ folder above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    String example() {
        return example;
    }

    String pipelineName() {
        return (String) section("pipeline").get("name");
    }

    /** A top-level section, created empty when the example has none. */
    @SuppressWarnings("unchecked")
    Map<String, Object> section(String name) {
        return (Map<String, Object>) root.computeIfAbsent(name, k -> new LinkedHashMap<>());
    }

    /** Sets {@code section.key} (one level: "source.host"). */
    PipelineFile set(String path, Object value) {
        int dot = path.indexOf('.');
        section(path.substring(0, dot)).put(path.substring(dot + 1), value);
        return this;
    }

    /** The source section pointed at devstack's PostgreSQL and one of its databases. */
    PipelineFile postgresSource(io.ferry.devstack.PostgresService pg, String database) {
        return set("source.host", pg.host()).set("source.port", pg.port()).set("source.database", database)
                .set("source.user", pg.user()).set("source.password", pg.password());
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> sink(String name) {
        for (Object s : (List<Object>) root.get("sinks")) {
            Map<String, Object> sink = (Map<String, Object>) s;
            if (name.equals(sink.get("name"))) {
                return sink;
            }
        }
        throw new IllegalArgumentException(example + " has no sink named " + name);
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> sinks() {
        return (List<Map<String, Object>>) (List<?>) root.get("sinks");
    }

    @SuppressWarnings("unchecked")
    List<Object> mappings() {
        return (List<Object>) root.get("mappings");
    }

    /** Adds a table to {@code source.tables}. */
    @SuppressWarnings("unchecked")
    PipelineFile captureAlso(String table) {
        List<Object> tables = new ArrayList<>((List<Object>) section("source").get("tables"));
        tables.add(table);
        section("source").put("tables", tables);
        return this;
    }

    Path write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, "# config/" + example + ".yaml pointed at devstack's servers by " + PipelineFile.class.getName()
                    + "\n" + yaml().dump(root));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
