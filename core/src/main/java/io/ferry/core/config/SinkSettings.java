package io.ferry.core.config;

/** One entry of {@code sinks}: its name, type, and the options its factory declared, bound. */
public record SinkSettings(String name, String type, ConfigValues options) {
}
