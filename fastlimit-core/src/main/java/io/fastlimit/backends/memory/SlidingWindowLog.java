package io.fastlimit.backends.memory;

import io.fastlimit.rules.BucketConfig;

/*
 * Sliding window, exact log.
 *
 * Model: a log of (timestamp, units) of every admitted request, oldest first. A request of cost c
 * fits at time t when the units logged in (t - window, t] plus c stay within the limit. So no
 * window-long span, wherever it starts, ever holds more than the limit: no burst at boundaries.
 *
 * Storage: a ring buffer of two parallel arrays (timestamps, units), oldest at `head`. Requests of
 * the same millisecond share one entry, so the log never holds more than min(limit, windowMillis)
 * entries; the arrays start at INITIAL_CAPACITY, double as needed up to that bound, and halve when
 * at most a quarter is used, so an idle-ish key gives back what a burst took.
 *
 * Answers: remaining = limit - logged units; resetMs = the newest entry + window (every unit is back
 * then); retryAfterMs = walk from the oldest entry until enough units expire for the cost: the entry
 * that frees the last needed unit expires at its timestamp + window.
 *
 * Concurrency: guarded by the key's monitor (see KeyState).
 *
 * Memory per key: this object is 56 bytes (header 12, lastSeenMs 8, total 8, head 4, size 4, two
 * array references 8, config 4, removed 1, padding); the arrays 16 + 8n and 16 + 4n bytes for a
 * capacity n: 80 bytes with the initial 4 entries, about 12 more per millisecond in which requests
 * were admitted within the last window. A busy key limited to N per window holds up to ~12 N bytes;
 * prefer SLIDING_WINDOW_COUNTER for large limits.
 *
 * Edge cases: expired entries are dropped on every call (amortised O(1): each entry is dropped
 * once); retryAfter walks at most the entries that must expire, O(entries) only when blocked; time
 * never runs backwards here (KeyState.observe), so the log stays sorted.
 */
final class SlidingWindowLog extends Bucket {

    /** First capacity of the log: most keys see only a few requests per window. */
    static final int INITIAL_CAPACITY = 4;

    private long[] stampsMs;
    private int[] units;
    private int head;
    private int size;
    /** Units logged; at most the limit, so at most 10^9. */
    private long total;

    SlidingWindowLog(BucketConfig config) {
        super(config);
    }

    @Override
    void advance(long nowMs) {
        long expiredUpToMs = nowMs - config.windowMillis();
        while (size > 0 && stampsMs[head] <= expiredUpToMs) {
            total -= units[head];
            head = next(head);
            size--;
        }
        if (stampsMs != null && stampsMs.length > INITIAL_CAPACITY) {
            if (size == 0) {
                stampsMs = null; // give back what a burst took; the next request starts small
                units = null;
            } else if (size <= stampsMs.length / 4) {
                resize(Math.max(INITIAL_CAPACITY, stampsMs.length / 2));
            }
        }
    }

    @Override
    long available(long nowMs) {
        return config.limit() - total;
    }

    @Override
    long retryAfterMs(long nowMs, int cost) {
        long excess = total + cost - config.limit();
        if (excess <= 0) {
            return 0;
        }
        long freed = 0;
        for (int i = head, n = 0; n < size; i = next(i), n++) {
            freed += units[i];
            if (freed >= excess) {
                return stampsMs[i] + config.windowMillis() - nowMs;
            }
        }
        throw new IllegalStateException("cost " + cost + " exceeds limit " + config.limit()); // checked by the backend
    }

    @Override
    void consume(long nowMs, int cost) {
        total += cost;
        if (size > 0) {
            int newest = index(size - 1);
            if (stampsMs[newest] == nowMs) {
                units[newest] += cost;
                return;
            }
        }
        if (stampsMs == null || size == stampsMs.length) {
            long maxEntries = Math.min(config.limit(), config.windowMillis());
            int capacity = stampsMs == null ? 0 : stampsMs.length;
            resize((int) Math.min(maxEntries, Math.max(INITIAL_CAPACITY, 2L * capacity)));
        }
        int tail = index(size);
        stampsMs[tail] = nowMs;
        units[tail] = cost;
        size++;
    }

    @Override
    void giveBack(long nowMs, int cost) {
        // the units just consumed are the newest ones
        long left = cost;
        while (left > 0 && size > 0) {
            int newest = index(size - 1);
            long taken = Math.min(left, units[newest]);
            units[newest] -= (int) taken;
            total -= taken;
            left -= taken;
            if (units[newest] == 0) {
                size--;
            }
        }
    }

    @Override
    long resetMs(long nowMs) {
        return size == 0 ? nowMs : stampsMs[index(size - 1)] + config.windowMillis();
    }

    @Override
    long idleAtMs() {
        return size == 0 ? Long.MIN_VALUE : stampsMs[index(size - 1)] + config.windowMillis();
    }

    /** Capacity now held, for tests. */
    int capacity() {
        return stampsMs == null ? 0 : stampsMs.length;
    }

    private int index(int offset) {
        int i = head + offset;
        return i >= stampsMs.length ? i - stampsMs.length : i;
    }

    private int next(int i) {
        return i + 1 == stampsMs.length ? 0 : i + 1;
    }

    private void resize(int capacity) {
        long[] newStamps = new long[capacity];
        int[] newUnits = new int[capacity];
        for (int n = 0; n < size; n++) {
            int i = index(n);
            newStamps[n] = stampsMs[i];
            newUnits[n] = units[i];
        }
        stampsMs = newStamps;
        units = newUnits;
        head = 0;
    }
}
