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
 * Memory per key: this object is 40 bytes (header 12, lastSeenMs 8, tatMs 8, tatFraction 4, config 4,
 * removed 1, padding).
 *
 * Edge cases: tatMs starts at Long.MIN_VALUE (no debt) and is never used in a subtraction before it
 * is known to be ahead of now; time never runs backwards here (KeyState.observe), so the debt only
 * shrinks between requests.
 */
final class TokenBucket extends Bucket {

    private long tatMs = Long.MIN_VALUE;
    /** Fraction of a millisecond, in units of 1/limit ms, beyond tatMs; below limit <= 10^9. */
    private int tatFraction;

    TokenBucket(BucketConfig config) {
        super(config);
    }

    @Override
    void advance(long nowMs) {
        // Nothing to forget: the debt is computed from TAT and now.
    }

    @Override
    long available(long nowMs) {
        long limit = config.limit();
        long debtMs = debtMs(nowMs);
        long debtFraction = debtFraction(nowMs);
        if (debtMs == 0 && debtFraction == 0) {
            return limit;
        }
        // tokens owed = debt * limit / window = (debtMs * limit + debtFraction) / window
        return limit - ExactMath.mulAddDivCeil(debtMs, limit, debtFraction, config.windowMillis());
    }

    @Override
    long retryAfterMs(long nowMs, int cost) {
        long windowMs = config.windowMillis();
        long ms = debtAfterMs(nowMs, cost);
        long fraction = debtAfterFraction(nowMs, cost);
        if (ms < windowMs || (ms == windowMs && fraction == 0)) {
            return 0;
        }
        return ms - windowMs + (fraction > 0 ? 1 : 0);
    }

    @Override
    void consume(long nowMs, int cost) {
        long ms = debtAfterMs(nowMs, cost);
        long fraction = debtAfterFraction(nowMs, cost);
        tatMs = nowMs + ms;
        tatFraction = (int) fraction;
    }

    /** Whole milliseconds of debt once {@code cost} is added: debt + cost*q + (cost*r)/limit + carry. */
    private long debtAfterMs(long nowMs, int cost) {
        long limit = config.limit();
        long windowMs = config.windowMillis();
        long costFraction = cost * (windowMs % limit);
        long carry = debtFraction(nowMs) + costFraction % limit >= limit ? 1 : 0;
        return debtMs(nowMs) + cost * (windowMs / limit) + costFraction / limit + carry;
    }

    /** The fraction (in 1/limit ms) of the debt once {@code cost} is added. */
    private long debtAfterFraction(long nowMs, int cost) {
        long limit = config.limit();
        long fraction = debtFraction(nowMs) + cost * (config.windowMillis() % limit) % limit;
        return fraction >= limit ? fraction - limit : fraction;
    }

    @Override
    void giveBack(long nowMs, int cost) {
        if (!hasDebt(nowMs)) {
            return;
        }
        // TAT - cost * window/limit, as whole ms and a fraction in 1/limit ms
        long limit = config.limit();
        long windowMs = config.windowMillis();
        long costFraction = cost * (windowMs % limit);
        long borrow = tatFraction < costFraction % limit ? 1 : 0;
        long ms = tatMs - cost * (windowMs / limit) - costFraction / limit - borrow;
        long fraction = tatFraction - costFraction % limit + borrow * limit;
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
    long idleAtMs() {
        return tatMs == Long.MIN_VALUE ? Long.MIN_VALUE : fullAtMs();
    }

    private long fullAtMs() {
        return tatFraction > 0 ? tatMs + 1 : tatMs;
    }

    private boolean hasDebt(long nowMs) {
        return tatMs > nowMs || (tatMs == nowMs && tatFraction > 0);
    }

    /** Whole milliseconds of debt at nowMs. */
    private long debtMs(long nowMs) {
        return hasDebt(nowMs) ? tatMs - nowMs : 0;
    }

    /** The fraction of a millisecond of debt beyond debtMs, in units of 1/limit ms. */
    private long debtFraction(long nowMs) {
        return hasDebt(nowMs) ? tatFraction : 0;
    }
}
