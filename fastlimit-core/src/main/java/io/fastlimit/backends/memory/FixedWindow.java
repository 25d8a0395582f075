package io.fastlimit.backends.memory;

import io.fastlimit.rules.BucketConfig;

/*
 * Fixed window.
 *
 * Model: one counter per window, windows aligned to the epoch: the window of time t starts at
 * t - floorMod(t, window), so every process (and Redis) agrees on the boundaries. A request of cost
 * c fits when count + c <= limit. The counter starts again at 0 in each window; a client may spend
 * the limit just before a boundary and again just after it.
 *
 * Answers: remaining = limit - count; resetMs = the end of the window; retryAfterMs = the end of the
 * window - now, since cost <= limit always fits in a fresh window.
 *
 * Concurrency: guarded by the key's monitor (see KeyState).
 *
 * Memory per key: this object is 40 bytes (header 12, lastSeenMs 8, windowStartMs 8, count 4,
 * config 4, removed 1, padding), and nothing else: the bound, whatever the limit and the traffic.
 *
 * Edge cases: windowStartMs starts at Long.MIN_VALUE so the first advance always opens a window;
 * time never runs backwards here (KeyState.observe), so a window is only ever replaced by a later one.
 */
final class FixedWindow extends Bucket {

    /** The size of this object, as measured in the header comment: it never changes. */
    static final long BYTES = 40;

    private long windowStartMs = Long.MIN_VALUE;
    private int count;

    FixedWindow(BucketConfig config) {
        super(config);
    }

    @Override
    void advance(long nowMs) {
        long startMs = nowMs - Math.floorMod(nowMs, config.windowMillis());
        if (startMs != windowStartMs) {
            windowStartMs = startMs;
            count = 0;
        }
    }

    @Override
    long available(long nowMs) {
        return config.limit() - count;
    }

    @Override
    long retryAfterMs(long nowMs, int cost) {
        if (count + (long) cost <= config.limit()) {
            return 0;
        }
        return windowStartMs + config.windowMillis() - nowMs;
    }

    @Override
    void consume(long nowMs, int cost) {
        count += cost;
    }

    @Override
    void giveBack(long nowMs, int cost) {
        count = Math.max(0, count - cost);
    }

    @Override
    long resetMs(long nowMs) {
        return count == 0 ? nowMs : windowStartMs + config.windowMillis();
    }

    @Override
    long bytes() {
        return BYTES;
    }

    @Override
    long idleAtMs() {
        return count == 0 ? Long.MIN_VALUE : windowStartMs + config.windowMillis();
    }
}
