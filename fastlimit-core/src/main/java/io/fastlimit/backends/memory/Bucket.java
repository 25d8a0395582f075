package io.fastlimit.backends.memory;

import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;

import java.util.List;

/**
 * The state of one bucket, counted by one algorithm. Used on its own as the whole state of a key
 * limited by one rate, which saves an object per key on the common path, or as one of the buckets
 * of a {@link MultiBucket}, whose monitor then guards it.
 *
 * <p>The operations below are called under the guarding monitor, with {@code nowMs} never smaller
 * than in an earlier call, and always {@link #advance} first. {@link #consume} may take memory only
 * after {@link #growthBytes} said how much, and the caller reserved it.
 */
abstract class Bucket extends KeyState {

    final BucketConfig config;

    Bucket(BucketConfig config) {
        this.config = config;
    }

    static Bucket create(BucketConfig config) {
        return switch (config.algorithm()) {
            case SLIDING_WINDOW -> new SlidingWindowLog(config);
            case FIXED_WINDOW -> new FixedWindow(config);
            case TOKEN_BUCKET -> new TokenBucket(config);
            case SLIDING_WINDOW_COUNTER -> new SlidingWindowCounter(config);
        };
    }

    /** Forgets what time has made irrelevant as of {@code nowMs}. */
    abstract void advance(long nowMs);

    /** Gives back memory that {@link #advance} left unused; returns the bytes freed. */
    long shrink() {
        return 0;
    }

    @Override
    long growthBytes(long nowMs) {
        return 0;
    }

    /** Whole units that fit now. */
    abstract long available(long nowMs);

    /** 0 when {@code cost} fits now, otherwise the exact wait in ms (at least 1) until it does. */
    abstract long retryAfterMs(long nowMs, int cost);

    /** Consumes {@code cost}, which {@link #retryAfterMs} has just said fits. */
    abstract void consume(long nowMs, int cost);

    /** Gives back {@code cost} units consumed moments ago; never more than are consumed. */
    abstract void giveBack(long nowMs, int cost);

    /** The epoch millisecond from which the whole capacity is back ({@code nowMs} when it already is). */
    abstract long resetMs(long nowMs);

    @Override
    final boolean matches(BucketConfig bucket) {
        return config == bucket || config.equals(bucket);
    }

    @Override
    final boolean matches(List<BucketConfig> buckets) {
        return buckets.size() == 1 && matches(buckets.get(0));
    }

    /** {@link #advance}, then releases to {@code budget} what that left unused. */
    final void advance(long nowMs, ByteBudget budget) {
        advance(nowMs);
        long freedBytes = shrink();
        if (freedBytes > 0) {
            budget.release(freedBytes);
        }
    }

    @Override
    final void refund(long clockMs, int cost, ByteBudget budget) {
        long nowMs = observe(clockMs);
        advance(nowMs, budget);
        giveBack(nowMs, cost);
    }

    @Override
    final BackendResult peek(long clockMs, ByteBudget budget) {
        long nowMs = Math.max(clockMs, lastSeenMs()); // as a check would see it, without recording the reading
        advance(nowMs, budget);
        long waitMs = retryAfterMs(nowMs, 1);
        return new BackendResult(waitMs == 0, config.limit(), available(nowMs), resetMs(nowMs),
                waitMs == 0 ? 0 : waitMs + (nowMs - clockMs), 0);
    }

    @Override
    final BackendResult acquire(long clockMs, int cost, ByteBudget budget) {
        long nowMs = observe(clockMs);
        advance(nowMs, budget);
        long waitMs = retryAfterMs(nowMs, cost);
        if (waitMs == 0) {
            long growthBytes = growthBytes(nowMs);
            if (growthBytes > 0 && !budget.tryReserve(growthBytes)) {
                return null; // no room to log it: nothing consumed, the backend makes room first
            }
            consume(nowMs, cost);
        }
        // the wait is measured on this key's time, which stays ahead of a clock that stepped back:
        // a client must wait until the clock catches up, too
        long retryAfterMs = waitMs == 0 ? 0 : waitMs + (nowMs - clockMs);
        return new BackendResult(waitMs == 0, config.limit(), available(nowMs), resetMs(nowMs), retryAfterMs, 0);
    }
}
