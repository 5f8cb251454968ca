package io.ferry.core.types;

/** The engine-neutral types a source column maps to. Each has one canonical JSON form (docs/types.md). */
public enum CanonicalType {
    BOOLEAN("JSON boolean"),
    INT16("JSON integer, -32768..32767"),
    INT32("JSON integer, -2^31..2^31-1"),
    INT64("JSON integer, -2^63..2^63-1"),
    /** MySQL BIGINT UNSIGNED, captured exactly. */
    UINT64("JSON integer, 0..2^64-1 (exact, beyond a double's 2^53)"),
    DECIMAL("JSON string of the exact decimal, keeping the source's scale (\"12.50\"); \"NaN\", \"Infinity\", \"-Infinity\""),
    FLOAT32("JSON number (shortest decimal that reads back to the same float); \"NaN\", \"Infinity\", \"-Infinity\" as strings"),
    FLOAT64("JSON number (shortest decimal that reads back to the same double); \"NaN\", \"Infinity\", \"-Infinity\" as strings"),
    STRING("JSON string"),
    ENUM("JSON string: the label"),
    /** json/jsonb: the source's exact text; transform parses it when a mapping needs it. */
    JSON("JSON string holding the source's exact JSON text"),
    BYTES("JSON string: base64 (RFC 4648, padded)"),
    UUID("JSON string: lower-case 8-4-4-4-12 hex"),
    DATE("JSON string: ISO-8601 date (\"2024-03-15\", years beyond 9999 signed: \"+10000-01-01\"); \"infinity\", \"-infinity\""),
    /** Time of day, or MySQL TIME's signed duration up to ±838 h. */
    TIME("JSON string: [-]HH:MM:SS.ffffff, exactly 6 fractional digits, hours may exceed 24"),
    TIMETZ("JSON string: time of day in UTC, HH:MM:SS.ffffffZ"),
    /** Naive date-time, interpreted in the source's configured time zone where an instant is needed. */
    TIMESTAMP("JSON string: ISO-8601 local date-time, exactly 6 fractional digits (\"2024-03-15T10:30:00.000000\"); \"infinity\", \"-infinity\""),
    TIMESTAMPTZ("JSON string: ISO-8601 instant in UTC, exactly 6 fractional digits and Z (\"2024-03-15T10:30:00.000000Z\"); \"infinity\", \"-infinity\""),
    INTERVAL("JSON string: ISO-8601 duration as PostgreSQL's iso_8601 style prints it (\"P1Y2M3DT4H5M6.000007S\")"),
    MONEY("JSON string: the exact amount without currency symbol (\"-1234.56\")"),
    INET("JSON string: address as the source prints it (\"192.168.0.1\", \"10.0.0.0/8\", \"::1\")"),
    BIT("JSON string of 0 and 1, one character per bit, most significant first"),
    ARRAY("JSON array of canonical element values (null elements allowed)");

    private final String canonicalForm;

    CanonicalType(String canonicalForm) {
        this.canonicalForm = canonicalForm;
    }

    /** One line describing the canonical JSON form, for docs and error messages. */
    public String canonicalForm() {
        return canonicalForm;
    }
}
