/** Source table schemas as published on the compacted schema topic; events name the version they were read with. */
package io.ferry.core.schema;
