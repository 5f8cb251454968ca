package io.ferry.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A run's figures as an aligned table for the terminal and as the JSON file. */
public final class BenchReport {

    private static final String ROW = "%-9s %-48s %18s%n";

    private BenchReport() {
    }

    public static String table(BenchResult r) {
        BenchResult.Machine m = r.machine();
        BenchResult.Snapshot s = r.snapshot();
        BenchResult.Steady st = r.steady();
        BenchResult.Backlog b = r.backlog();
        StringBuilder t = new StringBuilder();
        t.append(String.format("ferry bench: %s -> %s, same shape; %d cores, %.1f GiB, Java %s; load average %.2f at the start%n",
                m.source(), m.target(), m.cores(), m.memoryGib(), m.java(), m.loadAverageBefore()));
        t.append("compared with: ").append(r.comparedWith()).append(System.lineSeparator()).append(System.lineSeparator());
        t.append(String.format(ROW, "PHASE", "MEASURE", "VALUE"));
        t.append(String.format(ROW, "snapshot", "rows", String.format("%,d", s.rows())));
        t.append(String.format(ROW, "snapshot", "service start until the target has every row", seconds(s.seconds())));
        t.append(String.format(ROW, "snapshot", "  of which the service's start", seconds(s.serviceStartSeconds())));
        t.append(String.format(ROW, "snapshot", "rows/s", String.format("%,d", s.rowsPerS())));
        t.append(String.format(ROW, "steady", "transactions/s: target", String.format("%,d", st.targetRate())));
        t.append(String.format(ROW, "steady", "transactions/s: achieved", String.format("%,.1f", st.achievedRate())));
        t.append(String.format(ROW, "steady", String.format("transactions measured (%.0f s, after %.0f s warm-up)", st.seconds(),
                st.warmupSeconds()), String.format("%,d", st.transactions())));
        t.append(String.format(ROW, "steady", "latency p50 (commit -> visible in target)", millis(st.latencyMs().p50())));
        t.append(String.format(ROW, "steady", "latency p95", millis(st.latencyMs().p95())));
        t.append(String.format(ROW, "steady", "latency p99", millis(st.latencyMs().p99())));
        t.append(String.format(ROW, "steady", "latency max", millis(st.latencyMs().max())));
        t.append(String.format(ROW, "steady", "probe poll gap p99 / max (the latencies' error)", String.format("%.1f / %.1f ms",
                st.pollGapMs().p99(), st.pollGapMs().max())));
        t.append(String.format(ROW, "backlog", String.format("events queued while stopped (%d per tx)", b.transactionRows()),
                String.format("%,d", b.events())));
        t.append(String.format(ROW, "backlog", "service start until the target caught up", seconds(b.seconds())));
        t.append(String.format(ROW, "backlog", "  of which the service's start", seconds(b.serviceStartSeconds())));
        t.append(String.format(ROW, "backlog", "events/s", String.format("%,d", b.eventsPerS())));
        t.append(String.format(ROW, "process", "CPU seconds: snapshot / steady / backlog", String.format("%.0f / %.0f / %.0f",
                s.cpuSeconds(), st.cpuSeconds(), b.cpuSeconds())));
        t.append(String.format(ROW, "process", "CPU seconds: the whole run", String.format("%.0f", r.process().cpuSeconds())));
        t.append(String.format(ROW, "process", "peak RSS (VmHWM)", String.format("%,.0f MiB", r.process().peakRssMib())));
        t.append("(").append(r.process().note()).append(")").append(System.lineSeparator());
        BenchResult.Floor f = r.floor();
        if (f != null) {
            BenchResult.Ratios x = f.ferryOverFloor();
            t.append(System.lineSeparator()).append("floor: ").append(f.what()).append(System.lineSeparator());
            t.append(String.format(ROW, "PHASE", "MEASURE: floor (Ferry / floor)", "VALUE"));
            t.append(String.format(ROW, "snapshot", String.format("rows/s (Ferry / floor: %.2f)", x.snapshotRowsPerS()),
                    String.format("%,d", f.snapshot().rowsPerS())));
            t.append(String.format(ROW, "snapshot", "subscription made until the target has every row", seconds(f.snapshot().seconds())));
            t.append(String.format(ROW, "steady", "transactions/s: achieved", String.format("%,.1f", f.steady().achievedRate())));
            t.append(String.format(ROW, "steady", "latency p50", millis(f.steady().latencyMs().p50())));
            t.append(String.format(ROW, "steady", String.format("latency p99 (Ferry / floor: %.2f)", x.latencyP99()),
                    millis(f.steady().latencyMs().p99())));
            t.append(String.format(ROW, "backlog", "subscription enabled until the target caught up", seconds(f.backlog().seconds())));
            t.append(String.format(ROW, "backlog", String.format("events/s (Ferry / floor: %.2f)", x.backlogEventsPerS()),
                    String.format("%,d", f.backlog().eventsPerS())));
        }
        return t.toString();
    }

    public static void writeJson(BenchResult r, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        ObjectMapper json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n");
    }

    private static String seconds(double s) {
        return String.format("%.1f s", s);
    }

    private static String millis(double ms) {
        return String.format("%.1f ms", ms);
    }
}
