package io.fastlimit.backends.memory;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;

import java.time.Clock;
import java.util.Arrays;
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
 * <p>Memory stays bounded: state that time has made irrelevant is dropped even for keys never seen
 * again, and at most {@link Builder#maxKeys(int) maxKeys} keys are held (default
 * {@value #DEFAULT_MAX_KEYS}). When a flood of distinct keys fills the backend, the keys used least
 * recently are forgotten first; a forgotten key starts again with a full bucket, so a flood can
 * reset some clients' limits, never exhaust the heap.
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
     * the eviction below run concurrently with requests. A changed bucket list for a key replaces the
     * state the same way. Lock order: a thread holds at most one KeyState monitor, and takes the
     * eviction lock only while holding none.
     *
     * Hot path (an existing key, allowed or blocked): one clock read, one volatile read (is a sweep
     * due?), one map lookup, one uncontended monitor; the only allocation is the BackendResult.
     *
     * Reclaiming expired state (sweep): every KeyState knows the moment it becomes indistinguishable
     * from a fresh one (idleAtMs), so dropping it then changes no answer. A sweep pass walks the map in
     * steps of SWEEP_BATCH entries, run on the request path by one thread at a time (an AtomicBoolean
     * guard; the others do not wait) and at most once per clock millisecond, so the extra work is
     * bounded per unit of time, not per request. A new pass starts SWEEP_INTERVAL_MS after the last
     * one ended. No background thread.
     *
     * Bounding the number of keys: keyCount counts keys held plus slots reserved by inserts in flight,
     * and an insert reserves its slot before putting, so the map never holds more than maxKeys keys,
     * even with many inserting threads. When full, one thread (under evictionLock) first drops idle
     * states, sampling the last-use times of the rest; if more than HIGH_WATER of the keys remain, it
     * evicts the least recently used down to LOW_WATER, using a cut-off read from the sample, and, in
     * the unlikely case the sample misjudged, arbitrary keys after that. Each such round costs a few
     * passes over maxKeys entries and frees at least a tenth of them, so an insert costs amortised
     * O(1); the one insert that runs the round waits for it (tens of milliseconds at a million keys).
     *
     * Memory per key (64-bit JVM with compressed pointers): the map node 32 bytes plus ~8 of table,
     * the key String 24 + 16 + its length in bytes (about 80 for a typical 40-character key), and the
     * state: 40 bytes for FIXED_WINDOW, 64 for TOKEN_BUCKET, 48 for SLIDING_WINDOW_COUNTER, 136 for
     * SLIDING_WINDOW with its initial arrays (plus ~12 per distinct millisecond logged in the window),
     * and for several rates a MultiBucket of 32 + 16 + 4 per rate plus one state per rate. So about 160
     * bytes per key for one rate counted by an O(1) algorithm (~32 MB at the default bound of 200,000
     * keys), about 260 for a sliding log with a few entries. Measured with
     * ThreadMXBean/heap deltas on JDK 17: the hot path allocates 48 bytes per call, the result.
     */

    /** Keys held at most unless {@link Builder#maxKeys(int)} says otherwise. */
    public static final int DEFAULT_MAX_KEYS = 200_000;

    /** Clock time between the end of one sweep pass and the start of the next. */
    static final long SWEEP_INTERVAL_MS = 1_000;
    /** Entries one sweep step visits; steps run at most once per clock millisecond. */
    static final int SWEEP_BATCH = 256;
    /** Last-use times sampled to choose the eviction cut-off: ~2% error on the fraction evicted. */
    static final int EVICTION_SAMPLE = 512;
    /** Share of maxKeys above which, once idle keys are gone, live keys are evicted. */
    static final double HIGH_WATER = 0.9;
    /** Share of maxKeys that eviction brings the key count down to. */
    static final double LOW_WATER = 0.75;

    private final Clock clock;
    private final int maxKeys;
    private final int highWaterKeys;
    private final int lowWaterKeys;
    private final ConcurrentHashMap<String, KeyState> states = new ConcurrentHashMap<>();
    /** Keys in the map plus slots reserved by inserts in flight; never above maxKeys. */
    private final AtomicInteger keyCount = new AtomicInteger();
    private final Object evictionLock = new Object();
    private final AtomicBoolean sweeping = new AtomicBoolean();
    /** The clock time from which the next sweep step may run. */
    private volatile long nextSweepMs;
    /** The pass in progress, or null between passes; guarded by {@link #sweeping}. */
    private Iterator<Map.Entry<String, KeyState>> sweepCursor;

    /** A backend on the system clock holding at most {@value #DEFAULT_MAX_KEYS} keys. */
    public MemoryBackend() {
        this(Clock.systemUTC(), DEFAULT_MAX_KEYS);
    }

    private MemoryBackend(Clock clock, int maxKeys) {
        this.clock = clock;
        this.maxKeys = maxKeys;
        this.highWaterKeys = (int) (maxKeys * HIGH_WATER);
        this.lowWaterKeys = (int) (maxKeys * LOW_WATER);
        this.nextSweepMs = clock.millis() + SWEEP_INTERVAL_MS;
    }

    /** Starts configuring a backend; every setting has a default. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public BackendResult checkAndIncrement(String key, BucketConfig bucket, int cost) {
        Objects.requireNonNull(key, "key");
        checkCost(bucket, cost);
        long nowMs = clock.millis();
        sweepIfDue(nowMs);
        for (;;) {
            KeyState state = states.get(key);
            if (state == null) {
                state = insert(key, Bucket.create(bucket), nowMs);
            }
            synchronized (state) {
                if (state.removed) {
                    continue;
                }
                if (state.matches(bucket)) {
                    return state.acquire(nowMs, cost);
                }
                replace(key, state, Bucket.create(bucket));
            }
        }
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
        long nowMs = clock.millis();
        sweepIfDue(nowMs);
        for (;;) {
            KeyState state = states.get(key);
            if (state == null) {
                state = insert(key, KeyState.create(buckets), nowMs);
            }
            synchronized (state) {
                if (state.removed) {
                    continue;
                }
                if (state.matches(buckets)) {
                    return state.acquire(nowMs, cost);
                }
                replace(key, state, KeyState.create(buckets));
            }
        }
    }

    @Override
    public void refund(String key, List<BucketConfig> buckets, int cost) {
        Objects.requireNonNull(key, "key");
        KeyState state = states.get(key);
        if (state == null || cost < 1) {
            return;
        }
        synchronized (state) {
            boolean same = buckets.size() == 1 ? state.matches(buckets.get(0)) : state.matches(buckets);
            if (!state.removed && same) {
                state.refund(clock.millis(), cost);
            }
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

    private static void checkCost(BucketConfig bucket, int cost) {
        if (cost < 1 || cost > bucket.limit()) {
            throw new IllegalArgumentException("Invalid cost " + cost + " for bucket " + bucket
                    + ": expected 1 to its limit " + bucket.limit());
        }
    }

    /** Puts {@code fresh} for {@code key} unless another thread was first; returns the state now mapped. */
    private KeyState insert(String key, KeyState fresh, long nowMs) {
        reserveSlot(nowMs);
        KeyState existing = states.putIfAbsent(key, fresh);
        if (existing != null) {
            keyCount.decrementAndGet();
            return existing;
        }
        return fresh;
    }

    /** Replaces a state whose buckets no longer match; called under the monitor of {@code stale}. */
    private void replace(String key, KeyState stale, KeyState fresh) {
        states.replace(key, stale, fresh); // always succeeds: stale is held and not removed
        stale.removed = true;
    }

    /** Drops {@code state} from the map; called under its monitor, when it is not removed. */
    private void unlink(String key, KeyState state) {
        if (states.remove(key, state)) {
            state.removed = true;
            keyCount.decrementAndGet();
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

    // ---------------------------------------------------------------- bound on keys

    private void reserveSlot(long nowMs) {
        for (;;) {
            int held = keyCount.get();
            if (held >= maxKeys) {
                makeRoom(nowMs);
            } else if (keyCount.compareAndSet(held, held + 1)) {
                return;
            }
        }
    }

    private void makeRoom(long nowMs) {
        synchronized (evictionLock) {
            int held = keyCount.get();
            if (held < maxKeys) {
                return; // another thread made room
            }
            // 1. Drop idle states; sample when the others were last used.
            long[] sample = new long[EVICTION_SAMPLE];
            int sampled = 0;
            int stride = Math.max(1, held / EVICTION_SAMPLE);
            int live = 0;
            for (Map.Entry<String, KeyState> entry : states.entrySet()) {
                KeyState state = entry.getValue();
                synchronized (state) {
                    if (state.removed) {
                        continue;
                    }
                    if (nowMs >= state.idleAtMs()) {
                        unlink(entry.getKey(), state);
                    } else if (live++ % stride == 0 && sampled < sample.length) {
                        sample[sampled++] = state.lastSeenMs();
                    }
                }
            }
            held = keyCount.get();
            if (held <= highWaterKeys) {
                return;
            }
            // 2. Evict the least recently used, down to the low-water mark. The cut-off is the sampled
            // last-use time below which the share to evict lies, plus a margin for sampling error.
            Arrays.sort(sample, 0, sampled);
            double share = (double) (held - lowWaterKeys) / held + 0.05;
            long cutoffMs = sampled == 0 ? Long.MAX_VALUE : sample[Math.min(sampled - 1, (int) (share * sampled))];
            evict(cutoffMs);
            // 3. Should the sample have misjudged, any keys.
            evict(Long.MAX_VALUE);
        }
    }

    /** Evicts keys last used at or before {@code cutoffMs} until at most lowWaterKeys remain. */
    private void evict(long cutoffMs) {
        Iterator<Map.Entry<String, KeyState>> it = states.entrySet().iterator();
        while (keyCount.get() > lowWaterKeys && it.hasNext()) {
            Map.Entry<String, KeyState> entry = it.next();
            KeyState state = entry.getValue();
            synchronized (state) {
                if (!state.removed && state.lastSeenMs() <= cutoffMs) {
                    unlink(entry.getKey(), state);
                }
            }
        }
    }

    /**
     * Configures a {@link MemoryBackend}. Every setter validates its argument.
     */
    public static final class Builder {

        private Clock clock = Clock.systemUTC();
        private int maxKeys = DEFAULT_MAX_KEYS;

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
         * for keys of one rate counted by an O(1) algorithm (more for sliding-window logs, which grow
         * with the requests in their window). Once full, idle keys are dropped first, then the least
         * recently used, which start again with a full bucket when seen next.
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

        public MemoryBackend build() {
            return new MemoryBackend(clock, maxKeys);
        }
    }
}
