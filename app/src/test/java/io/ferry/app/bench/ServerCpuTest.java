package io.ferry.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCpuTest {

    @TempDir
    Path proc;

    @Test
    void kindsComeFromPostgresProcessTitles() {
        assertThat(ServerCpu.kindOf("postgres: checkpointer ")).isEqualTo("checkpointer");
        assertThat(ServerCpu.kindOf("postgres: autovacuum worker bench_ferry1_source")).isEqualTo("autovacuum worker");
        assertThat(ServerCpu.kindOf("postgres: walsender ferry 127.0.0.1(45678) START_REPLICATION")).isEqualTo("walsender ferry");
        assertThat(ServerCpu.kindOf("postgres: ferry bench_ferry1_target 127.0.0.1(45680) idle in transaction"))
                .isEqualTo("backend bench_ferry1_target");
        assertThat(ServerCpu.kindOf("postgres: logical replication apply worker for subscription 16500"))
                .isEqualTo("logical replication");
        assertThat(ServerCpu.kindOf("/usr/lib/postgresql/17/bin/postgres -D /tmp/pg/data")).isEqualTo("postgres");
        assertThat(ServerCpu.kindOf("/opt/mariadb/bin/mariadbd --datadir=/tmp/m")).isEqualTo("mariadbd");
    }

    @Test
    void eachSampleCountsWhatEachKindUsedSinceTheLastAndWhatEndedChildrenUsed() throws IOException {
        process(100, 1, "/usr/bin/postgres -D data", 50, 10, 0, 0);
        process(101, 100, "postgres: walsender ferry 127.0.0.1(1) START_REPLICATION", 200, 100, 0, 0);
        process(102, 100, "postgres: autovacuum worker bench", 30, 0, 0, 0);
        process(103, 1, "postgres: not the server's child", 900, 0, 0, 0);
        ServerCpu cpu = new ServerCpu(100, proc);
        assertThat(cpu.sample()).as("nothing used since the constructor's sample").isEmpty();

        process(100, 1, "/usr/bin/postgres -D data", 60, 10, 70, 10); // reaped 102: 0.3 s counted before, 0.8 s in all
        process(101, 100, "postgres: walsender ferry 127.0.0.1(1) START_REPLICATION", 250, 120, 0, 0);
        deleteProcess(102);
        process(104, 100, "postgres: ferry bench_target 127.0.0.1(2) idle", 40, 0, 0, 0);
        process(103, 1, "postgres: not the server's child", 1900, 0, 0, 0);

        assertThat(cpu.sample()).containsOnlyKeys("postgres", "walsender ferry", "backend bench_target", ServerCpu.ENDED)
                .containsEntry("postgres", 0.1).containsEntry("walsender ferry", 0.7).containsEntry("backend bench_target", 0.4)
                .containsEntry(ServerCpu.ENDED, 0.5);
    }

    @Test
    void aChildThatEndedBeforeTheServerReapedItIsCountedOnce() throws IOException {
        process(100, 1, "/usr/bin/postgres -D data", 0, 0, 0, 0);
        process(102, 100, "postgres: autovacuum worker bench", 30, 0, 0, 0);
        ServerCpu cpu = new ServerCpu(100, proc);
        deleteProcess(102); // gone from /proc, its 0.5 s not yet in the server's cutime
        assertThat(cpu.sample()).isEmpty();
        process(100, 1, "/usr/bin/postgres -D data", 0, 0, 50, 0); // reaped: 0.3 s counted before, 0.2 s since
        assertThat(cpu.sample()).containsOnly(org.assertj.core.api.Assertions.entry(ServerCpu.ENDED, 0.2));
    }

    @Test
    void aChildStillShowingTheServersCommandLineIsLookedAtAgain() throws IOException {
        process(100, 1, "/usr/bin/postgres -D data", 0, 0, 0, 0);
        process(104, 100, "/usr/bin/postgres -D data", 0, 0, 0, 0);
        ServerCpu cpu = new ServerCpu(100, proc);
        process(104, 100, "postgres: walsender ferry 127.0.0.1(2) START_REPLICATION", 20, 0, 0, 0);
        assertThat(cpu.sample()).containsOnlyKeys("walsender ferry");
    }

    @Test
    void aServerThatIsNotAProcessOfThisMachineGivesEmptySamples() {
        assertThat(new ServerCpu(-1, proc).sample()).isEmpty();
        assertThat(new ServerCpu(4242, proc).sample()).isEmpty();
    }

    private void process(long pid, long parent, String title, long utime, long stime, long cutime, long cstime) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        // the command name may hold spaces and parentheses
        Files.writeString(dir.resolve("stat"), pid + " (postgres (x)) S " + parent + " 1 1 0 -1 4194560 100 0 0 0 " + utime + " " + stime
                + " " + cutime + " " + cstime + " 20 0 1 0 100 1000 10");
        Files.write(dir.resolve("cmdline"), title.replace(' ', '\0').getBytes());
    }

    private void deleteProcess(long pid) throws IOException {
        Path dir = proc.resolve(Long.toString(pid));
        Files.delete(dir.resolve("stat"));
        Files.delete(dir.resolve("cmdline"));
        Files.delete(dir);
    }
}
