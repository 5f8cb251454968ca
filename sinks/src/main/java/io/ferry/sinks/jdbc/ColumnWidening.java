package io.ferry.sinks.jdbc;

import io.ferry.core.types.CanonicalType;
import io.ferry.core.types.ColumnType;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether an existing target column can hold every value of a column's mapped type, and if not, the type it must become
 * to hold those and every value it holds now: a source column widened while the pipeline runs ({@code ALTER COLUMN ...
 * TYPE}: more digits, a longer string, a larger integer, a double) changes the mapped type, and a target column made
 * for the old one would round the new fraction digits (a {@code numeric(10,2)}, a MySQL {@code DECIMAL(10,2)}) or refuse
 * the larger values.
 *
 * <p>Only changes within one family are widenings: integers (to a larger integer, or to a decimal that holds their
 * digits), decimals (the union of both: the larger number of integer digits and of fraction digits), a {@code real} to
 * a double, strings to a longer or unbounded string. Anything else (a type of another family, a shorter type, an
 * unsigned MySQL integer) is left as it is: values it cannot hold are refused by the target and dead-lettered, as
 * before.
 */
final class ColumnWidening {

    /**
     * An existing column as {@code information_schema.columns} describes it.
     *
     * @param dataType lower case, {@code " unsigned"} appended for MySQL's unsigned integers
     * @param maxChars the characters a string column holds; null when unbounded or not a string
     * @param precision a decimal's digits; null when unbounded (PostgreSQL's {@code numeric}) or not a decimal
     * @param scale a decimal's fraction digits
     * @param plain as Ferry makes columns: no default, no {@code auto_increment} or generation, no comment, utf8mb4
     * @param collation a string column's collation, restated when its type changes (null: the type's default)
     */
    record TargetColumn(String name, String dataType, Long maxChars, Integer precision, Integer scale, boolean nullable,
            boolean plain, String collation) {

        /** A bounded decimal: {@code numeric(p,s)} or {@code DECIMAL(p,s)}. */
        boolean decimal() {
            return precision != null && isDecimal(dataType);
        }

        /** As a person would write it: {@code numeric(10,2)}, {@code varchar(20)}, {@code integer}. */
        String describe() {
            if (decimal()) {
                return dataType + "(" + precision + "," + (scale == null ? 0 : scale) + ")";
            }
            if (maxChars != null && dataType.contains("char")) {
                return dataType + "(" + maxChars + ")";
            }
            return dataType;
        }
    }

    /**
     * The largest decimal a target declares; {@code unbounded} whether it has a decimal without a bound (PostgreSQL's
     * {@code numeric}), which an unbounded mapped decimal then becomes; without one (MySQL) it becomes the largest.
     */
    record DecimalLimit(int maxPrecision, int maxScale, boolean unbounded) {
    }

    /**
     * The types Ferry makes a widenable column with (PostgreSQL's and MySQL's names): a {@code TINYINT}, {@code MEDIUMINT},
     * {@code TEXT} or {@code CHAR} column was made by hand, for values of that size.
     */
    private static final java.util.Set<String> FERRY_TYPES = java.util.Set.of("numeric", "decimal", "smallint", "integer", "int",
            "bigint", "real", "float", "character varying", "varchar");

    /** Integers by their digits, for both engines' names. */
    private static final Map<String, Integer> INTEGER_DIGITS = Map.of("tinyint", 3, "smallint", 5, "mediumint", 7, "int", 10,
            "integer", 10, "bigint", 19);

    private ColumnWidening() {
    }

    /**
     * The type the column must become, or empty when it holds every value of {@code wanted} already or the two are not of
     * one family (then nothing is changed).
     */
    static Optional<ColumnType> widened(TargetColumn existing, ColumnType wanted, DecimalLimit limit) {
        String type = existing.dataType().toLowerCase(Locale.ROOT);
        if (!existing.plain() || !FERRY_TYPES.contains(type)) {
            return Optional.empty(); // a column made by hand with more than a type (a default, auto_increment), or a type Ferry never makes
        }
        return narrower(existing, wanted, limit);
    }

    /**
     * Whether the column looks narrower than the mapped type, whoever made it: for a WARN where {@link #widened} leaves it
     * (values it cannot hold are refused, or rounded where the target rounds).
     */
    static boolean holdsLess(TargetColumn existing, ColumnType wanted, DecimalLimit limit) {
        return narrower(existing, wanted, limit).isPresent();
    }

    private static Optional<ColumnType> narrower(TargetColumn existing, ColumnType wanted, DecimalLimit limit) {
        String type = existing.dataType().toLowerCase(Locale.ROOT);
        if (!limit.unbounded() && wanted.kind() == CanonicalType.DECIMAL && wanted.precision() == null) {
            wanted = ColumnType.decimal(limit.maxPrecision(), limit.maxScale()); // MySQL: its largest, DECIMAL(65,30)
        }
        Integer digits = INTEGER_DIGITS.get(type);
        switch (wanted.kind()) {
            case INT16, INT32, INT64 -> {
                int want = INTEGER_DIGITS.get(wanted.kind() == CanonicalType.INT16 ? "smallint"
                        : wanted.kind() == CanonicalType.INT32 ? "int" : "bigint");
                if (digits != null) {
                    return want > digits ? Optional.of(wanted) : Optional.empty();
                }
                if (isDecimal(type)) {
                    return union(existing.precision(), existing.scale(), want, 0, limit);
                }
                return Optional.empty();
            }
            case DECIMAL -> {
                Integer p = wanted.precision();
                int s = wanted.scale() == null ? 0 : wanted.scale();
                if (digits != null) {
                    return p == null ? Optional.of(ColumnType.decimal(null, null)) : union(digits, 0, p, s, limit);
                }
                if (isDecimal(type)) {
                    if (p == null) {
                        return existing.precision() == null ? Optional.empty() : Optional.of(ColumnType.decimal(null, null));
                    }
                    return union(existing.precision(), existing.scale(), p, s, limit);
                }
                return Optional.empty();
            }
            case FLOAT64 -> {
                return type.equals("real") || type.equals("float") ? Optional.of(wanted) : Optional.empty();
            }
            case STRING -> {
                if (!(type.contains("char") || type.endsWith("text")) || existing.maxChars() == null) {
                    return Optional.empty(); // not a string, or unbounded already
                }
                return wanted.length() == null || wanted.length() > existing.maxChars() ? Optional.of(wanted) : Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /**
     * The decimal holding both {@code (p0, s0)} (null: unbounded) and {@code (p1, s1)}; empty when the first holds the
     * second already. Beyond the target's limit the fraction digits give way first: integer digits lost would refuse a
     * value, fraction digits lost round it (which the target's limit makes unavoidable).
     */
    private static Optional<ColumnType> union(Integer p0, Integer s0, int p1, int s1, DecimalLimit limit) {
        if (p0 == null) {
            return Optional.empty();
        }
        int scale0 = s0 == null ? 0 : s0;
        int integers = Math.max(p0 - scale0, p1 - s1);
        int scale = Math.max(scale0, s1);
        integers = Math.min(integers, limit.maxPrecision());
        scale = Math.min(Math.min(scale, limit.maxScale()), limit.maxPrecision() - integers);
        scale = Math.max(scale, Math.min(scale0, limit.maxPrecision() - integers));
        if (integers <= p0 - scale0 && scale <= scale0) {
            return Optional.empty();
        }
        return Optional.of(ColumnType.decimal(integers + scale, scale));
    }

    /**
     * Refuses a decimal value the existing column would round or could not hold (PostgreSQL and MySQL round extra fraction
     * digits without an error).
     *
     * @throws IllegalArgumentException naming the column, its type and the value
     */
    static void checkFits(TargetColumn column, com.fasterxml.jackson.databind.JsonNode value) {
        if (value == null || value.isNull() || column.precision() == null) {
            return;
        }
        java.math.BigDecimal d;
        try {
            d = new java.math.BigDecimal(value.asText());
        } catch (NumberFormatException notANumber) {
            return; // NaN, infinity: the target's own refusal names them
        }
        int scale = column.scale() == null ? 0 : column.scale();
        java.math.BigDecimal plain = d.stripTrailingZeros();
        int integers = Math.max(0, plain.precision() - plain.scale());
        if (plain.scale() > scale || integers > column.precision() - scale) {
            throw new IllegalArgumentException(column.name() + ": the target's " + column.describe() + " cannot hold " + d.toPlainString()
                    + " exactly (it would be rounded or refused); widen the column (ALTER TABLE), then replay the dead letter");
        }
    }

    private static boolean isDecimal(String dataType) {
        return dataType.equals("numeric") || dataType.equals("decimal");
    }
}
