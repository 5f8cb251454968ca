/**
 * The sink SPI: a {@link io.ferry.core.spi.SinkFactory} per target kind, registered in
 * {@code META-INF/services/io.ferry.core.spi.SinkFactory}, makes {@link io.ferry.core.spi.Sink}s; the
 * optional capabilities {@link io.ferry.core.spi.TableManager} and {@link io.ferry.core.spi.RowReader}
 * are separate interfaces a sink may also implement.
 */
package io.ferry.core.spi;
