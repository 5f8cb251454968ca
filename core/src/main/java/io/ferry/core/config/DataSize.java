package io.ferry.core.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes, written with a unit: {@code 512B}, {@code 64KiB}, {@code 64MiB}, {@code 1GiB}
 * (powers of 1024) or {@code 10KB}, {@code 10MB}, {@code 1GB} (powers of 1000).
 */
public record DataSize(long bytes) {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)");

    public DataSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative");
        }
    }

    /** @throws IllegalArgumentException with the accepted forms, for a bad text */
    public static DataSize parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size with a unit, like 64MiB, 512KiB or 10MB, got '" + text + "'");
        }
        long factor = switch (m.group(2)) {
            case "B" -> 1L;
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            case "TB" -> 1_000_000_000_000L;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 1L << 40;
        };
        try {
            return new DataSize(Math.multiplyExact(Long.parseLong(m.group(1)), factor));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size '" + text + "' is too large");
        }
    }

    @Override
    public String toString() {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + units[i];
            }
        }
        return String.format(Locale.ROOT, "%dB", bytes);
    }
}
