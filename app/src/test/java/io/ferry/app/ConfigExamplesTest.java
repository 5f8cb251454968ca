package io.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.core.config.ConfigException;
import io.ferry.core.config.PipelineConfig;
import io.ferry.core.config.PipelineLoader;
import io.ferry.core.config.SectionSchema;
import io.ferry.core.spi.SinkFactories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every example pipeline file in the repository's {@code config/} folder loads cleanly, with the real sink
 * factories and the mappings schema, and every supported migration has an example.
 */
class ConfigExamplesTest {

    /** The variables the examples take secrets from; a file that names another one fails to load. */
    private static final Map<String, String> ENVIRONMENT = Map.of(
            "FERRY_SOURCE_PASSWORD", "source-secret",
            "FERRY_TARGET_PASSWORD", "target-secret");

    private static Path configDir;
    private static List<Path> examples;

    @BeforeAll
    static void findExamples() throws IOException {
        // Surefire runs in the module folder (app/); the examples live one level up.
        configDir = Path.of("").toAbsolutePath().getParent().resolve("config");
        assertThat(configDir).as("the repository's config folder").isDirectory();
        try (Stream<Path> files = Files.list(configDir)) {
            examples = files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }

    /** {@link PipelineLoader#standard()}, but with {@link #ENVIRONMENT} in place of the process environment. */
    private static PipelineLoader loader() {
        var mappings = ServiceLoader.load(SectionSchema.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s.section().equals("mappings")).findFirst();
        assertThat(mappings).as("the mappings schema (transform) on the test classpath").isPresent();
        return new PipelineLoader(ENVIRONMENT::get, SinkFactories.load(), mappings);
    }

    @Test
    void everyExampleLoadsWithoutErrors() {
        assertThat(examples).as("pipeline files in " + configDir).isNotEmpty();
        PipelineLoader loader = loader();
        List<String> failures = new ArrayList<>();
        for (Path file : examples) {
            try {
                PipelineConfig config = loader.load(file);
                assertThat(config.mappings()).as("mappings of " + file.getFileName()).isNotNull();
            } catch (ConfigException e) {
                failures.add(file.getFileName() + ":\n" + e.getMessage());
            }
        }
        assertThat(failures).as("example pipeline files that do not load").isEmpty();
    }

    @Test
    void everySupportedMigrationHasAnExample() {
        assertThat(examples).extracting(f -> f.getFileName().toString()).contains(
                "postgres-to-cassandra.yaml",
                "mysql-to-mongodb.yaml",
                "postgres-to-postgres.yaml",
                "mysql-to-postgres.yaml",
                "postgres-to-mysql.yaml",
                "postgres-fan-out.yaml");
    }

    @Test
    void eachExampleUsesTheSourceAndSinkTypesItsNameSays() {
        PipelineLoader loader = loader();
        assertThat(types(loader, "postgres-to-cassandra.yaml")).isEqualTo("postgres -> [cassandra]");
        assertThat(types(loader, "mysql-to-mongodb.yaml")).isEqualTo("mysql -> [mongodb]");
        assertThat(types(loader, "postgres-to-postgres.yaml")).isEqualTo("postgres -> [postgres]");
        assertThat(types(loader, "mysql-to-postgres.yaml")).isEqualTo("mysql -> [postgres]");
        assertThat(types(loader, "postgres-to-mysql.yaml")).isEqualTo("postgres -> [mysql]");
        assertThat(types(loader, "postgres-fan-out.yaml")).isEqualTo("postgres -> [postgres, cassandra]");
    }

    private static String types(PipelineLoader loader, String file) {
        PipelineConfig config = loader.load(configDir.resolve(file));
        return config.source().type() + " -> " + config.sinks().stream().map(s -> s.type()).toList();
    }
}
