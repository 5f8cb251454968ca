package io.ferry.app.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU seconds of a database server on this machine, by kind of process (PostgreSQL's walsender, client backends by database,
 * autovacuum workers, checkpointer; MariaDB is one process), read from Linux's {@code /proc}: the server's own process, its
 * live children, and what its children that ended had used ({@code cutime}, under {@value #ENDED}). Where {@code /proc} or the
 * server's process is not there (another OS, a server in a container), every sample is empty.
 */
final class ServerCpu {

    /** The kind that takes the CPU of the server's children that ended since the last sample. */
    static final String ENDED = "ended processes";
    /** The kind of a child that has not set its process title yet. */
    static final String UNTITLED = "starting processes";
    /** Linux's USER_HZ: /proc/<pid>/stat counts CPU in these ticks on every architecture Ferry runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long root;
    private final Path proc;
    /** CPU seconds of each live process at the last sample, and its kind. */
    private Map<Long, Long> before = Map.of();
    private Map<Long, String> kinds = new HashMap<>();
    private long reapedBefore;
    /**
     * Ticks counted ahead of the server's {@code cutime}: a child that ended between reading the server's stat and listing
     * {@code /proc} is gone from the list before its CPU is in {@code cutime}; taken back from the next sample's.
     */
    private long endedCarry;

    /** {@code root}: the server's main process (PostgreSQL's postmaster, mysqld); -1 for none. */
    ServerCpu(long root) {
        this(root, Path.of("/proc"));
    }

    ServerCpu(long root, Path proc) {
        this.root = root;
        this.proc = proc;
        if (root > 0) {
            sample();
        }
    }

    /** CPU seconds used by kind of process since the last sample (the first sample: since the constructor). */
    synchronized Map<String, Double> sample() {
        Map<String, Double> used = new TreeMap<>();
        Map<String, Long> ticks = new TreeMap<>();
        Stat server = root > 0 ? Stat.read(proc.resolve(Long.toString(root))) : null;
        if (server == null) {
            return used;
        }
        Map<Long, Long> now = new HashMap<>();
        now.put(root, server.own());
        kinds.putIfAbsent(root, kind(root, false));
        try (Stream<Path> dirs = Files.list(proc)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                Stat s = Stat.read(dir);
                if (s != null && s.parent == root) {
                    long pid = Long.parseLong(name);
                    now.put(pid, s.own());
                    String known = kinds.get(pid);
                    if (known == null || known.equals(UNTITLED)) {
                        kinds.put(pid, kind(pid, true));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc changed under the listing (UncheckedIOException) or is unreadable: this sample is empty
            return used;
        }
        long endedBefore = 0;
        for (Map.Entry<Long, Long> e : before.entrySet()) {
            if (!now.containsKey(e.getKey())) {
                endedBefore += e.getValue();
            }
        }
        for (Map.Entry<Long, Long> e : now.entrySet()) {
            ticks.merge(kinds.get(e.getKey()), e.getValue() - before.getOrDefault(e.getKey(), 0L), Long::sum);
        }
        // an ended child's CPU moves into the server's cutime; what it had used by the last sample was counted then
        long ended = server.reaped() - reapedBefore - endedBefore + endedCarry;
        endedCarry = Math.min(0, ended);
        ticks.merge(ENDED, ended, Long::sum);
        ticks.forEach((kind, t) -> {
            if (t > 0) {
                used.put(kind, t / TICKS_PER_SECOND);
            }
        });
        kinds.keySet().retainAll(now.keySet());
        before = now;
        reapedBefore = server.reaped();
        return used;
    }

    /**
     * A process's kind from its title: PostgreSQL's {@code postgres: checkpointer}, {@code postgres: autovacuum worker bench},
     * {@code postgres: walsender ferry 127.0.0.1(5532) START_REPLICATION}, a client backend {@code postgres: user database
     * host(port) idle} (its kind: {@code backend <database>}); otherwise the program's name.
     */
    static String kindOf(String title) {
        String t = title.strip();
        if (!t.startsWith("postgres: ")) {
            String program = t.split("\\s+")[0];
            return program.substring(program.lastIndexOf('/') + 1);
        }
        String[] words = t.substring("postgres: ".length()).split("\\s+");
        if (words.length >= 2 && (words[0].equals("walsender") || words[0].equals("autovacuum") || words[0].equals("logical")
                || words[0].equals("background") || words[0].equals("parallel"))) {
            return words[0] + " " + words[1];
        }
        if (words.length >= 3 && words[2].contains("(")) {
            return "backend " + words[1];
        }
        return words[0];
    }

    /**
     * {@code child}: a child still showing the server's own command line has not set its title yet (a backend just
     * forked); it is filed as {@link #UNTITLED} and looked at again at the next sample.
     */
    private String kind(long pid, boolean child) {
        try {
            byte[] cmdline = Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("cmdline"));
            String title = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').strip();
            return child && !title.startsWith("postgres: ") && title.equals(rootTitle()) ? UNTITLED : kindOf(title);
        } catch (IOException e) {
            return "pid " + pid;
        }
    }

    private String rootTitle() {
        try {
            return new String(Files.readAllBytes(proc.resolve(Long.toString(root)).resolve("cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** The fields of {@code /proc/<pid>/stat} this needs, in clock ticks. */
    private record Stat(long parent, long utime, long stime, long cutime, long cstime) {

        long own() {
            return utime + stime;
        }

        long reaped() {
            return cutime + cstime;
        }

        /** Null when the process is gone or the file unreadable. */
        static Stat read(Path dir) {
            try {
                String s = Files.readString(dir.resolve("stat"));
                // the command name, in parentheses, may hold spaces: the fields start after the last ')'
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                return new Stat(Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                        Long.parseLong(f[14]));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
