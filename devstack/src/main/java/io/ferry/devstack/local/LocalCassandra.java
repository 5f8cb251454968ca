package io.ferry.devstack.local;

import io.ferry.devstack.CassandraService;
import io.ferry.devstack.DevstackException;
import io.ferry.devstack.Service;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cassandra 5.0 in a child JVM. Its classpath, resolved by Maven in the
 * {@code ferry-devstack-cassandra-server} module, stays apart from the driver's (their Netty and Guava
 * versions clash). Small heap and the start-up shortcuts a single test node can take.
 */
public final class LocalCassandra extends ChildProcessServer implements CassandraService {

    /** System property for the child JVM's maximum heap, default {@code 512m}. */
    public static final String HEAP_PROPERTY = "ferry.devstack.cassandra.heap";

    /** System property: more JVM options for the child (split at spaces), e.g. {@code -XX:TieredStopAtLevel=1} in tests. */
    public static final String JVM_OPTIONS_PROPERTY = "ferry.devstack.cassandra.jvm.options";

    private static final String CLASSPATH_RESOURCE = "io/ferry/devstack/cassandra/server.classpath";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    /** The module flags of Cassandra's jvm17-server.options; without them it dies at start on Java 17. */
    private static final List<String> JAVA17_FLAGS = List.of(
            "-Djdk.attach.allowAttachSelf=true",
            "-Dio.netty.tryReflectionSetAccessible=true",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports=java.sql/java.sql=ALL-UNNAMED",
            "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
            "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED");

    private final Path instanceDir;
    private final int port;
    private final List<String> command;

    private LocalCassandra(Path instanceDir, int port, List<String> command) {
        super("Cassandra", port);
        this.instanceDir = instanceDir;
        this.port = port;
        this.command = command;
    }

    static LocalCassandra start(InstanceDirs dirs) {
        Path dir = dirs.create("cassandra", false);
        int nativePort = FreePorts.next();
        int storagePort = FreePorts.next();
        int sslStoragePort = FreePorts.next();
        int jmxPort = FreePorts.next();
        try {
            Files.writeString(dir.resolve("cassandra.yaml"), yaml(dir, nativePort, storagePort, sslStoragePort));
            Files.writeString(dir.resolve("logback.xml"), LOGBACK.replace("@LOG@", dir.resolve("system.log").toString()));
        } catch (IOException e) {
            throw new DevstackException("cannot write Cassandra's configuration in " + dir, e);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms256m");
        cmd.add("-Xmx" + System.getProperty(HEAP_PROPERTY, "512m"));
        cmd.add("-Xss256k");
        cmd.add("-XX:+UseG1GC");
        String extra = System.getProperty(JVM_OPTIONS_PROPERTY, "").strip();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(JAVA17_FLAGS);
        cmd.addAll(List.of(
                "-Dcassandra.config=" + dir.resolve("cassandra.yaml").toUri(),
                "-Dcassandra.storagedir=" + dir,
                "-Dcassandra-foreground=yes",
                "-Dcassandra.jmx.local.port=" + jmxPort,
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.ring_delay_ms=1000",
                "-Dcassandra.superuser_setup_delay_ms=0",
                "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                "-cp", serverClasspath(),
                "org.apache.cassandra.service.CassandraDaemon"));
        LocalCassandra cassandra = new LocalCassandra(dir, nativePort, cmd);
        cassandra.launch();
        return cassandra;
    }

    @Override
    void launch() {
        // The native transport opens last, once the node has joined its ring; ready when it answers CQL.
        launch(command, instanceDir, "TERM", START_TIMEOUT, () -> CqlProbe.answers(host(), port));
    }

    @Override
    List<Path> ownLogs() {
        return List.of(instanceDir.resolve("system.log"));
    }

    private static String serverClasspath() {
        try (InputStream in = LocalCassandra.class.getClassLoader().getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new DevstackException(CLASSPATH_RESOURCE + " is not on the classpath: build with ./mvnw, which "
                        + "resolves the Cassandra server in module devstack/cassandra-server");
            }
            String classpath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            List<String> missing = Arrays.stream(classpath.split(java.io.File.pathSeparator))
                    .filter(jar -> !Files.exists(Path.of(jar))).toList();
            if (!missing.isEmpty()) {
                throw new DevstackException("the Cassandra server's jars are missing from the local Maven repository ("
                        + missing.get(0) + " and " + (missing.size() - 1) + " more): run ./mvnw -B install -DskipTests");
            }
            return classpath;
        } catch (IOException e) {
            throw new DevstackException("cannot read " + CLASSPATH_RESOURCE, e);
        }
    }

    private static String yaml(Path dir, int nativePort, int storagePort, int sslStoragePort) {
        return String.join("\n",
                "cluster_name: ferry-devstack",
                "num_tokens: 16",
                "allocate_tokens_for_local_replication_factor: 1",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                "endpoint_snitch: SimpleSnitch",
                "seed_provider:",
                "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                "    parameters:",
                "      - seeds: \"127.0.0.1:" + storagePort + "\"",
                "listen_address: 127.0.0.1",
                "rpc_address: 127.0.0.1",
                "storage_port: " + storagePort,
                "ssl_storage_port: " + sslStoragePort,
                "native_transport_port: " + nativePort,
                "start_native_transport: true",
                "commitlog_sync: periodic",
                "commitlog_sync_period: 10000ms",
                "data_file_directories:",
                "  - " + dir.resolve("data"),
                "commitlog_directory: " + dir.resolve("commitlog"),
                "saved_caches_directory: " + dir.resolve("saved_caches"),
                "hints_directory: " + dir.resolve("hints"),
                "cdc_raw_directory: " + dir.resolve("cdc_raw"),
                "authenticator: AllowAllAuthenticator",
                "authorizer: AllowAllAuthorizer",
                "disk_access_mode: mmap_index_only",
                "auto_snapshot: false",
                "");
    }

    private static final String LOGBACK = """
            <configuration>
              <appender name="FILE" class="ch.qos.logback.core.FileAppender">
                <file>@LOG@</file>
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <root level="INFO"><appender-ref ref="FILE"/></root>
            </configuration>
            """;

    @Override
    public Service kind() {
        return Service.CASSANDRA;
    }

    @Override
    public String version() {
        return "Cassandra " + cassandraVersion();
    }

    private static String cassandraVersion() {
        String cp = serverClasspath();
        return Arrays.stream(cp.split(java.io.File.pathSeparator))
                .map(jar -> Path.of(jar).getFileName().toString())
                .filter(name -> name.startsWith("cassandra-all-"))
                .map(name -> name.substring("cassandra-all-".length(), name.length() - ".jar".length()))
                .findFirst().orElse("5");
    }

    @Override
    public String localDatacenter() {
        return "datacenter1";
    }

}
