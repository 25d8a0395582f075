package io.fastlimit.backends.redis;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the calls to Redis in flight, so that a burst larger than the connection pool waits here,
 * on a clock of its own, instead of in Redisson's pool and Netty's queues, where it would eat into
 * the timeout of each call and be taken for a slow Redis. A call's timeout starts once it holds a
 * permit; the wait for one is bounded separately and, when exceeded, fails the call without it ever
 * reaching Redis (the circuit does not count it). Waiters are served oldest first, without blocking
 * a thread: {@link #acquire()} answers a future. Thread-safe.
 */
final class CallPermits {

    /** Calls that may wait at once; beyond it a call is refused at once, so a flood holds no memory. */
    static final int MAX_WAITING = 10_000;

    /** What {@link #acquire()} answers when a permit was free: already complete, shared. */
    static final CompletableFuture<Void> GRANTED = CompletableFuture.completedFuture(null);

    private final long maxWaitMs;
    private final Object lock = new Object();
    /** Permits no call holds. Guarded by {@link #lock}. */
    private int free;
    /** Calls waiting for a permit, oldest first, some of which may have given up. Guarded by {@link #lock}. */
    private final ArrayDeque<CompletableFuture<Void>> waiting = new ArrayDeque<>();

    CallPermits(int permits, long maxWaitMs) {
        this.free = permits;
        this.maxWaitMs = maxWaitMs;
    }

    /**
     * A future completed once the caller holds a permit, which it must {@link #release()}; or failed
     * (with a {@link java.util.concurrent.TimeoutException}) when none came within the wait, or at once
     * when too many calls are waiting already.
     */
    CompletableFuture<Void> acquire() {
        CompletableFuture<Void> waiter;
        synchronized (lock) {
            if (free > 0) {
                free--;
                return GRANTED; // the common case allocates nothing
            }
            waiter = new CompletableFuture<>();
            if (waiting.size() >= MAX_WAITING) {
                waiting.removeIf(CompletableFuture::isDone); // those that gave up
                if (waiting.size() >= MAX_WAITING) {
                    return CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException(
                            MAX_WAITING + " calls already waiting"));
                }
            }
            waiting.add(waiter);
        }
        return waiter.orTimeout(maxWaitMs, TimeUnit.MILLISECONDS);
    }

    /** Takes a permit if one is free, without waiting; the caller must {@link #release()} it. */
    boolean tryAcquire() {
        synchronized (lock) {
            if (free > 0) {
                free--;
                return true;
            }
            return false;
        }
    }

    /** Gives a permit back: to the oldest call still waiting, or to the pool. */
    void release() {
        while (true) {
            CompletableFuture<Void> next;
            synchronized (lock) {
                next = waiting.poll();
                if (next == null) {
                    free++;
                    return;
                }
            }
            if (next.complete(null)) {
                return; // handed over; completing outside the lock, since the waiter's call runs now
            }
            // that one gave up waiting: offer the permit to the next
        }
    }

    /** Permits no call holds now. */
    int free() {
        synchronized (lock) {
            return free;
        }
    }
}
