package io.fastlimit.backends.memory;

import io.fastlimit.rules.BucketConfig;

/*
 * Token bucket, as the generic cell rate algorithm (GCRA).
 *
 * Model: a bucket of `limit` tokens refilled continuously at limit/window, a request of cost c taking
 * c tokens. Instead of a token count and a refill timestamp, GCRA keeps one "theoretical arrival
 * time" (TAT): the moment the bucket would be full again. Its debt at time t is max(TAT - t, 0), each
 * token is worth window/limit ms of debt, and a request fits when the debt plus cost * window/limit
 * stays within one window (a full bucket, debt 0, thus allows a burst of `limit`).
 *
 * Exact arithmetic: window/limit ms is rarely whole (3/1000ms is 333 1/3 ms per token; 10^9/1ms is
 * 10^-9 ms), so times are mixed numbers with denominator `limit`: TAT = tatMs + tatFraction/limit,
 * 0 <= tatFraction < limit. Adding cost * window/limit = cost*q + (cost*r)/limit, with q and r the
 * quotient and remainder of window/limit, never overflows (cost <= limit <= 10^9, window < 2^35).
 * No rounding drift, however many requests.
 *
 * Answers: remaining = floor(tokens) = limit - ceil(debt * limit / window) (exact, see ExactMath);
 * resetMs = ceil(TAT), when the bucket is full; retryAfterMs = ceil(debt + cost * window/limit -
 * window), the exact wait, rounded up to the millisecond.
 *
 * Concurrency: guarded by the key's monitor (see KeyState).
 *
 * Memory per key: this object is 64 bytes (header 12, lastSeenMs 8, tatMs 8, tatFraction 4, config 4,
 * removed 1, unitMs 8, unitFraction 4, and the scratch afterMs 8 and afterFraction 4, padding): 24
 * bytes more than the state needs, to spare every check its divisions. Nothing else: the bound,
 * whatever the limit and the traffic.
 *
 * Edge cases: tatMs starts at Long.MIN_VALUE (no debt) and is never used in a subtraction before it
 * is known to be ahead of now; time never runs backwards here (KeyState.observe), so the debt only
 * shrinks between requests.
 */
final class TokenBucket extends Bucket {

    /** The size of this object, as measured in the header comment: it never changes. */
    static final long BYTES = 64;

    /** One unit's worth of debt, window / limit ms, as whole ms and a fraction in 1/limit ms: no division per check. */
    private final long unitMs;
    private final int unitFraction;

    private long tatMs = Long.MIN_VALUE;
    /** Fraction of a millisecond, in units of 1/limit ms, beyond tatMs; below limit <= 10^9. */
    private int tatFraction;

    /** The debt once a cost is added, as {@link #addCost} leaves it; only read right after that call. */
    private long afterMs;
    private int afterFraction;

    TokenBucket(BucketConfig config) {
        super(config);
        this.unitMs = config.windowMillis() / config.limit();
        this.unitFraction = (int) (config.windowMillis() % config.limit());
    }

    @Override
    void advance(long nowMs) {
        // Nothing to forget: the debt is computed from TAT and now.
    }

    @Override
    long available(long nowMs) {
        long limit = config.limit();
        if (!hasDebt(nowMs)) {
            return limit;
        }
        // tokens owed = debt * limit / window = ((TAT - now) * limit + tatFraction) / window
        return limit - ExactMath.mulAddDivCeil(tatMs - nowMs, limit, tatFraction, config.windowMillis());
    }

    @Override
    long retryAfterMs(long nowMs, int cost) {
        long windowMs = config.windowMillis();
        addCost(nowMs, cost);
        if (afterMs < windowMs || (afterMs == windowMs && afterFraction == 0)) {
            return 0;
        }
        return afterMs - windowMs + (afterFraction > 0 ? 1 : 0);
    }

    @Override
    void consume(long nowMs, int cost) {
        addCost(nowMs, cost);
        tatMs = nowMs + afterMs;
        tatFraction = afterFraction;
    }

    /** Sets afterMs and afterFraction to the debt at nowMs plus cost * window/limit. */
    private void addCost(long nowMs, int cost) {
        long limit = config.limit();
        long ms = hasDebt(nowMs) ? tatMs - nowMs : 0;
        long fraction = hasDebt(nowMs) ? tatFraction : 0;
        if (cost == 1) {
            ms += unitMs;
            fraction += unitFraction;
        } else {
            long costFraction = (long) cost * unitFraction; // below 10^18: cost <= limit <= 10^9
            ms += cost * unitMs + costFraction / limit;
            fraction += costFraction % limit;
        }
        if (fraction >= limit) {
            fraction -= limit;
            ms++;
        }
        afterMs = ms;
        afterFraction = (int) fraction;
    }

    @Override
    void giveBack(long nowMs, int cost) {
        if (!hasDebt(nowMs)) {
            return;
        }
        long limit = config.limit();
        // TAT - cost * window/limit, as whole ms and a fraction in 1/limit ms
        long costFraction = (long) cost * unitFraction;
        long partMs = cost * unitMs + costFraction / limit;
        long part = costFraction % limit;
        long borrow = tatFraction < part ? 1 : 0;
        long ms = tatMs - partMs - borrow;
        long fraction = tatFraction - part + borrow * limit;
        if (ms < nowMs || (ms == nowMs && fraction == 0)) {
            tatMs = Long.MIN_VALUE; // no debt left: a full bucket
            tatFraction = 0;
        } else {
            tatMs = ms;
            tatFraction = (int) fraction;
        }
    }

    @Override
    long resetMs(long nowMs) {
        return hasDebt(nowMs) ? fullAtMs() : nowMs;
    }

    @Override
    long bytes() {
        return BYTES;
    }

    @Override
    long idleAtMs() {
        return tatMs == Long.MIN_VALUE ? Long.MIN_VALUE : fullAtMs();
    }

    private long fullAtMs() {
        return tatFraction > 0 ? tatMs + 1 : tatMs;
    }

    private boolean hasDebt(long nowMs) {
        return tatMs > nowMs || (tatMs == nowMs && tatFraction > 0);
    }
}
