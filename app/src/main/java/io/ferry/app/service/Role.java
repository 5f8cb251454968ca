package io.ferry.app.service;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a process of the deployment does; {@code ferry run} takes all by default. */
public enum Role {
    CAPTURE, TRANSFORM, SINK, VALIDATE;

    /**
     * Parses {@code capture,transform,sink,validate}.
     *
     * @throws IllegalArgumentException naming the unknown role and the known ones
     */
    public static Set<Role> parse(String list) {
        EnumSet<Role> out = EnumSet.noneOf(Role.class);
        for (String part : list.split(",")) {
            String p = part.trim().toUpperCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            try {
                out.add(Role.valueOf(p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown role '" + part.trim() + "'; roles are capture, transform, sink, validate");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--roles names no role; roles are capture, transform, sink, validate");
        }
        return out;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
