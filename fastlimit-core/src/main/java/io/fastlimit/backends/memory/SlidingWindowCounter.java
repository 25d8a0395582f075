package io.fastlimit.backends.memory;

import io.fastlimit.rules.BucketConfig;

/*
 * Sliding window counter: the two-counter approximation of a sliding window.
 *
 * Model: counters for the current epoch-aligned window and the previous one. At `elapsed` ms into
 * the current window the previous window still overlaps the sliding window by (window - elapsed)
 * ms, and its count is assumed spread evenly over it:
 *
 *     estimate = previous * (window - elapsed) / window + current
 *
 * A request of cost c fits when estimate + c <= limit, compared exactly as
 * previous * (window - elapsed) <= (limit - current - c) * window in 128-bit integers (ExactMath):
 * no floating point, no rounding in the decision.
 *
 * Answers: remaining = limit - current - ceil(previous * (window - elapsed) / window), the whole
 * units that fit; resetMs = when both counters have left the sliding window: the end of the next
 * window when the current one counts anything, else the end of the current one. retryAfterMs is
 * solved exactly rather than searched: within the current window the first elapsed' with
 * previous * (window - elapsed') <= (limit - current - c) * window is
 * window - floor((limit - current - c) * window / previous); if that is not before the window's end
 * the request waits for the next window, where the current count becomes the previous one:
 * elapsed'' = window - floor((limit - c) * window / current), 0 when current is 0. The estimate
 * never grows while no request is admitted, so the first moment the cost fits stays a fit.
 *
 * Concurrency: guarded by the key's monitor (see KeyState).
 *
 * Memory per key: this object is 48 bytes (header 12, lastSeenMs 8, currentStartMs 8, previous 4,
 * current 4, config 4, removed 1, padding), and nothing else: the bound, whatever the limit and the
 * traffic.
 *
 * Edge cases: currentStartMs starts at Long.MIN_VALUE, so the first advance finds both counters out
 * of date; a window skipped entirely clears both counters; time never runs backwards here
 * (KeyState.observe).
 */
final class SlidingWindowCounter extends Bucket {

    /** The size of this object, as measured in the header comment: it never changes. */
    static final long BYTES = 48;

    private long currentStartMs = Long.MIN_VALUE;
    private int previous;
    private int current;

    SlidingWindowCounter(BucketConfig config) {
        super(config);
    }

    @Override
    void advance(long nowMs) {
        long windowMs = config.windowMillis();
        long startMs = nowMs - Math.floorMod(nowMs, windowMs);
        if (startMs == currentStartMs) {
            return;
        }
        if (currentStartMs != Long.MIN_VALUE && startMs - windowMs == currentStartMs) {
            previous = current;
        } else {
            previous = 0;
        }
        current = 0;
        currentStartMs = startMs;
    }

    @Override
    long available(long nowMs) {
        long windowMs = config.windowMillis();
        long overlapMs = windowMs - (nowMs - currentStartMs);
        long weighted = ExactMath.mulAddDivCeil(previous, overlapMs, 0, windowMs);
        return Math.max(0, config.limit() - current - weighted);
    }

    @Override
    long retryAfterMs(long nowMs, int cost) {
        long windowMs = config.windowMillis();
        long elapsedMs = nowMs - currentStartMs;
        long room = config.limit() - current - cost; // what the weighted previous count may use
        if (room >= 0 && ExactMath.productAtMost(previous, windowMs - elapsedMs, room, windowMs)) {
            return 0;
        }
        if (room >= 0) {
            // previous > 0 here, or the cost would have fitted
            long fitsAtMs = windowMs - ExactMath.mulDivFloorCapped(room, windowMs, previous, windowMs);
            if (fitsAtMs < windowMs) {
                return currentStartMs + fitsAtMs - nowMs;
            }
        }
        long nextStartMs = currentStartMs + windowMs;
        long fitsAtMs = current == 0
                ? 0
                : windowMs - ExactMath.mulDivFloorCapped(config.limit() - cost, windowMs, current, windowMs);
        return nextStartMs + fitsAtMs - nowMs;
    }

    @Override
    void consume(long nowMs, int cost) {
        current += cost;
    }

    @Override
    void giveBack(long nowMs, int cost) {
        current = Math.max(0, current - cost);
    }

    @Override
    long resetMs(long nowMs) {
        if (current > 0) {
            return currentStartMs + 2 * config.windowMillis();
        }
        return previous > 0 ? currentStartMs + config.windowMillis() : nowMs;
    }

    @Override
    long bytes() {
        return BYTES;
    }

    @Override
    long idleAtMs() {
        if (current > 0) {
            return currentStartMs + 2 * config.windowMillis();
        }
        return previous > 0 ? currentStartMs + config.windowMillis() : Long.MIN_VALUE;
    }
}
