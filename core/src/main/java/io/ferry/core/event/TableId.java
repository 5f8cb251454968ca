package io.ferry.core.event;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * A source table: PostgreSQL schema or MySQL database, and table name. Printed as
 * {@code namespace.name} (e.g. {@code public.users}).
 */
public record TableId(String namespace, String name) {

    public TableId {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (namespace.isEmpty() || name.isEmpty()) {
            throw new IllegalArgumentException("a table needs a namespace and a name, got '" + namespace + "." + name + "'");
        }
        if (namespace.indexOf('.') >= 0) {
            throw new IllegalArgumentException("schema or database names with a '.' are not supported ('" + namespace
                    + "'): 'namespace.table' would be ambiguous");
        }
    }

    /** Parses {@code namespace.name}; the name may itself contain dots, the namespace may not. */
    @JsonCreator
    public static TableId parse(String qualified) {
        int dot = qualified.indexOf('.');
        if (dot <= 0 || dot == qualified.length() - 1) {
            throw new IllegalArgumentException("a table is written namespace.name (e.g. public.users), got '" + qualified + "'");
        }
        return new TableId(qualified.substring(0, dot), qualified.substring(dot + 1));
    }

    @JsonValue
    @Override
    public String toString() {
        return namespace + "." + name;
    }
}
