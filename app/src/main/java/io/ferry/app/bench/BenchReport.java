package io.ferry.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** A run's figures as an aligned table for the terminal and as the JSON file. */
public final class BenchReport {

    private static final String RUN = "%-8s %16s %9s %28s %17s %7s %9s %9s%n";
    private static final String NEAR = "%-8s %30s %30s %26s%n";
    private static final String SUMMARY = "%-18s %-28s %-28s %s%n";
    private static final String ROW = "%-9s %-48s %18s%n";

    private BenchReport() {
    }

    public static String table(BenchResult r) {
        BenchResult.Machine m = r.machine();
        StringBuilder t = new StringBuilder();
        t.append(String.format("ferry bench %s: %s -> %s, same shape; %d cores, %.1f GiB, Java %s; load average %.2f at the start%n",
                r.scenario(), m.source(), m.target(), m.cores(), m.memoryGib(), m.java(), m.loadAverageBefore()));
        t.append("compared with: ").append(r.comparedWith()).append(System.lineSeparator());
        for (BenchResult.Summary s : r.summaries()) {
            t.append(s.contender()).append(": ").append(s.what()).append(System.lineSeparator());
        }
        t.append(System.lineSeparator());
        t.append(String.format(RUN, "RUN", "SNAPSHOT rows/s", "(start)", "STEADY p50 / p95 / p99", "BACKLOG events/s", "(start)", "CPU s",
                "PEAK RSS"));
        for (BenchResult.Run run : r.runs()) {
            BenchResult.Percentiles l = run.steady().latencyMs();
            t.append(String.format(RUN, run.contender() + " " + run.pair(), String.format("%,d", run.snapshot().rowsPerS()),
                    seconds(run.snapshot().serviceStartSeconds()), String.format("%.0f / %.0f / %.0f ms", l.p50(), l.p95(), l.p99()),
                    String.format("%,d", run.backlog().eventsPerS()), seconds(run.backlog().serviceStartSeconds()),
                    String.format("%.0f", run.process().cpuSeconds()), String.format("%,.0f MiB", run.process().peakRssMib())));
        }
        BenchResult.Run first = r.runs().get(0);
        t.append(String.format("(%,d rows; steady: %,d transactions/s for %.0f s after a %.0f s warm-up, achieved %.1f/s in the first run;"
                + " backlog: %,d changes, %d per transaction; start: until the contender said it was up)%n", first.snapshot().rows(),
                first.steady().targetRate(), first.steady().seconds(), first.steady().warmupSeconds(), first.steady().achievedRate(),
                first.backlog().events(), first.backlog().transactionRows()));
        t.append(System.lineSeparator());
        t.append(String.format(NEAR, "RUN", "NEAR MAX 50 %: rate, p50 / p99", "80 %: rate, p50 / p99", "VALIDATION rows/s"));
        for (BenchResult.Run run : r.runs()) {
            BenchResult.Validation v = run.validation();
            t.append(String.format(NEAR, run.contender() + " " + run.pair(), near(run.nearMax().get(0)), near(run.nearMax().get(1)),
                    v == null ? "-" : String.format("%,d (%s)", v.rowsPerS(), v.clean() ? "match" : "DIFFERENCES")));
        }
        t.append("(near max: the steady phase again at 50 % and 80 % of the contender's own backlog events/s, achieved rate shown;"
                + " validation: Ferry's, of every row, after the last phase)").append(System.lineSeparator());
        t.append(System.lineSeparator());
        List<BenchResult.Summary> s = r.summaries();
        BenchResult.Summary peer = s.size() > 1 ? s.get(1) : null;
        t.append(String.format(SUMMARY, "MEASURE", "Ferry: min / median / max", peer == null ? "" : "peer: min / median / max",
                peer == null ? "" : "Ferry / peer, each pair"));
        summaryRow(t, "snapshot rows/s", s, BenchResult.Summary::snapshotRowsPerS, r.ferryOverPeer(), BenchResult.PairRatios::snapshotRowsPerS);
        summaryRow(t, "backlog events/s", s, BenchResult.Summary::backlogEventsPerS, r.ferryOverPeer(),
                BenchResult.PairRatios::backlogEventsPerS);
        summaryRow(t, "latency p50 ms", s, BenchResult.Summary::latencyP50Ms, List.of(), null);
        summaryRow(t, "latency p95 ms", s, BenchResult.Summary::latencyP95Ms, List.of(), null);
        summaryRow(t, "latency p99 ms", s, BenchResult.Summary::latencyP99Ms, r.ferryOverPeer(), BenchResult.PairRatios::latencyP99);
        summaryRow(t, "p99 ms at 50 % max", s, BenchResult.Summary::latencyP99At50Ms, List.of(), null);
        summaryRow(t, "p99 ms at 80 % max", s, BenchResult.Summary::latencyP99At80Ms, List.of(), null);
        summaryRow(t, "validation rows/s", s.subList(0, 1), BenchResult.Summary::validationRowsPerS, List.of(), null);
        summaryRow(t, "CPU s (whole run)", s, BenchResult.Summary::cpuSeconds, r.ferryOverPeer(), BenchResult.PairRatios::cpuSeconds);
        summaryRow(t, "peak RSS MiB", s, BenchResult.Summary::peakRssMib, r.ferryOverPeer(), BenchResult.PairRatios::peakRssMib);
        t.append("(CPU and RSS: ").append(r.runs().stream().filter(x -> x.contender().equals(BenchResult.FERRY) && x.process() != null)
                .map(x -> x.process().note()).findFirst().orElse(FerryContender.NOTE));
        if (peer != null) {
            t.append("; peer: ").append(KafkaConnectPeer.NOTE);
        }
        t.append(". PostgreSQL runs as separate processes, not counted.)").append(System.lineSeparator());
        BenchResult.Floor f = r.floor();
        if (f != null) {
            BenchResult.Ratios x = f.ferryOverFloor();
            t.append(System.lineSeparator()).append("floor: ").append(f.what()).append(System.lineSeparator());
            t.append(String.format(ROW, "PHASE", "MEASURE: floor (Ferry's median / floor)", "VALUE"));
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
            t.append(String.format(ROW, "near max", "50 %: rate, p50 / p99", near(f.nearMax().get(0))));
            t.append(String.format(ROW, "near max", "80 %: rate, p50 / p99", near(f.nearMax().get(1))));
        }
        return t.toString();
    }

    private static void summaryRow(StringBuilder t, String measure, List<BenchResult.Summary> s,
            Function<BenchResult.Summary, BenchResult.Spread> spread, List<BenchResult.PairRatios> pairs,
            ToDoubleFunction<BenchResult.PairRatios> ratio) {
        String ratios = ratio == null ? "" : pairs.stream().map(p -> String.format("%.2f", ratio.applyAsDouble(p)))
                .collect(Collectors.joining("  "));
        t.append(String.format(SUMMARY, measure, spread(spread.apply(s.get(0))), s.size() > 1 ? spread(spread.apply(s.get(1))) : "", ratios));
    }

    private static String spread(BenchResult.Spread s) {
        return String.format("%s / %s / %s", number(s.min()), number(s.median()), number(s.max()));
    }

    private static String number(double v) {
        return v >= 100 ? String.format("%,.0f", v) : String.format("%.1f", v);
    }

    public static void writeJson(BenchResult r, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        ObjectMapper json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n");
    }

    /** A near-maximum steady phase: its achieved rate and latency. */
    private static String near(BenchResult.Steady steady) {
        return String.format("%,.0f/s, %.0f / %.0f ms", steady.achievedRate(), steady.latencyMs().p50(), steady.latencyMs().p99());
    }

    private static String seconds(double s) {
        return String.format("%.1f s", s);
    }

    private static String millis(double ms) {
        return String.format("%.1f ms", ms);
    }
}
