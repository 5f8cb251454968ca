/** Validation: lag tracking, checksums with row diff, and the cutover gate. */
package io.ferry.validation;
