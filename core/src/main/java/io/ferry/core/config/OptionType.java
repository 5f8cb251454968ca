package io.ferry.core.config;

/**
 * How one option's value is read from the file. {@link OptionTypes} has the standard ones.
 *
 * @param <T> the Java type of the bound value
 */
public interface OptionType<T> {

    /** What the option takes, for the options reference: e.g. {@code duration}, {@code one of: initial, no_data}. */
    String describe();

    /** The bound value, or null after recording why the node is not one. */
    T parse(ConfigNode node, Problems problems);

    /** How a value prints in the reference and the effective configuration. */
    default String render(T value) {
        return String.valueOf(value);
    }

    /** True for types whose values are never printed. */
    default boolean secret() {
        return false;
    }
}
