package io.fastlimit.backends.redis;

import io.fastlimit.backends.BackendResult;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The keys Redis has blocked, remembered until Redis would unblock them, so a client that keeps
 * knocking after its 429 costs no round trip (Envoy's rate limit service keeps the same near-cache).
 *
 * <h2>Why it is exact</h2>
 * Only a blocked check of cost 1 is remembered. Redis blocks a cost of 1 only while some bucket of
 * the key has no unit free, and its retry-after is the wait until one is; until then every cost-1
 * check of the same buckets gets the same answer with the retry-after counted down: remaining 0, the
 * same limit, reset and bucket. No request of this instance can change that: each would be blocked
 * and consume nothing. A larger cost says nothing about a smaller one (units may be left for it), so
 * it is not remembered, and a remembered block answers cost-1 checks only: a larger cost would also
 * be blocked, but Redis would report its own wait and bucket.
 *
 * <p>Time: Redis ran the script after the check was sent, so an entry lasts from the sending (read
 * from the backend's clock: the test clock, or the monotonic clock) for the retry-after less the
 * millisecond Redis rounds it up by. It never outlives Redis's own block. A reset or refund through
 * this backend forgets the key, also for checks sent before it and answered after it
 * ({@link #generation}); one through another instance is not seen, and this one keeps blocking until
 * the time Redis gave, at most.
 *
 * <p>Bounded: at most {@code maxKeys} entries; when full, expired ones are dropped (at most once a
 * second), and a key that still finds no room is simply not remembered. Lock-free; thread-safe.
 */
final class BlockedKeys {

    /** How often a full map is swept for expired entries, so a flood of blocked keys costs no sweep per check. */
    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final int maxKeys;
    /** By the key with its hash tag; one entry per key, for the bucket list last blocked. */
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    /** Moves on every forget, so a block sent before a reset and answered after it is not kept. */
    private final AtomicLong generation = new AtomicLong();
    /** Set once the map has been swept; {@link #nextSweepNanos} means nothing before. */
    private volatile boolean swept;
    private volatile long nextSweepNanos;

    BlockedKeys(int maxKeys) {
        this.maxKeys = maxKeys;
    }

    /** The generation to pass to {@link #remember}, read before the check is sent. */
    long generation() {
        return generation.get();
    }

    /** Redis's answer to a cost-1 check of {@code buckets} at {@code nowNanos}, or null when unknown. */
    BackendResult answer(String base, Object buckets, long nowNanos) {
        if (entries.isEmpty()) {
            return null;
        }
        Entry entry = entries.get(base);
        if (entry == null || entry.buckets != buckets) {
            return null;
        }
        long elapsedNanos = nowNanos - entry.sentNanos;
        if (elapsedNanos < 0 || elapsedNanos > entry.lastBlockedNanos) {
            entries.remove(base, entry);
            return null;
        }
        long retryAfterMs = entry.blocked.retryAfterMs() - TimeUnit.NANOSECONDS.toMillis(elapsedNanos);
        return new BackendResult(false, entry.blocked.limit(), 0, entry.blocked.resetMs(), retryAfterMs,
                entry.blocked.bucketIndex());
    }

    /**
     * Remembers Redis's answer to a check of cost {@code cost} sent at {@code sentNanos}, when it is
     * a block that holds for every cost-1 check to come (see the class comment).
     */
    void remember(String base, Object buckets, int cost, long sentNanos, long sentGeneration, BackendResult result) {
        // a retry-after of 1 ms, less the rounding, leaves nothing to remember
        if (maxKeys == 0 || cost != 1 || result.allowed() || result.remaining() != 0 || result.retryAfterMs() <= 1) {
            return;
        }
        if (entries.size() >= maxKeys && !makeRoom(sentNanos)) {
            return;
        }
        Entry entry = new Entry(buckets, sentNanos, TimeUnit.MILLISECONDS.toNanos(result.retryAfterMs() - 1), result);
        entries.put(base, entry);
        if (generation.get() != sentGeneration) {
            entries.remove(base, entry); // a reset or refund came in between: forget() may have run before the put
        }
    }

    /** Forgets {@code base}: called before a reset or refund of it is sent. */
    void forget(String base) {
        generation.incrementAndGet();
        entries.remove(base);
    }

    /** Forgets every key: called before {@code clearAll()}. */
    void forgetAll() {
        generation.incrementAndGet();
        entries.clear();
    }

    int size() {
        return entries.size();
    }

    private boolean makeRoom(long nowNanos) {
        if (swept && nowNanos - nextSweepNanos < 0) {
            return false;
        }
        swept = true;
        nextSweepNanos = nowNanos + SWEEP_INTERVAL_NANOS;
        entries.values().removeIf(entry -> nowNanos - entry.sentNanos > entry.lastBlockedNanos);
        return entries.size() < maxKeys;
    }

    /**
     * One remembered block.
     *
     * @param buckets          the compiled bucket list it was checked against, compared by identity
     * @param sentNanos        when the check was sent, on the backend's clock
     * @param lastBlockedNanos how long after {@code sentNanos} Redis still blocks for certain
     * @param blocked          Redis's answer
     */
    private record Entry(Object buckets, long sentNanos, long lastBlockedNanos, BackendResult blocked) {
    }
}
