package io.fastlimit.backends.memory;

import io.fastlimit.rules.BucketConfig;

/*
 * Sliding window log: exact up to BucketConfig.SLIDING_LOG_EXACT_LIMIT, coalesced into slots above it.
 *
 * Model: a log of entries (start, stamp, units), oldest first: units admitted from `start` to
 * `stamp`, all counted until stamp + window. A request of cost c fits at time t when the units of the
 * entries stamped in (t - window, t] plus c stay within the limit. Units admitted at t join the
 * newest entry when t < newest.start + slot (its stamp becomes t), otherwise they open a new entry.
 * The slot is BucketConfig.slidingLogSlotMillis(): 1 ms for a limit up to 1000, where an entry is one
 * millisecond's requests and the log is exact; ceil(window / 1000) ms above, where a unit is counted
 * from its own time until up to slot - 1 ms past its exact expiry. So no window-long span, wherever it
 * starts, ever holds more than the limit, and a client is held back at most slot - 1 ms longer than
 * by the exact log. BucketConfig states the rule, which the Redis script follows too: both backends
 * answer alike, step by step.
 *
 * Storage: a ring buffer of parallel arrays, oldest at `head`: stamps, units and, for slots wider
 * than 1 ms, each entry's lag (stamp - start, below the slot width). Entry starts lie at least a slot
 * apart, so the log never holds more than maxEntries = min(limit, (window + slot - 2) / slot + 1)
 * entries: min(limit, window) with 1 ms slots, at most 1001 with wider ones. The arrays start at
 * INITIAL_CAPACITY, double as needed up to that bound, and halve when at most a quarter is used, so a
 * quiet key gives back what a burst took.
 *
 * Answers: remaining = limit - logged units; resetMs = the newest stamp + window (every unit is back
 * then); retryAfterMs = walk from the oldest entry until enough units expire for the cost: the entry
 * that frees the last needed unit expires at its stamp + window.
 *
 * Concurrency: guarded by the key's monitor (see KeyState). Growth is reserved from the backend's
 * ByteBudget before it happens (growthBytes), and shrinking released after it (shrink), both under
 * that monitor; a request that logs into an entry or array slot already there touches neither.
 *
 * Memory per key: this object is 56 bytes (header 12, lastSeenMs 8, total 8, head 4, size 4, three
 * array references 12, config 4, removed 1, padding); the arrays of a capacity n take 16 + 8n,
 * 16 + 4n and, for wide slots, 16 + 4n bytes, each rounded up to 8: 12 bytes per entry with 1 ms
 * slots, 16 with wider ones. So 136 bytes for a key with a few requests in its window (the initial 4
 * entries, 1 ms slots), and at most 12,088 bytes (1000 entries of 1 ms) or 16,128 bytes (1001 wide
 * entries), whatever the limit.
 *
 * Edge cases: expired entries are dropped on every call (amortised O(1): each entry is dropped once);
 * retryAfter walks at most the entries that must expire, so more than one only when blocked by a cost
 * above 1 or an entry refunded to few units; time never runs backwards here (KeyState.observe), so
 * stamps stay sorted and a lag only grows; a refund takes units from the newest entries and drops
 * those left empty, keeping the stamp of an entry it only thins; an entry's units (at most the limit,
 * 10^9) and a lag (below ceil(366 days / 1000) ms) fit an int.
 */
final class SlidingWindowLog extends Bucket {

    /** First capacity of the log: most keys see only a few requests per window. */
    static final int INITIAL_CAPACITY = 4;
    /** The size of this object without its arrays (see the header comment). */
    static final long SHALLOW_BYTES = 56;

    private long[] stampsMs;
    private int[] units;
    /** stamp - start of each entry, for slots wider than 1 ms; null for 1 ms slots, where start = stamp. */
    private int[] lagsMs;
    private int head;
    private int size;
    /** Units logged; at most the limit, so at most 10^9. */
    private long total;

    SlidingWindowLog(BucketConfig config) {
        super(config);
    }

    /** The most entries a log of {@code config} ever holds at once (see the header comment). */
    static int maxEntries(BucketConfig config) {
        long slotMs = config.slidingLogSlotMillis();
        long bySlots = (config.windowMillis() + slotMs - 2) / slotMs + 1;
        return (int) Math.min(config.limit(), bySlots);
    }

    @Override
    void advance(long nowMs) {
        long expiredUpToMs = nowMs - config.windowMillis();
        while (size > 0 && stampsMs[head] <= expiredUpToMs) {
            total -= units[head];
            head = next(head);
            size--;
        }
    }

    @Override
    long shrink() {
        if (stampsMs == null || stampsMs.length <= INITIAL_CAPACITY) {
            return 0;
        }
        long before = bytes();
        if (size == 0) {
            setArrays(0); // give back what a burst took; the next request starts small
        } else if (size <= stampsMs.length / 4) {
            resize(Math.max(INITIAL_CAPACITY, stampsMs.length / 2));
        } else {
            return 0;
        }
        return before - bytes();
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
    long growthBytes(long nowMs) {
        if (joinsNewest(nowMs) || (stampsMs != null && size < stampsMs.length)) {
            return 0;
        }
        return arraysBytes(grownCapacity()) - arraysBytes(capacity());
    }

    @Override
    void consume(long nowMs, int cost) {
        total += cost;
        if (joinsNewest(nowMs)) {
            int newest = index(size - 1);
            if (lagsMs != null) {
                lagsMs[newest] += (int) (nowMs - stampsMs[newest]);
            }
            stampsMs[newest] = nowMs;
            units[newest] += cost;
            return;
        }
        if (stampsMs == null || size == stampsMs.length) {
            resize(grownCapacity());
        }
        int tail = index(size);
        stampsMs[tail] = nowMs;
        units[tail] = cost;
        if (lagsMs != null) {
            lagsMs[tail] = 0;
        }
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

    @Override
    long bytes() {
        return SHALLOW_BYTES + arraysBytes(capacity());
    }

    /** Capacity now held, for tests. */
    int capacity() {
        return stampsMs == null ? 0 : stampsMs.length;
    }

    /** Entries now held, for tests. */
    int entries() {
        return size;
    }

    /** Whether units admitted at {@code nowMs} join the newest entry: within its slot. */
    private boolean joinsNewest(long nowMs) {
        if (size == 0) {
            return false;
        }
        int newest = index(size - 1);
        long startMs = lagsMs == null ? stampsMs[newest] : stampsMs[newest] - lagsMs[newest];
        return nowMs - startMs < config.slidingLogSlotMillis();
    }

    private int grownCapacity() {
        return (int) Math.min(maxEntries(config), Math.max(INITIAL_CAPACITY, 2L * capacity()));
    }

    /** The arrays of a log of this bucket with {@code capacity} entries. */
    private long arraysBytes(int capacity) {
        if (capacity == 0) {
            return 0;
        }
        long bytes = ByteBudget.arrayBytes(capacity, Long.BYTES) + ByteBudget.arrayBytes(capacity, Integer.BYTES);
        return config.slidingLogSlotMillis() > 1 ? bytes + ByteBudget.arrayBytes(capacity, Integer.BYTES) : bytes;
    }

    private int index(int offset) {
        int i = head + offset;
        return i >= stampsMs.length ? i - stampsMs.length : i;
    }

    private int next(int i) {
        return i + 1 == stampsMs.length ? 0 : i + 1;
    }

    private void resize(int capacity) {
        long[] oldStamps = stampsMs;
        int[] oldUnits = units;
        int[] oldLags = lagsMs;
        int oldHead = head;
        setArrays(capacity);
        for (int n = 0; n < size; n++) {
            int i = oldHead + n < oldStamps.length ? oldHead + n : oldHead + n - oldStamps.length;
            stampsMs[n] = oldStamps[i];
            units[n] = oldUnits[i];
            if (oldLags != null) {
                lagsMs[n] = oldLags[i];
            }
        }
    }

    /** Fresh arrays of {@code capacity} entries (none for 0), the log's entries to be copied in from 0. */
    private void setArrays(int capacity) {
        boolean empty = capacity == 0;
        stampsMs = empty ? null : new long[capacity];
        units = empty ? null : new int[capacity];
        lagsMs = empty || config.slidingLogSlotMillis() == 1 ? null : new int[capacity];
        head = 0;
    }
}
