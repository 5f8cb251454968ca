/** Ferry's shared contracts: the change event, canonical types, pipeline config, topic naming, the sink SPI. */
package io.ferry.core;
