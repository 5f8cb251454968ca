package io.ferry.devstack.local;

import io.ferry.devstack.DevstackException;
import io.ferry.devstack.KafkaService;
import io.ferry.devstack.Service;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Kafka broker and controller (KRaft) in this JVM, its log under the instance directory.
 * Internal topics get replication factor 1 and min ISR 1: without that, consumer groups and
 * transactions wait forever for replicas that do not exist.
 */
public final class LocalKafka implements KafkaService {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** The log cleaner's offset map, on the heap of whatever process runs the broker (Ferry's embedded Kafka). */
    public static final int DEDUPE_BUFFER_BYTES = 16 * 1024 * 1024;

    private final Properties config;
    private final int port;
    private KafkaRaftServer server;

    private LocalKafka(Properties config, int port) {
        this.config = config;
        this.port = port;
    }

    static LocalKafka start(InstanceDirs dirs) {
        return open(dirs.create("kafka", false).resolve("log"), 0);
    }

    /**
     * A broker whose log lives in {@code logDir} and outlives it: the directory is formatted only when it
     * holds no Kafka storage yet, so topics, offsets and transactions survive a restart (Ferry's embedded
     * Kafka). Port 0 picks a free port.
     */
    public static LocalKafka open(Path logDir, int port) {
        if (port == 0) {
            port = FreePorts.next();
        }
        int controllerPort = FreePorts.next();
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "10"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "10"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // Ferry creates every topic it uses with its own settings; a typo must not create one.
                Map.entry("auto.create.topics.enable", "false"),
                // The log cleaner's offset map is one heap buffer of this size, taken at start (Kafka's default: 128 MB,
                // a quarter of a 512 MB heap, for good). 16 MB maps ~600,000 keys a cleaning pass; a compacted topic with
                // more keys is cleaned in more passes.
                Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(DEDUPE_BUFFER_BYTES)),
                Map.entry("log.flush.interval.messages", Long.toString(Long.MAX_VALUE))));
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(p, logDir);
        }
        LocalKafka kafka = new LocalKafka(p, port);
        kafka.launch();
        return kafka;
    }

    private static void format(Properties p, Path logDir) {
        try {
            new Formatter()
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .run();
        } catch (Exception e) {
            throw new DevstackException("could not format Kafka's storage in " + logDir, e);
        }
    }

    private synchronized void launch() {
        server = new KafkaRaftServer(KafkaConfig.fromProps(config, false), Time.SYSTEM);
        try {
            server.startup();
            Waits.until("Kafka on port " + port + " serving clients", START_TIMEOUT, null, this::servesClients);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    private boolean servesClients() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(p)) {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public Service kind() {
        return Service.KAFKA;
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String version() {
        return "Kafka " + AppInfoParser.getVersion();
    }

    @Override
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public synchronized void close() {
        stop();
    }

    private void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
