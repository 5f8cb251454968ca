/**
 * The change event (capture → transform) and the target event (transform → sinks), as immutable
 * sealed types with their JSON codecs, and the deterministic key encoding both use.
 */
package io.ferry.core.event;
