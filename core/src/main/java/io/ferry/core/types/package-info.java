/**
 * Canonical values: the lossless, engine-neutral JSON form every change carries between stages. One
 * {@link io.ferry.core.types.ValueCodec} per {@link io.ferry.core.types.CanonicalType}; the table of
 * source types, canonical forms and target storage is docs/types.md.
 */
package io.ferry.core.types;
