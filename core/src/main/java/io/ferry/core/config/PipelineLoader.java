package io.ferry.core.config;

import io.ferry.core.spi.SinkFactories;
import io.ferry.core.spi.SinkFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a pipeline file once into a {@link PipelineConfig}, or throws a {@link ConfigException} with every
 * error of the file: unknown keys (with a did-you-mean), missing keys, wrong types, bad durations and
 * sizes, unset environment variables, unreadable secret files, and what the sink factories and the
 * mappings schema find.
 */
public final class PipelineLoader {

    private final Function<String, String> environment;
    private final SinkFactories sinkFactories;
    private final Optional<SectionSchema> mappingsSchema;

    public PipelineLoader(Function<String, String> environment, SinkFactories sinkFactories,
            Optional<SectionSchema> mappingsSchema) {
        this.environment = environment;
        this.sinkFactories = sinkFactories;
        this.mappingsSchema = mappingsSchema;
    }

    /** The process environment, and the sink factories and mappings schema on the classpath. */
    public static PipelineLoader standard() {
        Optional<SectionSchema> mappings = ServiceLoader.load(SectionSchema.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.section().equals("mappings")).findFirst();
        return new PipelineLoader(System::getenv, SinkFactories.load(), mappings);
    }

    public PipelineConfig load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new ConfigException(List.of(new ConfigError(file.toString(), 0, "",
                    "cannot read the pipeline file: " + e.getClass().getSimpleName() + " " + e.getMessage())));
        }
    }

    public PipelineConfig parse(String text, String fileName) {
        Problems problems = new Problems(fileName);
        ConfigNode root = new YamlReader(environment, problems).read(text);
        if (root == null) {
            problems.throwIfAny();
        }
        if (!(root instanceof ConfigNode.Mapping top)) {
            problems.add(root, "a pipeline file is a section of keys (" + String.join(", ", PipelineOptions.TOP_LEVEL_KEYS)
                    + "), got " + root.kindName());
            problems.throwIfAny();
            throw new IllegalStateException("unreachable");
        }
        for (String key : top.entries().keySet()) {
            if (!PipelineOptions.TOP_LEVEL_KEYS.contains(key)) {
                String hint = DidYouMean.suggest(key, PipelineOptions.TOP_LEVEL_KEYS).map(k -> "did you mean '" + k + "'? ").orElse("");
                problems.add(top.keyLines().get(key), key, "unknown section '" + key + "'; " + hint + "known sections: "
                        + String.join(", ", PipelineOptions.TOP_LEVEL_KEYS));
            }
        }
        ConfigValues pipeline = section(PipelineOptions.PIPELINE, top, problems);
        ConfigValues kafka = section(PipelineOptions.KAFKA, top, problems);
        ConfigValues source = section(PipelineOptions.SOURCE, top, problems);
        ConfigValues transform = section(PipelineOptions.TRANSFORM, top, problems);
        ConfigValues validation = section(PipelineOptions.VALIDATION, top, problems);
        ConfigValues http = section(PipelineOptions.HTTP, top, problems);
        List<SinkSettings> sinks = sinks(top, problems);
        Object mappings = mappings(top, problems);

        PipelineSettings pipelineSettings = PipelineSettings.from(pipeline);
        checkLagThresholds(validation, source, problems);
        problems.throwIfAny();

        List<ConfigValues> sections = new ArrayList<>(List.of(pipeline, kafka, source));
        sinks.forEach(s -> sections.add(s.options()));
        sections.add(transform);
        sections.add(validation);
        sections.add(http);
        PipelineConfig config = new PipelineConfig(fileName, pipelineSettings, KafkaSettings.from(kafka),
                SourceSettings.from(source, pipelineSettings.name()), mappings, sinks, TransformSettings.from(transform),
                ValidationSettings.from(validation),
                HttpSettings.from(http), sections);
        if (mappings != null) {
            mappingsSchema.ifPresent(schema -> schema.check(mappings, config, problems));
            problems.throwIfAny();
        }
        return config;
    }

    private static ConfigValues section(Section section, ConfigNode.Mapping top, Problems problems) {
        return Binder.bind(section, top.entries().get(section.key()), section.key(),
                top.keyLines().getOrDefault(section.key(), 1), Set.of(), problems);
    }

    private List<SinkSettings> sinks(ConfigNode.Mapping top, Problems problems) {
        ConfigNode node = top.entries().get("sinks");
        if (node == null || node instanceof ConfigNode.Null) {
            problems.add(top.keyLines().getOrDefault("sinks", 1), "sinks", "missing required section 'sinks': "
                    + "a list of the targets to write, each with a name and a type (" + typesText() + ")");
            return List.of();
        }
        if (!(node instanceof ConfigNode.Sequence list)) {
            problems.add(node, "expected a list of sinks (each '- name: ..., type: ...'), got " + node.kindName());
            return List.of();
        }
        List<SinkSettings> out = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        for (ConfigNode item : list.items()) {
            if (!(item instanceof ConfigNode.Mapping entry)) {
                problems.add(item, "expected a sink (name, type and its options), got " + item.kindName());
                continue;
            }
            ConfigNode typeNode = entry.entries().get("type");
            String type = typeNode instanceof ConfigNode.Scalar s ? s.value() : null;
            Optional<SinkFactory> factory = type == null ? Optional.empty() : sinkFactories.find(type);
            if (type != null && factory.isEmpty()) {
                problems.add(typeNode, sinkFactories.unknownMessage(type));
            }
            List<Option<?>> options = new ArrayList<>(List.of(PipelineOptions.SINK_NAME, PipelineOptions.SINK_TYPE));
            factory.ifPresent(f -> options.addAll(f.options()));
            Section section = new Section("sinks", factory.map(SinkFactory::description).orElse("a sink"), true, options, List.of());
            // With an unknown type its options are unknown too: report only the type, not every key.
            // Without a type, the same: the missing type is the one problem (every other key would be "unknown").
            Set<String> ignored = factory.isPresent() ? Set.of() : entry.entries().keySet();
            ConfigValues values = Binder.bind(section, entry, entry.path(), entry.line(), ignored, problems);
            Optional<String> name = values.find(PipelineOptions.SINK_NAME);
            if (name.isPresent()) {
                Integer first = names.putIfAbsent(name.get(), values.line(PipelineOptions.SINK_NAME));
                if (first != null) {
                    problems.add(values.line(PipelineOptions.SINK_NAME), values.path(PipelineOptions.SINK_NAME),
                            "sink name '" + name.get() + "' is already used on line " + first + "; sink names must be unique");
                }
            }
            if (factory.isPresent() && name.isPresent()) {
                out.add(new SinkSettings(name.get(), type, values));
            }
        }
        if (list.items().isEmpty()) {
            problems.add(node, "needs at least one sink");
        }
        return out;
    }

    private String typesText() {
        return sinkFactories.identifiers().isEmpty() ? "no sink types on the classpath" : "types: "
                + String.join(", ", sinkFactories.identifiers());
    }

    private Object mappings(ConfigNode.Mapping top, Problems problems) {
        ConfigNode node = top.entries().get("mappings");
        if (node == null) {
            return null;
        }
        return mappingsSchema.<Object>map(schema -> schema.bind(node, problems)).orElse(node);
    }

    private static void checkLagThresholds(ConfigValues v, ConfigValues source, Problems problems) {
        // lag is measured by heartbeats, so it is never below their interval: a lower threshold never opens the gate
        var threshold = v.get(PipelineOptions.LAG_THRESHOLD);
        ConfigValues heartbeat = source.section(PipelineOptions.HEARTBEAT);
        var interval = heartbeat.get(PipelineOptions.HEARTBEAT_INTERVAL);
        if (!source.get(PipelineOptions.READ_ONLY) && threshold.compareTo(interval) <= 0) {
            problems.add(v.line(PipelineOptions.LAG_THRESHOLD), v.path(PipelineOptions.LAG_THRESHOLD), "lag_threshold ("
                    + Durations.format(threshold) + ") must be above source.heartbeat.interval (" + Durations.format(interval)
                    + "): lag is measured by heartbeats and never reads below their interval; raise lag_threshold or"
                    + " shorten the heartbeat interval");
        }
        var every = v.get(PipelineOptions.VALIDATION_INTERVAL);
        var maxAge = v.get(PipelineOptions.MAX_VALIDATION_AGE);
        if (v.get(PipelineOptions.CONTINUOUS) && every.compareTo(maxAge) >= 0) {
            problems.add(v.line(PipelineOptions.VALIDATION_INTERVAL), v.path(PipelineOptions.VALIDATION_INTERVAL), "interval ("
                    + Durations.format(every) + ") must be below max_validation_age (" + Durations.format(maxAge) + "): the gate "
                    + "needs a clean validation begun within max_validation_age, so validating every interval it would close "
                    + "between validations; shorten the interval or raise max_validation_age");
        }
        var warn = v.get(PipelineOptions.WARN_LAG);
        var critical = v.get(PipelineOptions.CRITICAL_LAG);
        if (warn.compareTo(critical) >= 0) {
            problems.add(v.line(PipelineOptions.WARN_LAG), v.path(PipelineOptions.WARN_LAG), "warn_lag ("
                    + Durations.format(warn) + ") must be below critical_lag (" + Durations.format(critical) + ")");
        }
    }
}
