package io.ferry.transform.runtime;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of this process together: one block cache shared by
 * all stores, with the memtables charged against it. Without this each store takes its own cache and
 * write buffers (tens of MiB each), and a topology with many tasks grows without a ceiling. The budget is
 * {@code -Dferry.rocksdb.memory} bytes (default 128 MiB), of which at most half holds memtables.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {

    static final long BUDGET = Long.getLong("ferry.rocksdb.memory", 128L << 20);
    private static final long MEMTABLE = 16L << 20;

    static {
        // Streams may create this class (to validate its config) before any store has loaded RocksDB's native library
        RocksDB.loadLibrary();
    }

    // shared by every store of the process, and never closed: the stores come and go, the budget stays
    private static final Cache CACHE = new LRUCache(BUDGET, -1, false, 0.1);
    private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(BUDGET / 2, CACHE);

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        // index and filter blocks count against the cache too, or they grow with the data outside it
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(WRITE_BUFFERS);
        options.setWriteBufferSize(Math.min(MEMTABLE, BUDGET / 8));
        options.setMaxWriteBufferNumber(2);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write buffer manager are shared: closing them here would break the other stores
    }
}
