package io.ferry.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ferry.core.event.TableId;
import io.ferry.core.spi.SinkFactories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineLoaderTest {

    private static final Map<String, String> ENV = Map.of("PGPASSWORD", "s3cret-from-env", "PGHOST", "db.internal");

    @TempDir
    Path dir;

    private static PipelineLoader loader() {
        return new PipelineLoader(ENV::get, SinkFactories.load(), Optional.empty());
    }

    private static PipelineConfig parse(String yaml) {
        return loader().parse(yaml, "pipeline.yaml");
    }

    private static final String MINIMAL = """
            pipeline:
              name: shop
            source:
              type: postgres
              host: localhost
              database: shop
              user: ferry
              tables: [public.users]
            sinks:
              - name: out
                type: fixture
                url: fixture://one
            """;

    @Test
    void defaultsApplyWhereTheFileIsSilent() {
        PipelineConfig c = parse(MINIMAL);
        assertThat(c.pipeline().name()).isEqualTo("shop");
        assertThat(c.pipeline().dataDir()).isEqualTo(Path.of("ferry-data"));
        assertThat(c.kafka().embedded()).isTrue();
        assertThat(c.kafka().partitions()).isEqualTo(6);
        assertThat(c.kafka().retention()).isEmpty();
        assertThat(c.source().port()).isEqualTo(5432);
        assertThat(c.source().timeZone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(c.source().snapshot()).isEqualTo("initial");
        assertThat(c.source().slot()).isEqualTo("ferry_shop");
        assertThat(c.source().heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.source().password()).isEmpty();
        assertThat(c.validation().lagThreshold()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.validation().criticalLag()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.validation().pushDown()).isTrue();
        assertThat(c.sinks()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("out");
            assertThat(s.options().get(FixtureSinkFactory.BATCH_SIZE).bytes()).isEqualTo(1 << 20);
            assertThat(s.options().get(FixtureSinkFactory.FLUSH)).isEqualTo(Duration.ofSeconds(1));
        });
        assertThat(c.mappings()).isNull();
    }

    @Test
    void explicitValuesAreBoundAndEnvironmentReferencesResolved() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "tok-123\n");
        PipelineConfig c = parse("""
                pipeline:
                  name: shop-to-cassandra
                  data_dir: /var/lib/ferry
                kafka:
                  bootstrap_servers: k1:9092,k2:9092
                  partitions: 12
                  replication_factor: 3
                  retention: 14d
                  properties:
                    security.protocol: SASL_SSL
                source:
                  type: mariadb
                  host: ${env:PGHOST}
                  port: 3307
                  database: shop
                  user: ferry
                  password: ${env:PGPASSWORD}
                  tables:
                    - shop.customers
                    - shop\\.orders_\\d+
                  time_zone: Europe/Berlin
                  read_only: true
                  snapshot: no_data
                  server_id: 4242
                  heartbeat:
                    interval: 750ms
                    schema: ferry_ops
                sinks:
                  - name: out
                    type: fixture
                    url: fixture://db.internal:1/x
                    batch_size: 64MiB
                    flush: 2m
                    token: ${file:%s}
                validation:
                  lag_threshold: 500ms
                  stable_for: 1m
                  segment_rows: 50000
                  push_down: false
                """.formatted(token));
        assertThat(c.kafka().bootstrapServers()).contains("k1:9092,k2:9092");
        assertThat(c.kafka().partitions()).isEqualTo(12);
        assertThat(c.kafka().replicationFactor()).contains((short) 3);
        assertThat(c.kafka().retention()).contains(Duration.ofDays(14));
        assertThat(c.kafka().properties()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(c.source().host()).isEqualTo("db.internal");
        assertThat(c.source().port()).isEqualTo(3307);
        assertThat(c.source().password()).map(Secret::reveal).contains("s3cret-from-env");
        assertThat(c.source().tables()).containsExactly("shop.customers", "shop\\.orders_\\d+");
        assertThat(c.source().timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(c.source().readOnly()).isTrue();
        assertThat(c.source().snapshot()).isEqualTo("no_data");
        assertThat(c.source().serverId()).isEqualTo(4242);
        assertThat(c.source().heartbeatInterval()).isEqualTo(Duration.ofMillis(750));
        assertThat(c.source().heartbeatSchema()).isEqualTo("ferry_ops");
        var sink = c.sinks().get(0).options();
        assertThat(sink.get(FixtureSinkFactory.BATCH_SIZE).bytes()).isEqualTo(64L << 20);
        assertThat(sink.get(FixtureSinkFactory.FLUSH)).isEqualTo(Duration.ofMinutes(2));
        assertThat(sink.get(FixtureSinkFactory.TOKEN).reveal()).isEqualTo("tok-123");
        assertThat(c.validation().lagThreshold()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.validation().segmentRows()).isEqualTo(50_000);
        assertThat(c.validation().pushDown()).isFalse();
    }

    @Test
    void everyErrorIsReportedAtOnceWithFileKeyPathAndLine() {
        String yaml = String.join("\n",
                /* 1 */ "pipeline:",
                /* 2 */ "  nmae: shop",
                /* 3 */ "kafka:",
                /* 4 */ "  partitions: many",
                /* 5 */ "  retention: 5",
                /* 6 */ "source:",
                /* 7 */ "  type: postgress",
                /* 8 */ "  host: localhost",
                /* 9 */ "  database: shop",
                /* 10 */ "  user: ferry",
                /* 11 */ "  password: ${env:NOT_SET_ANYWHERE}",
                /* 12 */ "  tables: [public.users]",
                /* 13 */ "  time_zone: Mars/Olympus",
                /* 14 */ "  heartbeat:",
                /* 15 */ "    interval: 5 seconds",
                /* 16 */ "sinks:",
                /* 17 */ "  - name: out",
                /* 18 */ "    type: fixture",
                /* 19 */ "    url: fixture://x",
                /* 20 */ "    batch_size: 64 megs",
                /* 21 */ "    token: ${file:/nonexistent/ferry/token}",
                /* 22 */ "  - name: out",
                /* 23 */ "    type: postgrse",
                /* 24 */ "    host: x",
                /* 25 */ "validaton:",
                /* 26 */ "  lag_threshold: 1s",
                "");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(yaml));
        assertThat(e.errors()).extracting(ConfigError::file).containsOnly("pipeline.yaml");
        assertThat(e.errors()).extracting(err -> err.line() + " " + err.path()).containsExactly(
                "1 pipeline",
                "2 pipeline.nmae",
                "4 kafka.partitions",
                "5 kafka.retention",
                "7 source.type",
                "11 source.password",
                "13 source.time_zone",
                "15 source.heartbeat.interval",
                "20 sinks[0].batch_size",
                "21 sinks[0].token",
                "22 sinks[1].name",
                "23 sinks[1].type",
                "25 validaton");
        assertThat(messageAt(e, 1)).contains("missing required key 'name'");
        assertThat(messageAt(e, 2)).contains("unknown key 'nmae'; did you mean 'name'?");
        assertThat(messageAt(e, 4)).contains("expected an integer, got 'many'");
        assertThat(messageAt(e, 5)).contains("a duration with a unit").contains("got '5'");
        assertThat(messageAt(e, 7)).contains("'postgress' is not one of postgres, mysql, mariadb; did you mean 'postgres'?");
        assertThat(messageAt(e, 11)).contains("environment variable NOT_SET_ANYWHERE is not set");
        assertThat(messageAt(e, 13)).contains("unknown time zone 'Mars/Olympus'");
        assertThat(messageAt(e, 15)).contains("got '5 seconds'");
        assertThat(messageAt(e, 20)).contains("a size with a unit, like 64MiB");
        assertThat(messageAt(e, 21)).contains("cannot read secret file /nonexistent/ferry/token");
        assertThat(messageAt(e, 22)).contains("sink name 'out' is already used on line 17");
        assertThat(messageAt(e, 23)).contains("unknown sink type 'postgrse'").contains("known types: fixture");
        assertThat(messageAt(e, 25)).contains("unknown section 'validaton'; did you mean 'validation'?");
        assertThat(e.getMessage()).startsWith("13 errors in the pipeline file:")
                .contains("pipeline.yaml:4: kafka.partitions: expected an integer, got 'many'");
    }

    private static String messageAt(ConfigException e, int line) {
        return e.errors().stream().filter(err -> err.line() == line).map(ConfigError::message).findFirst()
                .orElseThrow(() -> new AssertionError("no error on line " + line + " in " + e.errors()));
    }

    @Test
    void missingSectionsWrongShapesAndEmptyValues() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("""
                pipeline: shop
                source:
                  type: postgres
                  host:
                  database: shop
                  user: ferry
                  tables: public.users
                sinks: []
                """));
        assertThat(e.errors()).extracting(err -> err.line() + " " + err.message()).containsExactly(
                "1 expected a section of keys, got a value",
                "4 has no value; give one",
                "8 needs at least one sink");
        assertThat(catchThrowableOfType(ConfigException.class, () -> parse("pipeline:\n  name: x\n")).errors())
                .extracting(ConfigError::message)
                .anySatisfy(m -> assertThat(m).startsWith("missing required section 'source'"))
                .anySatisfy(m -> assertThat(m).startsWith("missing required section 'sinks'"));
    }

    @Test
    void aLagThresholdTheHeartbeatsCannotMeetIsRefused() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(MINIMAL.replace("tables: [public.users]",
                "tables: [public.users]\n  heartbeat: {interval: 5s}") + "validation:\n  lag_threshold: 5s\n"));
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.path()).isEqualTo("validation.lag_threshold");
            assertThat(err.message()).contains("must be above source.heartbeat.interval (5s)");
        });
        // a read-only source has no heartbeats to wait for
        assertThat(parse(MINIMAL.replace("tables: [public.users]", "tables: [public.users]\n  read_only: true\n  heartbeat: {interval: 5s}")
                + "validation:\n  lag_threshold: 5s\n").validation().lagThreshold()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theRecordLimitIsASizeFrom256KiBTo256MiB() {
        assertThat(parse(MINIMAL).kafka().maxRecordBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(parse(MINIMAL + "kafka:\n  max_record_size: 8MiB\n").kafka().maxRecordBytes()).isEqualTo(8 * 1024 * 1024);
        assertThat(parse(MINIMAL + "kafka:\n  max_record_size: 8MiB\n").kafka().layout("shop").change(TableId.parse("public.users"))
                .configs()).containsEntry("max.message.bytes", String.valueOf(8 * 1024 * 1024 + 64 * 1024));
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(MINIMAL + "kafka:\n  max_record_size: 128KiB\n"));
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.path()).isEqualTo("kafka.max_record_size");
            assertThat(err.message()).isEqualTo("must be a size 256KiB..256MiB, got 128KiB");
        });
    }

    @Test
    void continuousValidationMustComeMoreOftenThanTheGateForgetsIt() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(MINIMAL
                + "validation:\n  interval: 2h\n  max_validation_age: 1h\n"));
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.path()).isEqualTo("validation.interval");
            assertThat(err.message()).startsWith("interval (2h) must be below max_validation_age (1h)");
        });
        assertThat(parse(MINIMAL + "validation:\n  interval: 2h\n  max_validation_age: 3h\n").validation().interval())
                .isEqualTo(Duration.ofHours(2));
        // validating only on request, the interval is not used
        assertThat(parse(MINIMAL + "validation:\n  interval: 2h\n  max_validation_age: 1h\n  continuous: false\n")
                .validation().continuous()).isFalse();
    }

    @Test
    void toleranceEntriesAreCheckedAtLoad() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(MINIMAL
                + "validation:\n  tolerances:\n    users.balance: 0.01\n    users: 1s\n    users.seen: soon\n"));
        assertThat(e.errors()).extracting(ConfigError::message).containsExactly(
                "'users' must be table.column or sink/table.column (a target column)",
                "users.seen: 'soon' is not a tolerance: write a number (0.01), a percentage (0.1%) or a time precision (1ms, 1s, 1min, 1h, 1d)");
        assertThat(parse(MINIMAL + "validation:\n  tolerances: {pg/users.balance: 0.5%, users.seen: 1ms}\n").validation().tolerances())
                .containsEntry("pg/users.balance", "0.5%").containsEntry("users.seen", "1ms");
    }

    @Test
    void duplicateKeysBadTablesAndCrossChecks() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(MINIMAL.replace("  name: shop\n",
                "  name: shop\n  name: shop2\n").replace("tables: [public.users]", "tables: [users, \"public.(x\"]")
                + "validation:\n  warn_lag: 5m\n  critical_lag: 1m\n"));
        assertThat(e.errors()).extracting(err -> err.line() + " " + err.message()).containsExactly(
                "3 duplicate key (first given on line 2)",
                "9 'users' must be namespace.table (e.g. public.users or shop.orders)",
                "9 'public.(x' is not a valid regular expression: Unclosed group",
                "15 warn_lag (5m) must be below critical_lag (1m)");
    }

    @Test
    void valuesFromTheEnvironmentAreMaskedInErrorsAndPrints() {
        Map<String, String> env = Map.of("DB_PORT", "hunter2-not-a-port", "DB_HOST", "secret-host.internal");
        PipelineLoader envLoader = new PipelineLoader(env::get, SinkFactories.load(), Optional.empty());
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> envLoader.parse(
                MINIMAL.replace("  host: localhost", "  host: localhost\n  port: ${env:DB_PORT}"), "p.yaml"));
        assertThat(e.getMessage()).doesNotContain("hunter2").contains("p.yaml:6: source.port: expected an integer, got '******'");
        PipelineConfig ok = envLoader.parse(MINIMAL.replace("host: localhost", "host: ${env:DB_HOST}"), "p.yaml");
        assertThat(ConfigPrinter.print(ok)).doesNotContain("secret-host").contains("host: ******");
        assertThat(ok.source().host()).isEqualTo("secret-host.internal");
    }

    @Test
    void anEmptyHostDatabaseOrUserIsAnErrorNotTheDriversDefault() {
        // PGHOST set to nothing: jdbc:postgresql://:5432/db, which the driver takes for localhost, another database
        PipelineLoader envLoader = new PipelineLoader(Map.of("PGHOST", "", "PGUSER", " ")::get, SinkFactories.load(), Optional.empty());
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> envLoader.parse(MINIMAL.replace("host: localhost",
                "host: ${env:PGHOST}").replace("user: ferry", "user: \"${env:PGUSER}\""), "p.yaml"));
        assertThat(e.getMessage()).contains("source.host: it is empty (an environment variable set to nothing?)")
                .contains("source.user: it is empty");
    }

    @Test
    void listItemsAreReportedAtTheirOwnLine() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(MINIMAL.replace("  tables: [public.users]",
                "  tables:\n    - public.users\n    - users\n    - public.(x")));
        assertThat(e.errors()).extracting(err -> err.line() + " " + err.path()).containsExactly(
                "10 source.tables[1]", "11 source.tables[2]");
    }

    @Test
    void durationsThatOverflowOrAreZeroAreConfigErrors() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(MINIMAL
                + "validation:\n  lag_threshold: 999999999999999d\n  stable_for: 0s\n"));
        assertThat(e.errors()).extracting(err -> err.line() + " " + err.message()).containsExactly(
                "14 duration '999999999999999d' is too long", "15 a duration must be longer than zero, got '0s'");
    }

    @Test
    void derivedSlotNamesAreValidAndDistinct() {
        String dashed = parse(MINIMAL.replace("name: shop", "name: a-b")).source().slot();
        String underscored = parse(MINIMAL.replace("name: shop", "name: a_b")).source().slot();
        assertThat(dashed).isNotEqualTo(underscored).matches("[a-z0-9_]{1,63}");
        assertThat(underscored).isEqualTo("ferry_a_b");
        assertThat(parse(MINIMAL.replace("name: shop", "name: " + "p".repeat(63))).source().publication())
                .matches("[a-z0-9_]{1,63}");
    }

    @Test
    void notYamlAtAllIsOneErrorWithItsLine() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse("pipeline:\n  name: [shop\nsource: x\n"));
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.message()).startsWith("not valid YAML");
            assertThat(err.line()).isBetween(2, 4);
        });
        assertThatThrownBy(() -> loader().load(dir.resolve("absent.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read the pipeline file");
    }

    @Test
    void secretsAreMaskedWheneverTheConfigIsPrinted() throws Exception {
        Path secretUrl = Files.writeString(dir.resolve("url"), "fixture://user:pw@host\n");
        PipelineConfig c = parse(MINIMAL.replace("  tables: [public.users]", "  tables: [public.users]\n  password: ${env:PGPASSWORD}")
                .replace("url: fixture://one", "url: ${file:" + secretUrl + "}\n    token: literal-token")
                + "kafka:\n  properties:\n    sasl.jaas.config: \"org.Plain required password='kpw';\"\n    client.id: ferry\n");
        String printed = ConfigPrinter.print(c);
        assertThat(printed).doesNotContain("s3cret-from-env", "user:pw@host", "literal-token", "kpw")
                .contains("password: ******", "url: ******", "token: ******", "sasl.jaas.config: ******", "client.id: ferry")
                .contains("name: shop", "partitions: 6", "time_zone: UTC", "interval: 5s");
        assertThat(c.source().toString()).doesNotContain("s3cret-from-env").contains("******");
        assertThat(c.kafka().toString()).doesNotContain("kpw");
        // the values themselves stay usable where they are needed
        assertThat(c.sinks().get(0).options().get(FixtureSinkFactory.URL)).isEqualTo("fixture://user:pw@host");
    }

    @Test
    void laterStagesSectionErrorsLookTheSame() {
        SectionSchema mappings = new SectionSchema() {
            final Option<String> from = Option.required("from", OptionTypes.string(), "source table");
            final Option<String> to = Option.required("to", OptionTypes.string(), "target table");
            final Section rule = Section.of("mappings", "one mapping rule", true, from, to);

            @Override
            public String section() {
                return "mappings";
            }

            @Override
            public List<Section> declarations() {
                return List.of(rule);
            }

            @Override
            public Object bind(ConfigNode node, Problems problems) {
                if (!(node instanceof ConfigNode.Sequence seq)) {
                    problems.add(node, "expected a list of mapping rules");
                    return null;
                }
                return seq.items().stream().map(i -> Binder.bind(rule, i, i.path(), i.line(), java.util.Set.of(), problems)).toList();
            }
        };
        PipelineLoader withSchema = new PipelineLoader(ENV::get, SinkFactories.load(), Optional.of(mappings));
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> withSchema.parse(MINIMAL
                + "mappings:\n  - from: public.users\n    tp: users\n", "p.yaml"));
        assertThat(e.errors()).extracting(ConfigError::toString).containsExactly(
                "p.yaml:14: mappings[0]: missing required key 'to': target table",
                "p.yaml:15: mappings[0].tp: unknown key 'tp'; did you mean 'to'? known keys: from, to");
        PipelineConfig ok = withSchema.parse(MINIMAL + "mappings:\n  - from: public.users\n    to: users\n", "p.yaml");
        assertThat(ok.mappings()).asList().hasSize(1);
    }
}
