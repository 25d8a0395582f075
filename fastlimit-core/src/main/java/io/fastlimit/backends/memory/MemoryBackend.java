package io.fastlimit.backends.memory;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;

import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Backend} that keeps buckets in this process's memory: the default, with nothing to
 * configure.
 *
 * <pre>{@code
 * Backend backend = new MemoryBackend();
 * BucketConfig bucket = BucketConfig.of(Rate.parse("100/min").get(0), Algorithm.SLIDING_WINDOW);
 * BackendResult result = backend.checkAndIncrement("api:search:ip:{203.0.113.7}", bucket, 1);
 * }</pre>
 *
 * <p>Limits are exact: of many concurrent checks of one key, exactly as many are allowed as the
 * bucket holds, for every {@link io.fastlimit.Algorithm}. Time comes from a {@link Clock}
 * ({@link #builder()} takes one, so tests move time instead of sleeping); a clock that steps back is
 * treated, per key, as if no time had passed.
 *
 * <p>Memory stays bounded, in keys and in bytes: state that time has made irrelevant is dropped even
 * for keys never seen again; at most {@link Builder#maxKeys(int) maxKeys} keys are held (default
 * {@value #DEFAULT_MAX_KEYS}) and at most {@link Builder#maxBytes(long) maxBytes} bytes (an estimate
 * of keys, map entries and states; by default a quarter of the maximum heap, at most
 * {@value #DEFAULT_MAX_BYTES}); and no key's state grows with its limit (each algorithm's bound is
 * stated in docs/backends.md). When a new key or a growing state needs room, keys whose state has
 * expired are dropped, else one of the least recently used is evicted (sampled, as Redis does), and
 * so on only while room is missing: one key for each new key once full. A forgotten key starts again
 * with a full bucket, so a flood of distinct keys can make the backend forget clients it has not seen
 * for a while, but never exhaust the heap, nor reset busy clients in bulk.
 *
 * <p>What it does not do: share limits between processes (use the Redis backend for that) or keep
 * them across restarts.
 *
 * <p>This class is thread-safe.
 */
public final class MemoryBackend implements Backend {

    /*
     * Design.
     *
     * State: a ConcurrentHashMap from key to KeyState: one Bucket for a key limited by one rate (the
     * common case: a single object per key), or a MultiBucket holding one Bucket per rate. Each
     * algorithm's class opens with its model, memory and edge cases.
     *
     * Concurrency: a check looks the key up once, then works under the monitor of its KeyState, so
     * checks of one key are serialised and checks of different keys never contend. A state leaves the
     * map only under its monitor, and is then marked `removed`; a thread that found it before that
     * sees the mark once it holds the monitor and looks the key up again. So no request is ever
     * counted against a state the map no longer holds, which keeps limits exact while the sweep and
     * the eviction below run concurrently with requests. Other buckets for a key than its state counts
     * (two rules of one name with different rates, or rates changed at run time) are counted under a
     * variant key that names them, as Redis counts them in another key. Lock order: a thread holds at most one KeyState monitor, and takes the
     * eviction lock only while holding none (it may then take KeyState monitors, one at a time).
     *
     * Hot path (an existing key, allowed or blocked): one clock read, one volatile read (is a sweep
     * due?), one map lookup, one uncontended monitor; the only allocation is the BackendResult. The
     * byte budget is touched only when a sliding log's arrays grow or shrink (they double and halve,
     * so rarely): one atomic add, under the key's monitor.
     *
     * Reclaiming expired state (sweep): every KeyState knows the moment it becomes indistinguishable
     * from a fresh one (idleAtMs), so dropping it then changes no answer. A sweep pass walks the map in
     * steps of SWEEP_BATCH entries, run on the request path by one thread at a time (an AtomicBoolean
     * guard; the others do not wait) and at most once per clock millisecond, so the extra work is
     * bounded per unit of time, not per request. A new pass starts SWEEP_INTERVAL_MS after the last
     * one ended. No background thread.
     *
     * Bounds: keyCount counts keys held plus slots reserved by inserts in flight, and the ByteBudget
     * the bytes of keys, map entries and states held plus those reserved. Memory is reserved before it
     * is taken: an insert reserves its slot and its bytes before putting, and a state reserves what it
     * grows by before growing, under its monitor; when that fails, the state consumes nothing and the
     * check makes room (with no monitor held) and tries again. So the map never holds more than
     * maxKeys keys nor more than maxBytes bytes, even with many threads. The one exception is a key
     * that alone outgrows the whole budget (only a key of tens of thousands of characters, or with
     * many sliding logs, could): it is held, alone, rather than refused.
     *
     * Eviction (makeRoom, one thread at a time under evictionLock): each step visits the next
     * EVICTION_SAMPLE entries of a cursor that rotates over the map, drops those that are idle, and
     * if none was, evicts the least recently used of them: the sampled LRU Redis uses. Steps repeat
     * only while room is still missing: one eviction per new key on a full backend, a handful for a
     * growing log. Entries follow hash order, unrelated to use, so a sample is a random draw: the key
     * evicted is among the fraction p used least recently with probability 1 - (1 - p)^16 (the oldest
     * 10%: 81%, the oldest 25%: 99%), and a key used more recently than half of the others is evicted
     * with probability at most 2^-15 per eviction. A flood of new keys thus evicts as many keys as it
     * brings, those unused longest, and never resets clients in bulk. Each step costs a lock and
     * EVICTION_SAMPLE monitors; only inserts into a full backend (and logs growing in a full budget)
     * take it, so checks of keys held never wait for it.
     *
     * Memory per key (64-bit JVM with compressed pointers; ByteBudget counts these figures): the map
     * node 32 bytes plus up to 12 of table, the key String 24 + 16 + its length in bytes (80 for a
     * 33-character key such as fastlimit:search:ip:{198.51.100.7}), and the state: 40 bytes for
     * FIXED_WINDOW, 64 for TOKEN_BUCKET, 48 for SLIDING_WINDOW_COUNTER, 136 for SLIDING_WINDOW with
     * its first 4 entries, growing with the entries in its window to at most 12,088 bytes (limits up
     * to 1000) or 16,128 (above, where the log coalesces), and for several rates a MultiBucket of
     * 32 + 16 + 4 per rate (rounded up to 8) plus one state per rate. So, with that key: 164 bytes
     * for FIXED_WINDOW, 188 for TOKEN_BUCKET, 172 for SLIDING_WINDOW_COUNTER, 260 for a sliding log
     * with a few entries, at most ~16.3 KB for a busy one. Measured as heap after a full GC with
     * 200,000 such keys on JDK 17: within 2% above those counts (168, 192, 176, 267 bytes). Measured
     * with ThreadMXBean on JDK 17: the hot path allocates 48 bytes per call, the result.
     */

    /** Separates a key from the rates of a variant (see variantKey); never part of a limiter's key. */
    private static final char VARIANT_MARK = '\u0000';
    /**
     * Set once a variant key has been made, and never cleared: until then no new key, refund or reset
     * pays for building a variant key to look for one (a flood of new keys would, on every request).
     */
    private volatile boolean variantsExist;

    /** Keys held at most unless {@link Builder#maxKeys(int)} says otherwise. */
    public static final int DEFAULT_MAX_KEYS = 200_000;
    /** Bytes held at most unless {@link Builder#maxBytes(long)} says otherwise, nor more than a quarter of the heap. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    /** The smallest byte budget {@link Builder#maxBytes(long)} accepts: room for a few full sliding logs. */
    public static final long MIN_MAX_BYTES = 64L << 10;

    /** Clock time between the end of one sweep pass and the start of the next. */
    static final long SWEEP_INTERVAL_MS = 1_000;
    /** Entries one sweep step visits; steps run at most once per clock millisecond. */
    static final int SWEEP_BATCH = 256;
    /** Entries compared per eviction: a key more recently used than half the others goes with probability 2^-15. */
    static final int EVICTION_SAMPLE = 16;

    private final Clock clock;
    private final int maxKeys;
    private final ByteBudget budget;
    /** The same count as {@link #budget}, never refusing: for a key that alone outgrows the budget. */
    private final ByteBudget overdraft;
    private final ConcurrentHashMap<String, KeyState> states = new ConcurrentHashMap<>();
    /** Keys in the map plus slots reserved by inserts in flight; never above maxKeys. */
    private final AtomicInteger keyCount = new AtomicInteger();
    private final Object evictionLock = new Object();
    /** Where the next eviction step starts sampling; guarded by {@link #evictionLock}. */
    private Iterator<Map.Entry<String, KeyState>> evictionCursor;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    /** The clock time from which the next sweep step may run. */
    private volatile long nextSweepMs;
    /** The pass in progress, or null between passes; guarded by {@link #sweeping}. */
    private Iterator<Map.Entry<String, KeyState>> sweepCursor;

    /**
     * A backend on the system clock holding at most {@value #DEFAULT_MAX_KEYS} keys and
     * {@link Builder#maxBytes(long) the default byte budget}.
     */
    public MemoryBackend() {
        this(Clock.systemUTC(), DEFAULT_MAX_KEYS, defaultMaxBytes());
    }

    private MemoryBackend(Clock clock, int maxKeys, long maxBytes) {
        this.clock = clock;
        this.maxKeys = maxKeys;
        this.budget = new ByteBudget(maxBytes);
        this.overdraft = budget.withoutLimit();
        this.nextSweepMs = clock.millis() + SWEEP_INTERVAL_MS;
    }

    /** A quarter of the maximum heap, at most {@value #DEFAULT_MAX_BYTES} and at least {@value #MIN_MAX_BYTES}. */
    static long defaultMaxBytes() {
        return Math.max(MIN_MAX_BYTES, Math.min(DEFAULT_MAX_BYTES, Runtime.getRuntime().maxMemory() / 4));
    }

    /** Starts configuring a backend; every setting has a default. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public BackendResult checkAndIncrement(String key, BucketConfig bucket, int cost) {
        Objects.requireNonNull(key, "key");
        checkCost(bucket, cost);
        return check(key, bucket, null, cost);
    }

    @Override
    public BackendResult checkAndIncrement(String key, List<BucketConfig> buckets, int cost) {
        Objects.requireNonNull(key, "key");
        if (buckets.isEmpty()) {
            throw new IllegalArgumentException("No bucket to check for key '" + key + "': expected at least one");
        }
        for (int i = 0; i < buckets.size(); i++) {
            checkCost(buckets.get(i), cost);
        }
        return check(key, null, buckets, cost);
    }

    /** Reads {@code key}'s buckets without consuming; see {@link Backend#peek}. Never creates a key. */
    @Override
    public BackendResult peek(String key, List<BucketConfig> buckets) {
        Objects.requireNonNull(key, "key");
        if (buckets.isEmpty()) {
            throw new IllegalArgumentException("No bucket to peek for key '" + key + "': expected at least one");
        }
        long nowMs = clock.millis();
        for (KeyState state = states.get(key); state != null; state = states.get(key)) {
            synchronized (state) {
                if (state.removed) {
                    continue;
                }
                if (buckets.size() == 1 ? state.matches(buckets.get(0)) : state.matches(buckets)) {
                    return state.peek(nowMs, budget);
                }
                break;
            }
        }
        if (variantsExist && !isVariant(key) && states.containsKey(variantKey(key, null, buckets))) {
            return peek(variantKey(key, null, buckets), buckets);
        }
        return KeyState.create(buckets).peek(nowMs, budget); // never seen: every bucket full
    }

    @Override
    public void refund(String key, List<BucketConfig> buckets, int cost) {
        Objects.requireNonNull(key, "key");
        if (cost < 1) {
            return;
        }
        KeyState state = states.get(key);
        if (state != null) {
            synchronized (state) {
                boolean same = buckets.size() == 1 ? state.matches(buckets.get(0)) : state.matches(buckets);
                if (!state.removed && same) {
                    state.refund(clock.millis(), cost, budget);
                    return;
                }
            }
        }
        if (variantsExist && !isVariant(key)) {
            refund(variantKey(key, null, buckets), buckets, cost); // counted apart, if anywhere
        }
    }

    @Override
    public void reset(String key) {
        Objects.requireNonNull(key, "key");
        for (KeyState state = states.get(key); state != null; state = states.get(key)) {
            synchronized (state) {
                if (!state.removed) {
                    unlink(key, state);
                    return;
                }
            }
        }
    }

    /** Forgets {@code key}'s state for {@code buckets}, under the key or its variant, leaving other rates' counts. */
    @Override
    public void reset(String key, List<BucketConfig> buckets) {
        Objects.requireNonNull(key, "key");
        for (KeyState state = states.get(key); state != null; state = states.get(key)) {
            synchronized (state) {
                if (!state.removed) {
                    if (state.matches(buckets)) {
                        unlink(key, state);
                        return;
                    }
                    break;
                }
            }
        }
        if (variantsExist && !isVariant(key)) {
            reset(variantKey(key, null, buckets));
        }
    }

    @Override
    public void clearAll() {
        for (Map.Entry<String, KeyState> entry : states.entrySet()) {
            KeyState state = entry.getValue();
            synchronized (state) {
                if (!state.removed) {
                    unlink(entry.getKey(), state);
                }
            }
        }
    }

    /** Forgets every key. The backend stays usable, and starts again empty. */
    @Override
    public void close() {
        clearAll();
    }

    /** Number of keys held, for monitoring and tests; never above {@code maxKeys}. */
    public int size() {
        return states.size();
    }

    /**
     * Bytes held, for monitoring and tests: the estimate of the heap taken by the keys, their map
     * entries and their states that the backend keeps within {@code maxBytes}.
     */
    public long bytesHeld() {
        return budget.heldBytes();
    }

    /** The byte budget in force. */
    long maxBytes() {
        return budget.maxBytes();
    }

    /** Recounts the bytes of every key held, for tests: equals {@link #bytesHeld()} while no check runs. */
    long countBytes() {
        long bytes = 0;
        for (Map.Entry<String, KeyState> entry : states.entrySet()) {
            KeyState state = entry.getValue();
            synchronized (state) {
                bytes += ByteBudget.entryBytes(entry.getKey()) + state.bytes();
            }
        }
        return bytes;
    }

    /** The state held for {@code key}, or null; for tests. */
    KeyState stateOf(String key) {
        return states.get(key);
    }

    private static void checkCost(BucketConfig bucket, int cost) {
        if (cost < 1 || cost > bucket.limit()) {
            throw new IllegalArgumentException("Invalid cost " + cost + " for bucket " + bucket
                    + ": expected 1 to its limit " + bucket.limit());
        }
    }

    /** Checks {@code bucket} or, when it is null, {@code buckets}, of {@code key}. */
    private BackendResult check(String key, BucketConfig bucket, List<BucketConfig> buckets, int cost) {
        long nowMs = clock.millis();
        sweepIfDue(nowMs);
        ByteBudget bytesFrom = budget;
        for (;;) {
            KeyState state = states.get(key);
            if (state == null) {
                if (variantsExist && !isVariant(key) && states.containsKey(variantKey(key, bucket, buckets))) {
                    // this rate went to the variant while the key held another: it stays counted there
                    return check(variantKey(key, bucket, buckets), bucket, buckets, cost);
                }
                state = insert(key, bucket != null ? Bucket.create(bucket) : KeyState.create(buckets), nowMs);
            }
            long neededBytes;
            long keptBytes;
            synchronized (state) {
                if (state.removed) {
                    continue;
                }
                if (bucket != null ? state.matches(bucket) : state.matches(buckets)) {
                    BackendResult result = state.acquire(nowMs, cost, bytesFrom);
                    if (result != null) {
                        return result;
                    }
                    neededBytes = state.growthBytes(state.lastSeenMs());
                    keptBytes = ByteBudget.entryBytes(key) + state.bytes();
                } else {
                    neededBytes = -1;
                    keptBytes = 0;
                }
            }
            if (neededBytes < 0) {
                // other rates than this key's state counts (two rules of one name, or changed rates):
                // counted apart, as Redis counts them in another key; checked holding no monitor
                if (isVariant(key)) {
                    throw new IllegalArgumentException("Invalid key: it contains a NUL character");
                }
                variantsExist = true;
                return check(variantKey(key, bucket, buckets), bucket, buckets, cost);
            }
            // No room in the budget for what this key needs: make some, holding no monitor (lock order).
            if (!makeRoom(nowMs, false, neededBytes, state, keptBytes)) {
                bytesFrom = overdraft;
            }
        }
    }

    /** Puts {@code fresh} for {@code key} unless another thread was first; returns the state now mapped. */
    private KeyState insert(String key, KeyState fresh, long nowMs) {
        long bytes = ByteBudget.entryBytes(key) + fresh.bytes();
        reserveKey(nowMs, bytes);
        KeyState existing = states.putIfAbsent(key, fresh);
        if (existing != null) {
            keyCount.decrementAndGet();
            budget.release(bytes);
            return existing;
        }
        return fresh;
    }

    /**
     * Where {@code key} is counted for buckets other than those its state was created with (two
     * rules of one name with different rates, or a rule whose rates changed): a key of its own that
     * names the rates, as Redis keys do, so each rate keeps its count and the backends agree. Built
     * only in that rare case.
     */
    private static String variantKey(String key, BucketConfig bucket, List<BucketConfig> buckets) {
        return key + VARIANT_MARK + (bucket != null ? bucket : buckets.size() == 1 ? buckets.get(0) : buckets);
    }

    private static boolean isVariant(String key) {
        return key.indexOf(VARIANT_MARK) >= 0;
    }

    /** Drops {@code state} from the map; called under its monitor, when it is not removed. */
    private void unlink(String key, KeyState state) {
        if (states.remove(key, state)) {
            state.removed = true;
            keyCount.decrementAndGet();
            budget.release(ByteBudget.entryBytes(key) + state.bytes());
        }
    }

    // ---------------------------------------------------------------- sweep

    private void sweepIfDue(long nowMs) {
        long dueMs = nextSweepMs;
        // The second test restarts sweeping after the clock stepped back by more than an interval.
        if (nowMs >= dueMs || nowMs < dueMs - SWEEP_INTERVAL_MS) {
            sweepStep(nowMs);
        }
    }

    private void sweepStep(long nowMs) {
        if (!sweeping.compareAndSet(false, true)) {
            return; // another thread is sweeping; this request does not wait
        }
        try {
            long dueMs = nextSweepMs;
            if (nowMs < dueMs && nowMs >= dueMs - SWEEP_INTERVAL_MS) {
                return; // a step ran since this thread looked
            }
            Iterator<Map.Entry<String, KeyState>> cursor = sweepCursor;
            if (cursor == null) {
                cursor = states.entrySet().iterator();
            }
            for (int visited = 0; visited < SWEEP_BATCH && cursor.hasNext(); visited++) {
                Map.Entry<String, KeyState> entry = cursor.next();
                KeyState state = entry.getValue();
                synchronized (state) {
                    if (!state.removed && nowMs >= state.idleAtMs()) {
                        unlink(entry.getKey(), state);
                    }
                }
            }
            if (cursor.hasNext()) {
                sweepCursor = cursor;
                nextSweepMs = nowMs + 1;
            } else {
                sweepCursor = null;
                nextSweepMs = nowMs + SWEEP_INTERVAL_MS;
            }
        } finally {
            sweeping.set(false);
        }
    }

    // ---------------------------------------------------------------- bounds and eviction

    /** Reserves a key slot and {@code bytes} for a new key, making room as needed. */
    private void reserveKey(long nowMs, long bytes) {
        ByteBudget bytesFrom = budget;
        for (;;) {
            int held = keyCount.get();
            if (held < maxKeys) {
                if (!keyCount.compareAndSet(held, held + 1)) {
                    continue;
                }
                if (bytesFrom.tryReserve(bytes)) {
                    return;
                }
                keyCount.decrementAndGet();
            }
            if (!makeRoom(nowMs, true, bytes, null, 0)) {
                bytesFrom = overdraft;
            }
        }
    }

    /**
     * Evicts until a new key fits (when {@code newKey}) and {@code bytes} more fit, never evicting
     * {@code keep}, which holds {@code keptBytes}. Returns false when they cannot fit even with nothing
     * else held: a key that alone outgrows the budget, to be held anyway.
     */
    private boolean makeRoom(long nowMs, boolean newKey, long bytes, KeyState keep, long keptBytes) {
        synchronized (evictionLock) {
            while ((newKey && keyCount.get() >= maxKeys) || !budget.fits(bytes)) {
                if (!evictOne(nowMs, keep)) {
                    // Nothing left to evict. Any other keys or bytes are those of inserts in flight:
                    // the caller tries again, and finds them evictable or gone.
                    return keptBytes + bytes <= budget.maxBytes();
                }
            }
            return true;
        }
    }

    /**
     * One eviction step, under {@link #evictionLock}: visits the next {@link #EVICTION_SAMPLE} entries
     * of the rotating cursor, drops those that are idle and, if none was, evicts the least recently
     * used of them. Returns false when there was nothing but {@code keep} to visit.
     */
    private boolean evictOne(long nowMs, KeyState keep) {
        String victimKey = null;
        KeyState victim = null;
        long victimSeenMs = Long.MAX_VALUE;
        boolean dropped = false;
        boolean restarted = false;
        for (int visited = 0; visited < EVICTION_SAMPLE; ) {
            if (evictionCursor == null || !evictionCursor.hasNext()) {
                if (restarted) {
                    break; // the whole map has been visited
                }
                evictionCursor = states.entrySet().iterator();
                restarted = true;
                continue;
            }
            Map.Entry<String, KeyState> entry = evictionCursor.next();
            KeyState state = entry.getValue();
            if (state == keep) {
                continue;
            }
            visited++;
            synchronized (state) {
                if (state.removed) {
                    continue;
                }
                if (nowMs >= state.idleAtMs()) {
                    unlink(entry.getKey(), state);
                    dropped = true;
                } else if (state.lastSeenMs() < victimSeenMs) {
                    victimKey = entry.getKey();
                    victim = state;
                    victimSeenMs = state.lastSeenMs();
                }
            }
        }
        if (dropped || victim == null) {
            return dropped;
        }
        synchronized (victim) {
            if (!victim.removed && victim.lastSeenMs() == victimSeenMs) { // not used since it was sampled
                unlink(victimKey, victim);
            }
        }
        return true;
    }

    /**
     * Configures a {@link MemoryBackend}. Every setter validates its argument.
     */
    public static final class Builder {

        private Clock clock = Clock.systemUTC();
        private int maxKeys = DEFAULT_MAX_KEYS;
        private long maxBytes = defaultMaxBytes();

        private Builder() {
        }

        /**
         * The clock read once per check, as {@link Clock#millis()}. Default: {@link Clock#systemUTC()}.
         *
         * @throws NullPointerException if {@code clock} is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The most keys held at once. Default {@value MemoryBackend#DEFAULT_MAX_KEYS}, about 32 MB
         * for keys of one rate counted by an O(1) algorithm. Once full, each new key first drops idle
         * keys, else evicts one of the least recently used (sampled), which starts again with a full
         * bucket when seen next.
         *
         * @throws IllegalArgumentException if {@code maxKeys} is below 1
         */
        public Builder maxKeys(int maxKeys) {
            if (maxKeys < 1) {
                throw new IllegalArgumentException("Invalid maxKeys " + maxKeys + ": expected 1 or more");
            }
            this.maxKeys = maxKeys;
            return this;
        }

        /**
         * The most bytes held at once: an estimate of the heap taken by keys, map entries and states,
         * accounted as states are created, grow and shrink. Default: a quarter of the maximum heap
         * ({@link Runtime#maxMemory()}), at most {@value MemoryBackend#DEFAULT_MAX_BYTES} (64 MiB). A
         * key takes about 160 bytes for one rate counted by an O(1) algorithm and up to about 16 KB for
         * a busy sliding log, so the default holds 200,000 small keys or 4,000 full logs. Room is made
         * the way {@link #maxKeys(int)} makes it.
         *
         * @throws IllegalArgumentException if {@code maxBytes} is below {@value MemoryBackend#MIN_MAX_BYTES}
         */
        public Builder maxBytes(long maxBytes) {
            if (maxBytes < MIN_MAX_BYTES) {
                throw new IllegalArgumentException("Invalid maxBytes " + maxBytes + ": expected "
                        + MIN_MAX_BYTES + " (64 KiB) or more");
            }
            this.maxBytes = maxBytes;
            return this;
        }

        public MemoryBackend build() {
            return new MemoryBackend(clock, maxKeys, maxBytes);
        }
    }
}
