/**
 * The pipeline file: YAML read once into a tree that remembers lines ({@link io.ferry.core.config.ConfigNode}),
 * bound against option declarations ({@link io.ferry.core.config.Option}, {@link io.ferry.core.config.Section})
 * into immutable settings, with every error reported at once by file, key path and line.
 */
package io.ferry.core.config;
