/** The direct path: stateless one-table mappings applied by the sinks to the change events themselves. */
package io.ferry.transform.direct;
