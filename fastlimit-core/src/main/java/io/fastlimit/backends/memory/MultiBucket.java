package io.fastlimit.backends.memory;

import io.fastlimit.backends.BackendResult;
import io.fastlimit.rules.BucketConfig;

import java.util.List;

/**
 * The buckets of a key limited by several rates ({@code "10/s;500/hour"}), checked and consumed as
 * one step under this object's monitor: when the cost fits in all of them all consume it, otherwise
 * none does. Because no bucket's free capacity shrinks while time passes without consumption, the
 * wait until the cost fits everywhere is the longest of the buckets' own waits.
 *
 * <p>Memory: this object (32 bytes) and its array (16 + 4 per bucket, rounded up to 8) on top of
 * the buckets: 56 bytes for two rates, plus each rate's own bound, so bounded whatever the limits.
 */
final class MultiBucket extends KeyState {

    /** The size of this object without its array and buckets. */
    static final long SHALLOW_BYTES = 32;

    private final Bucket[] buckets;

    MultiBucket(List<BucketConfig> configs) {
        buckets = new Bucket[configs.size()];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = Bucket.create(configs.get(i));
        }
    }

    @Override
    boolean matches(BucketConfig bucket) {
        return false; // never holds a single bucket
    }

    @Override
    boolean matches(List<BucketConfig> configs) {
        if (configs.size() != buckets.length) {
            return false;
        }
        for (int i = 0; i < buckets.length; i++) {
            if (!buckets[i].matches(configs.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    void refund(long clockMs, int cost, ByteBudget budget) {
        long nowMs = observe(clockMs);
        for (Bucket bucket : buckets) {
            bucket.advance(nowMs, budget);
            bucket.giveBack(nowMs, cost);
        }
    }

    @Override
    long bytes() {
        long bytes = SHALLOW_BYTES + ByteBudget.arrayBytes(buckets.length, Integer.BYTES);
        for (Bucket bucket : buckets) {
            bytes += bucket.bytes();
        }
        return bytes;
    }

    @Override
    long growthBytes(long nowMs) {
        long bytes = 0;
        for (Bucket bucket : buckets) {
            bytes += bucket.growthBytes(nowMs);
        }
        return bytes;
    }

    @Override
    BackendResult acquire(long clockMs, int cost, ByteBudget budget) {
        long nowMs = observe(clockMs);
        // Blocked: report the bucket waited for longest; among equal waits, the one with fewest units
        // free, then the one that is whole again last.
        int worst = -1;
        long worstWaitMs = 0;
        long worstAvailable = 0;
        long worstResetMs = 0;
        for (int i = 0; i < buckets.length; i++) {
            Bucket bucket = buckets[i];
            bucket.advance(nowMs, budget);
            long waitMs = bucket.retryAfterMs(nowMs, cost);
            if (waitMs == 0 || waitMs < worstWaitMs) {
                continue;
            }
            long available = bucket.available(nowMs);
            long resetMs = bucket.resetMs(nowMs);
            if (worst < 0 || waitMs > worstWaitMs || available < worstAvailable
                    || (available == worstAvailable && resetMs > worstResetMs)) {
                worst = i;
                worstWaitMs = waitMs;
                worstAvailable = available;
                worstResetMs = resetMs;
            }
        }
        if (worst >= 0) {
            // measured on this key's time, ahead of a clock that stepped back: add the catching up
            return new BackendResult(false, buckets[worst].config.limit(), worstAvailable, worstResetMs,
                    worstWaitMs + (nowMs - clockMs), worst);
        }
        // Allowed: all consume, once the memory that takes is reserved; report the bucket with the
        // fewest units left, then the one whole last.
        long growthBytes = growthBytes(nowMs);
        if (growthBytes > 0 && !budget.tryReserve(growthBytes)) {
            return null; // no room to log it: nothing consumed, the backend makes room first
        }
        int tightest = -1;
        long tightestAvailable = 0;
        long tightestResetMs = 0;
        for (int i = 0; i < buckets.length; i++) {
            Bucket bucket = buckets[i];
            bucket.consume(nowMs, cost);
            long available = bucket.available(nowMs);
            long resetMs = bucket.resetMs(nowMs);
            if (tightest < 0 || available < tightestAvailable
                    || (available == tightestAvailable && resetMs > tightestResetMs)) {
                tightest = i;
                tightestAvailable = available;
                tightestResetMs = resetMs;
            }
        }
        return new BackendResult(true, buckets[tightest].config.limit(), tightestAvailable, tightestResetMs, 0, tightest);
    }

    /** The bucket a cost-1 check would report, chosen as {@link #acquire} chooses it, nothing consumed. */
    @Override
    BackendResult peek(long clockMs, ByteBudget budget) {
        long nowMs = Math.max(clockMs, lastSeenMs());
        int chosen = -1;
        boolean chosenBlocked = false;
        long chosenWaitMs = 0;
        long chosenAvailable = 0;
        long chosenResetMs = 0;
        for (int i = 0; i < buckets.length; i++) {
            Bucket bucket = buckets[i];
            bucket.advance(nowMs, budget);
            long waitMs = bucket.retryAfterMs(nowMs, 1);
            long available = bucket.available(nowMs);
            long resetMs = bucket.resetMs(nowMs);
            boolean better;
            if (chosen < 0) {
                better = true;
            } else if (waitMs > 0 || chosenBlocked) {
                // blocked: the one waited for longest, then fewest free, then whole last
                better = waitMs > chosenWaitMs || (waitMs == chosenWaitMs && (available < chosenAvailable
                        || (available == chosenAvailable && resetMs > chosenResetMs)));
            } else {
                // allowed: fewest free, then whole last
                better = available < chosenAvailable || (available == chosenAvailable && resetMs > chosenResetMs);
            }
            if (better) {
                chosen = i;
                chosenBlocked = waitMs > 0;
                chosenWaitMs = waitMs;
                chosenAvailable = available;
                chosenResetMs = resetMs;
            }
        }
        return new BackendResult(!chosenBlocked, buckets[chosen].config.limit(), chosenAvailable, chosenResetMs,
                chosenBlocked ? chosenWaitMs + (nowMs - clockMs) : 0, chosen);
    }

    @Override
    long idleAtMs() {
        long idleAtMs = Long.MIN_VALUE;
        for (Bucket bucket : buckets) {
            idleAtMs = Math.max(idleAtMs, bucket.idleAtMs());
        }
        return idleAtMs;
    }
}
