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
}
