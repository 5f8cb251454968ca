package io.ferry.validation.diff;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Both sides of one table summarized in a fixed number of buckets: each row goes to the bucket its normalized target key
 * hashes to ({@link RowHash#key}), and each bucket keeps, per side, a count and the sum (modulo 2^64) of its rows' hashes
 * ({@link RowHash#row}), which does not depend on the order the rows come in. A bucket whose counts or sums differ holds
 * a difference (or a hash-alike row that compares the same); a bucket can also be marked to be compared whatever its sums
 * say. Memory: 24 bytes per bucket, whatever the table's size. Not thread-safe.
 */
final class Buckets {

    /** 65,536 buckets (1.5 MiB): about 15 rows each at a million rows, 1,500 at a hundred million. */
    static final int DEFAULT_BITS = 16;

    private final int bits;
    private final int[] sourceCount;
    private final int[] targetCount;
    private final long[] sourceSum;
    private final long[] targetSum;
    private final BitSet forced = new BitSet();

    Buckets(int bits) {
        if (bits < 1 || bits > 24) {
            throw new IllegalArgumentException("between 2 and 2^24 buckets, not 2^" + bits);
        }
        this.bits = bits;
        int n = 1 << bits;
        this.sourceCount = new int[n];
        this.targetCount = new int[n];
        this.sourceSum = new long[n];
        this.targetSum = new long[n];
    }

    int size() {
        return sourceCount.length;
    }

    /** The bucket of a key hash: its top bits. */
    int of(long keyHash) {
        return (int) (keyHash >>> (64 - bits));
    }

    void addSource(int bucket, long rowHash) {
        sourceCount[bucket]++;
        sourceSum[bucket] += rowHash;
    }

    void addTarget(int bucket, long rowHash) {
        targetCount[bucket]++;
        targetSum[bucket] += rowHash;
    }

    /** Compares the bucket exactly whatever its sums say (it holds a source key collision, which sums cannot show). */
    void force(int bucket) {
        forced.set(bucket);
    }

    /** The buckets whose counts or sums differ, or that were forced. */
    BitSet differing() {
        BitSet out = (BitSet) forced.clone();
        for (int b = 0; b < sourceCount.length; b++) {
            if (sourceCount[b] != targetCount[b] || sourceSum[b] != targetSum[b]) {
                out.set(b);
            }
        }
        return out;
    }

    /** Source rows counted in the buckets not in {@code except}. */
    long sourceRows(BitSet except) {
        long n = 0;
        for (int b = 0; b < sourceCount.length; b++) {
            n += except.get(b) ? 0 : sourceCount[b];
        }
        return n;
    }

    /** Target rows counted in the buckets not in {@code except}. */
    long targetRows(BitSet except) {
        long n = 0;
        for (int b = 0; b < targetCount.length; b++) {
            n += except.get(b) ? 0 : targetCount[b];
        }
        return n;
    }

    /** The differing buckets cut into groups of at most {@code cap} source rows each ({@link #groups(BitSet, int[], long)}). */
    List<BitSet> groups(BitSet differing, long cap) {
        return groups(differing, sourceCount, cap);
    }

    /**
     * Buckets cut into groups, in bucket order, each holding at most {@code cap} rows by {@code rows} (a bucket larger than
     * the cap is a group of its own): one exact comparison per group holds no more than that many expected rows.
     */
    static List<BitSet> groups(BitSet buckets, int[] rows, long cap) {
        List<BitSet> out = new ArrayList<>();
        BitSet group = new BitSet();
        long held = 0;
        for (int b = buckets.nextSetBit(0); b >= 0; b = buckets.nextSetBit(b + 1)) {
            if (!group.isEmpty() && held + rows[b] > cap) {
                out.add(group);
                group = new BitSet();
                held = 0;
            }
            group.set(b);
            held += rows[b];
        }
        if (!group.isEmpty()) {
            out.add(group);
        }
        return out;
    }
}
