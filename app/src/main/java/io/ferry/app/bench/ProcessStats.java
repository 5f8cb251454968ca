package io.ferry.app.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and peak resident memory of this JVM, and the machine's size; Linux's /proc for the memory. */
final class ProcessStats {

    private ProcessStats() {
    }

    private static com.sun.management.OperatingSystemMXBean os() {
        return (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    }

    /** CPU time of every thread of this process so far (user and system); child processes are not in it. */
    static double cpuSeconds() {
        return os().getProcessCpuTime() / 1e9;
    }

    /** The peak resident set size so far ({@code VmHWM}), in MiB; -1 where /proc/self/status is missing. */
    static double peakRssMib() {
        return peakRss(Path.of("/proc/self/status"));
    }

    /** The same for another process of this machine (a contender's JVM). */
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
