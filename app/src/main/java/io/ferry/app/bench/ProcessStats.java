package io.ferry.app.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Peak resident memory of a contender's JVM (Linux's /proc), the machine's size and load. */
final class ProcessStats {

    private ProcessStats() {
    }

    private static com.sun.management.OperatingSystemMXBean os() {
        return (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    }

    /** The peak resident set size so far ({@code VmHWM}) of a process of this machine (a contender's JVM), in MiB; -1 where unknown. */
    static double peakRssMib(long pid) {
        return peakRss(Path.of("/proc", Long.toString(pid), "status"));
    }

    private static double peakRss(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    long kib = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                    return Math.round(kib / 1024.0 * 10) / 10.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: reported as unknown
        }
        return -1;
    }

    /** The system's 1-minute load average; -1 where unknown. */
    static double loadAverage() {
        return Math.round(os().getSystemLoadAverage() * 100) / 100.0;
    }

    static double memoryGib() {
        return Math.round(os().getTotalMemorySize() / (1024.0 * 1024 * 1024) * 10) / 10.0;
    }
}
