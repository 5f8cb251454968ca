package io.ferry.core.types;

import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * How close two canonical values must be to count as the same, per column: the time precision a
 * target keeps (Cassandra and MongoDB keep milliseconds), and absolute / relative slack for numbers.
 */
public record Tolerance(ChronoUnit timePrecision, BigDecimal numericAbsolute, double floatRelative) {

    /** Exact comparison at the canonical precision (microseconds). */
    public static final Tolerance EXACT = new Tolerance(ChronoUnit.MICROS, BigDecimal.ZERO, 0.0);

    public Tolerance {
        Objects.requireNonNull(timePrecision, "timePrecision");
        Objects.requireNonNull(numericAbsolute, "numericAbsolute");
        if (numericAbsolute.signum() < 0 || floatRelative < 0) {
            throw new IllegalArgumentException("tolerances must not be negative");
        }
    }

    public static Tolerance timePrecision(ChronoUnit unit) {
        return new Tolerance(unit, BigDecimal.ZERO, 0.0);
    }

    /**
     * A column's slack as the pipeline file writes it: {@code 0.01} (numbers differ by at most this),
     * {@code 0.1%} (floating-point numbers differ by at most this fraction of the larger), or a unit of time
     * {@code 1ms}, {@code 1s}, {@code 1min}, {@code 1h} (times less than that apart).
     *
     * @throws IllegalArgumentException naming what is accepted
     */
    public static Tolerance parse(String text) {
        String t = text.trim();
        try {
            if (t.endsWith("%")) {
                double percent = Double.parseDouble(t.substring(0, t.length() - 1).trim());
                // NaN compared nothing as within it (no slack at all), Infinity everything (validation always clean)
                if (!(percent >= 0 && percent <= 100)) {
                    throw new IllegalArgumentException("'" + text + "' is not a tolerance: a percentage is between 0% and 100%");
                }
                return new Tolerance(ChronoUnit.MICROS, BigDecimal.ZERO, percent / 100);
            }
            ChronoUnit unit = switch (t) {
                case "1us" -> ChronoUnit.MICROS;
                case "1ms" -> ChronoUnit.MILLIS;
                case "1s" -> ChronoUnit.SECONDS;
                case "1min", "1m" -> ChronoUnit.MINUTES;
                case "1h" -> ChronoUnit.HOURS;
                case "1d" -> ChronoUnit.DAYS;
                default -> null;
            };
            if (unit != null) {
                return timePrecision(unit);
            }
            return new Tolerance(ChronoUnit.MICROS, new BigDecimal(t), 0.0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a tolerance: write a number (0.01), a percentage (0.1%) or a"
                    + " time precision (1ms, 1s, 1min, 1h, 1d)");
        }
    }

    /** The looser of the two in every respect: the coarser time precision, the larger slacks. */
    public Tolerance widen(Tolerance other) {
        ChronoUnit unit = timePrecision.getDuration().compareTo(other.timePrecision.getDuration()) >= 0 ? timePrecision
                : other.timePrecision;
        return new Tolerance(unit, numericAbsolute.max(other.numericAbsolute), Math.max(floatRelative, other.floatRelative));
    }
}
