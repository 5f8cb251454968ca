package io.ferry.app.bench;

import java.sql.Connection;
import java.sql.SQLException;

/** The source database of one run: made and filled before it, written by the load generator, dropped after it. */
interface BenchSource {

    /** Makes the database (again, when it exists) with the {@code bench} table holding rows 1..rows. */
    void create(long rows) throws SQLException;

    Connection connect() throws SQLException;

    /** Drops the database and whatever the contender left on the server for it (replication slots, Ferry's heartbeat database). */
    void drop() throws SQLException;

    /** Ferry's {@code source:} section, indented for the pipeline file. */
    String yaml();

    /** The table's name in Ferry's mapping ({@code public.bench}, {@code <database>.bench}). */
    String table();

    /**
     * The server's main process on this machine, found over {@code c} (for {@link ServerCpu}); -1 where the server is not a
     * process of this machine (a container) or cannot be found.
     */
    long serverPid(Connection c) throws SQLException;

    /**
     * {@code pid}'s process runs one of these programs (guards a pid a server reported from a container's namespace). Its
     * executable's path where it can be read, else its {@code /proc/<pid>/comm} (a process of another user, to a root
     * without CAP_SYS_PTRACE).
     */
    static boolean runs(long pid, String... programs) {
        java.util.Optional<String> command = ProcessHandle.of(pid).flatMap(h -> h.info().command());
        if (command.isPresent()) {
            return java.util.Arrays.stream(programs).anyMatch(p -> command.get().endsWith("/" + p));
        }
        try {
            String comm = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "comm")).strip();
            return java.util.Arrays.asList(programs).contains(comm);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
