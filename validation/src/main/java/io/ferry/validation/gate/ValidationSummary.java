package io.ferry.validation.gate;

import java.time.Instant;

/**
 * The last validation's outcome as the gate needs it.
 *
 * @param clean true when every table matched
 * @param detail for a dirty result, which tables differ and how much
 */
public record ValidationSummary(Instant finishedAt, boolean clean, String detail) {
}
