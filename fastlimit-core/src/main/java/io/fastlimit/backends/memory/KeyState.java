package io.fastlimit.backends.memory;

import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;

import java.util.List;

/**
 * What {@link MemoryBackend} holds for one key: one {@link Bucket}, or a {@link MultiBucket} for a key
 * limited by several rates. The monitor of this object guards all of its state and that of the
 * buckets it holds; every method below is called with that monitor held.
 */
abstract class KeyState {

    /**
     * Set, under the monitor, when the backend's map drops this state. A thread that looked the
     * state up before then must look the key up again, so no request counts against a dead state.
     * Conversely, while the monitor is held and this is false, the map maps the key to this state.
     */
    boolean removed;

    /** The latest clock reading seen for this key: time never runs backwards within one key. */
    private long lastSeenMs = Long.MIN_VALUE;

    /** Records a clock reading and returns the time to use: the reading, or a later one already seen. */
    final long observe(long clockMs) {
        if (clockMs > lastSeenMs) {
            lastSeenMs = clockMs;
        }
        return lastSeenMs;
    }

    /** When this key was last used, {@link Long#MIN_VALUE} if never. */
    final long lastSeenMs() {
        return lastSeenMs;
    }

    /** Whether this state counts exactly {@code bucket} and nothing else. */
    abstract boolean matches(BucketConfig bucket);

    /** Whether this state counts exactly {@code buckets}, in that order. */
    abstract boolean matches(List<BucketConfig> buckets);

    /**
     * Checks {@code cost} at clock reading {@code clockMs} and consumes it when it fits everywhere.
     * Memory the state frees is released to {@code budget}; memory it needs to log the request is
     * reserved from it first, and when it cannot be, nothing is consumed and the answer is null: the
     * backend makes room (at least {@link #growthBytes} of {@link #lastSeenMs()}) and asks again.
     */
    abstract BackendResult acquire(long clockMs, int cost, ByteBudget budget);

    /**
     * Where a check of cost 1 at clock reading {@code clockMs} would find this state, consuming
     * nothing: see {@code Backend.peek}. It neither records the reading (a peek is no use of the key)
     * nor changes an answer; it may drop what time has made irrelevant, releasing it to {@code budget}.
     */
    abstract BackendResult peek(long clockMs, ByteBudget budget);

    /** Gives back {@code cost} units consumed moments ago, at clock reading {@code clockMs}. */
    abstract void refund(long clockMs, int cost, ByteBudget budget);

    /** The heap this state takes now, arrays included, as {@link ByteBudget} counts it. */
    abstract long bytes();

    /** The bytes a request admitted at {@code nowMs} would add to {@link #bytes()}; 0 for most. */
    abstract long growthBytes(long nowMs);

    /**
     * The first millisecond from which this state is indistinguishable from a fresh one, so it can
     * be dropped without changing any answer; {@link Long#MIN_VALUE} when it already is.
     */
    abstract long idleAtMs();

    /** A fresh state for {@code buckets}: a single bucket, or several checked together. */
    static KeyState create(List<BucketConfig> buckets) {
        return buckets.size() == 1 ? Bucket.create(buckets.get(0)) : new MultiBucket(buckets);
    }
}
