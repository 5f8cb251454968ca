package io.ferry.core.config;

import static io.ferry.core.config.Option.optional;
import static io.ferry.core.config.Option.required;
import static io.ferry.core.config.Option.withDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The options of the pipeline file's core sections, each declared once. Sinks declare theirs in their
 * {@code SinkFactory}; the {@code mappings} section is declared by the transform stage.
 */
public final class PipelineOptions {

    private PipelineOptions() {
    }

    // pipeline
    public static final Option<String> NAME = required("name",
            OptionTypes.string("[a-z0-9][a-z0-9_-]{0,62}", "lower-case letters, digits, '-' and '_', starting with a letter or digit"),
            "The pipeline's name. Processes with the same name form one deployment; topics are named after it.");
    public static final Option<Path> DATA_DIR = withDefault("data_dir", OptionTypes.path(), Path.of("ferry-data"),
            "Local state: the embedded Kafka's log when no Kafka is configured.");
    public static final Section PIPELINE = Section.of("pipeline", "the pipeline's identity", true, NAME, DATA_DIR);

    // kafka
    public static final Option<String> BOOTSTRAP_SERVERS = optional("bootstrap_servers", OptionTypes.string(),
            "Kafka to use (host:port,...). Left out: an embedded single-node Kafka under data_dir.");
    public static final Option<Integer> PARTITIONS = withDefault("partitions", OptionTypes.integer(1, 10_000), 6,
            "Partitions of each change and target topic: the most parallelism one table can get. Fixed once the pipeline ran:"
                    + " existing topics with another count stop the start.");
    public static final Option<Integer> REPLICATION_FACTOR = optional("replication_factor", OptionTypes.integer(1, Short.MAX_VALUE),
            "Replication factor of the topics Ferry creates and of transform's changelogs; with 3, a write needs 2 replicas in"
                    + " sync (min.insync.replicas=2; with another count the broker's setting stands). Left out: the broker's"
                    + " default.replication.factor.");
    public static final Option<Duration> RETENTION = optional("retention", OptionTypes.duration(),
            "How long change and target topics keep records, by time only (retention.bytes=-1: a size limit deleted a large"
                    + " snapshot's oldest records before they were read). Left out: forever, so a new sink or a rebuilt state can replay.");
    public static final Option<Map<String, String>> KAFKA_PROPERTIES = withDefault("properties", OptionTypes.stringMap(), Map.of(),
            "Extra Kafka client properties for every client Ferry creates (security.protocol, sasl.*, ssl.*).");
    /** The smallest {@code kafka.max_record_size}: Kafka's own default record limit less a batch's header leaves more. */
    public static final long MIN_RECORD_BYTES = 256L << 10;
    public static final Option<DataSize> MAX_RECORD_SIZE = withDefault("max_record_size", OptionTypes.size(new DataSize(MIN_RECORD_BYTES), new DataSize(256L << 20)),
            new DataSize(io.ferry.core.topic.TopicSpec.MAX_RECORD_BYTES), "Largest record Ferry writes (a change, a target row or"
                    + " document, a dead letter): a larger one is dead-lettered. The topics that carry rows are made"
                    + " with max.message.bytes of this plus 64 KiB, and an existing one that takes less stops the start. On a cluster"
                    + " that caps message size, set it 64 KiB below the cap (8128KiB for 8 MiB, as some managed services have); raised"
                    + " on a pipeline that ran, its topics need max.message.bytes raised too (the start names the fix).");
    public static final Section KAFKA = Section.of("kafka", "where Ferry keeps its topics", false,
            BOOTSTRAP_SERVERS, PARTITIONS, REPLICATION_FACTOR, RETENTION, MAX_RECORD_SIZE, KAFKA_PROPERTIES);

    // source
    public static final Option<String> SOURCE_TYPE = required("type", OptionTypes.oneOf("postgres", "mysql", "mariadb"),
            "The source database engine.");
    public static final Option<String> HOST = required("host", OptionTypes.nonBlank(), "Source database host.");
    public static final Option<Integer> PORT = optional("port", OptionTypes.integer(1, 65_535),
            "Source database port. Left out: 5432 for postgres, 3306 for mysql and mariadb.");
    public static final Option<String> DATABASE = required("database", OptionTypes.nonBlank(), "The database to capture.");
    public static final Option<String> USER = required("user", OptionTypes.nonBlank(),
            "User for capture (PostgreSQL: REPLICATION; MySQL/MariaDB: REPLICATION SLAVE, REPLICATION CLIENT, SELECT, RELOAD).");
    public static final Option<Secret> PASSWORD = optional("password", OptionTypes.secret(),
            "Password of the capture user. Left out: none (trust or peer authentication).");
    public static final Option<List<String>> TABLES = required("tables", OptionTypes.stringList(PipelineOptions::tableProblem),
            "Tables to capture, as namespace.table (public.users, shop.orders); a name may be a regular expression (shop\\.orders_\\d+)."
                    + " A table that matches only later (a new shard) is taken in while capture runs (PostgreSQL: found within"
                    + " 10 s, Debezium restarted), with its earlier rows by an incremental snapshot, as is a table added here at"
                    + " the next start (a read-only source cannot ask for the snapshot).");
    public static final Option<ZoneId> TIME_ZONE = withDefault("time_zone", OptionTypes.zone(), ZoneId.of("UTC"),
            "The zone naive timestamps (timestamp without time zone, DATETIME) are in, wherever an instant is needed.");
    public static final Option<Boolean> READ_ONLY = withDefault("read_only", OptionTypes.bool(), false,
            "True when Ferry may not write to the source: no heartbeat or signal table, so source-side lag only and no re-snapshot.");
    public static final Option<String> SNAPSHOT = withDefault("snapshot", OptionTypes.oneOf("initial", "no_data"), "initial",
            "initial: copy existing rows, then stream changes; no_data: stream changes only.");
    public static final Option<String> SLOT = optional("slot", OptionTypes.string("[a-z0-9_]{1,63}", "lower-case letters, digits and '_'"),
            "PostgreSQL replication slot. Left out: ferry_<pipeline name>.");
    public static final Option<String> PUBLICATION = optional("publication", OptionTypes.string("[a-z0-9_]{1,63}", "lower-case letters, digits and '_'"),
            "PostgreSQL publication. Left out: ferry_<pipeline name>.");
    public static final Option<Integer> SERVER_ID = optional("server_id", OptionTypes.integer(1, Integer.MAX_VALUE),
            "MySQL/MariaDB replica server id of the capture; unique among the source's replicas. Left out: derived from the pipeline name.");
    public static final Option<Duration> HEARTBEAT_INTERVAL = withDefault("interval", OptionTypes.duration(), Duration.ofMillis(500),
            "How often a heartbeat row is written; lag follows heartbeats, and an idle source's lag settles near this value.");
    public static final Option<String> HEARTBEAT_SCHEMA = withDefault("schema", OptionTypes.string("[a-z_][a-z0-9_]*", "an identifier"),
            "ferry", "Schema (PostgreSQL) or database (MySQL/MariaDB) of Ferry's heartbeat and signal tables.");
    public static final Section HEARTBEAT = Section.of("heartbeat", "Ferry's footprint in the source", false,
            HEARTBEAT_INTERVAL, HEARTBEAT_SCHEMA);
    public static final Section SOURCE = Section.of("source", "the database to migrate from", true,
            SOURCE_TYPE, HOST, PORT, DATABASE, USER, PASSWORD, TABLES, TIME_ZONE, READ_ONLY, SNAPSHOT, SLOT, PUBLICATION,
            SERVER_ID).with(HEARTBEAT);

    // validation
    public static final Option<Duration> LAG_THRESHOLD = withDefault("lag_threshold", OptionTypes.duration(), Duration.ofSeconds(2),
            "The gate needs every sink's lag at or below this; above source.heartbeat.interval, since lag never reads below it.");
    public static final Option<Duration> STABLE_FOR = withDefault("stable_for", OptionTypes.duration(), Duration.ofSeconds(30),
            "...for at least this long without interruption.");
    public static final Option<Duration> MAX_VALIDATION_AGE = withDefault("max_validation_age", OptionTypes.duration(),
            Duration.ofHours(1), "The gate needs a clean validation that began no longer ago than this.");
    public static final Option<Duration> LAG_INTERVAL = withDefault("lag_interval", OptionTypes.duration(), Duration.ofSeconds(5),
            "How often a record per sink and table goes to the lag topic.");
    public static final Option<Duration> WARN_LAG = withDefault("warn_lag", OptionTypes.duration(), Duration.ofSeconds(30),
            "Lag above this is reported as a warning.");
    public static final Option<Duration> CRITICAL_LAG = withDefault("critical_lag", OptionTypes.duration(), Duration.ofMinutes(2),
            "Lag above this is reported as critical.");
    public static final Option<Integer> SEGMENT_ROWS = withDefault("segment_rows", OptionTypes.integer(10, 100_000_000), 10_000,
            "Rows per checksum segment before bisection.");
    public static final Option<Duration> VALIDATION_INTERVAL = withDefault("interval", OptionTypes.duration(), Duration.ofMinutes(30),
            "How often the service validates on its own (continuous mode), once the snapshot is done and lag is known; below"
                    + " max_validation_age, or the gate would close between validations.");
    public static final Option<Boolean> CONTINUOUS = withDefault("continuous", OptionTypes.bool(), true,
            "Validate on its own every interval; false: only on request (ferry validate, cutover scripts).");
    public static final Option<Map<String, String>> TOLERANCES = withDefault("tolerances",
            OptionTypes.stringMap(PipelineOptions::toleranceProblem), Map.of(),
            "Per-column slack for validation, by target column: `table.column: 0.01` (numbers), `table.column: 0.1%` (floats,"
                    + " relative), `table.column: 1s` (times less than that apart); `sink/table.column` for one sink only. A key must name a"
                    + " sink, a table a mapping writes and one of its columns (checked at load where the mapping lists its columns,"
                    + " else by validation, which fails the table).");
    public static final Option<Boolean> PUSH_DOWN = withDefault("push_down", OptionTypes.bool(), true,
            "Where source and target are both SQL (PostgreSQL, or MySQL/MariaDB) and a table is mapped 1:1 with a single integer key,"
                    + " compare it by checksums of key-range segments computed in both databases, bisecting those that differ down to"
                    + " small ranges compared row by row; false: always compare row by row.");
    public static final Section VALIDATION = Section.of("validation", "lag, checksums and the cutover gate", false,
            LAG_THRESHOLD, STABLE_FOR, MAX_VALIDATION_AGE, LAG_INTERVAL, WARN_LAG, CRITICAL_LAG, SEGMENT_ROWS, VALIDATION_INTERVAL, CONTINUOUS,
            TOLERANCES, PUSH_DOWN);

    // transform
    public static final Option<Boolean> TRANSFORM_DIRECT = withDefault("direct", OptionTypes.bool(), false,
            "PostgreSQL sources: a mapping that reads one table only (no related, no nest, no pattern) skips the transform stage; its"
                    + " sinks read the table's change topic and map each change themselves (one Kafka hop, no state store, no"
                    + " exactly-once commit to wait for). Its tables need REPLICA IDENTITY FULL (capture refuses to start without it),"
                    + " since no state fills what the log leaves out. false: every mapping goes through the transform stage.");
    public static final Option<Boolean> TRANSFORM_BULK_COPY = withDefault("bulk_copy", OptionTypes.bool(), true,
            "With direct: true and source.snapshot: initial, a table that only direct mappings read is not snapshotted through"
                    + " Kafka: each sink copies it itself (the source table read over JDBC in one transaction, mapped, written in large"
                    + " batches), then applies the table's changes from where its change topic ended when the copy began. The copies"
                    + " begin once capture's offsets record the end of Debezium's initial snapshot. The sink reports SNAPSHOTTING"
                    + " until its copies are done. false: Debezium's snapshot of the table goes through the change"
                    + " topic like any other.");
    public static final Section TRANSFORM = Section.of("transform", "the mapping stage", false, TRANSFORM_DIRECT, TRANSFORM_BULK_COPY);

    // http
    public static final Option<Boolean> HTTP_ENABLED = withDefault("enabled", OptionTypes.bool(), true,
            "Serve /health, /ready, /status, /metrics and the status page.");
    public static final Option<String> HTTP_BIND = withDefault("bind", OptionTypes.string(), "127.0.0.1",
            "Address the status server listens on; 0.0.0.0 exposes it on every interface (set a token then).");
    public static final Option<Integer> HTTP_PORT = withDefault("port", OptionTypes.integer(0, 65_535), 7878,
            "Port of the status server; 0 picks a free one (logged at start).");
    public static final Option<Secret> HTTP_TOKEN = optional("token", OptionTypes.secret(),
            "Bearer token every request but /health must carry (Authorization: Bearer <token>). Left out: no token.");
    public static final Section HTTP = Section.of("http", "the status server", false, HTTP_ENABLED, HTTP_BIND, HTTP_PORT, HTTP_TOKEN);

    // sinks[]
    public static final Option<String> SINK_NAME = required("name",
            OptionTypes.string("[a-z0-9][a-z0-9_-]{0,62}", "lower-case letters, digits, '-' and '_'"),
            "The sink's name: its consumer group, metrics and topics are named after it.");
    public static final Option<String> SINK_TYPE = required("type", OptionTypes.string(),
            "The sink's type: one of the sink factories on the classpath (postgres, mysql, mariadb, cassandra, mongodb).");

    /** What is wrong with one entry of {@code validation.tolerances}, or null. */
    static String toleranceProblem(String key, String value) {
        try {
            ToleranceKey.parse(key);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        try {
            io.ferry.core.types.Tolerance.parse(value);
            return null;
        } catch (IllegalArgumentException e) {
            return key + ": " + e.getMessage();
        }
    }

    /** What is wrong with one entry of {@code source.tables}, or null. */
    static String tableProblem(String table) {
        if (table.indexOf('.') <= 0) {
            return "'" + table + "' must be namespace.table (e.g. public.users or shop.orders)";
        }
        try {
            java.util.regex.Pattern.compile(table);
            return null;
        } catch (java.util.regex.PatternSyntaxException e) {
            return "'" + table + "' is not a valid regular expression: " + e.getDescription();
        }
    }

    /** The top-level keys of a pipeline file, in the order the reference lists them. */
    public static final List<String> TOP_LEVEL_KEYS = List.of("pipeline", "kafka", "source", "mappings", "sinks", "transform",
            "validation", "http");

    /** The core sections, for binding and for the reference. */
    public static final List<Section> CORE_SECTIONS = List.of(PIPELINE, KAFKA, SOURCE, TRANSFORM, VALIDATION, HTTP);
}
