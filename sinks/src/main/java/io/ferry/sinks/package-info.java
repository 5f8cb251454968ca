/** Sinks: the sink runtime and one package per target database. */
package io.ferry.sinks;
