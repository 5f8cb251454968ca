package io.ferry.validation.gate;

import java.time.Instant;

/**
 * The last validation's outcome as the gate needs it.
 *
 * @param startedAt when its comparison began: its age runs from there (a long validation compared its first tables then)
 * @param clean true when every table matched (false for a validation that failed)
 * @param detail for a dirty result, which tables differ and how much
 */
public record ValidationSummary(Instant startedAt, boolean clean, String detail) {
}
