package io.fastlimit.backends.redis;

import io.fastlimit.backends.CircuitBreakingBackend.CircuitListener;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stops waiting on a Redis that keeps failing. After {@code failureThreshold} failures in a row the
 * circuit opens: calls fail at once, costing no time, for {@code openMs}. Then one call is let
 * through as a probe; its success closes the circuit, its failure opens it again. So a dead Redis
 * costs each request nothing after the first few, and a Redis that comes back is used again within
 * {@code openMs}, without a restart. Lock-free; thread-safe.
 *
 * <p>Listeners hear of each change once: the opening, not each failed probe that keeps it open, and
 * the closing. They are told on the thread that recorded the change, outside any hot path (a
 * closed circuit that stays closed tells nobody anything).
 */
final class Circuit {

    private final int failureThreshold;
    private final long openMs;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicBoolean probing = new AtomicBoolean();
    /** Every failure ever recorded: each failed call counts once, whatever ended it. */
    private final AtomicLong failures = new AtomicLong();
    /** While positive and in the future, the circuit is open. */
    private volatile long openUntilMs;
    /** The state listeners were last told, so each change is told once however calls race. */
    private final AtomicBoolean toldOpen = new AtomicBoolean();
    private final CopyOnWriteArrayList<CircuitListener> listeners = new CopyOnWriteArrayList<>();

    Circuit(int failureThreshold, long openMs) {
        this.failureThreshold = failureThreshold;
        this.openMs = openMs;
    }

    /** Whether a call may go to Redis now; {@code true} for at most one probe once the open time is over. */
    boolean allowsCall(long nowMs) {
        long untilMs = openUntilMs;
        if (untilMs == 0) {
            return true;
        }
        return nowMs >= untilMs && probing.compareAndSet(false, true);
    }

    /** Whether calls fail at once now, without claiming the probe that {@link #allowsCall} may give. */
    boolean refusesAt(long nowMs) {
        long untilMs = openUntilMs;
        return untilMs != 0 && nowMs < untilMs;
    }

    void onSuccess() {
        if (openUntilMs != 0 || consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
            openUntilMs = 0;
            probing.set(false);
            if (toldOpen.compareAndSet(true, false)) {
                tell(false);
            }
        }
    }

    void onFailure(long nowMs) {
        failures.incrementAndGet();
        if (consecutiveFailures.incrementAndGet() >= failureThreshold) {
            openUntilMs = nowMs + openMs;
            probing.set(false);
            if (toldOpen.compareAndSet(false, true)) {
                tell(true);
            }
        }
    }

    void addListener(CircuitListener listener) {
        listeners.add(listener);
    }

    void removeListener(CircuitListener listener) {
        listeners.remove(listener);
    }

    private void tell(boolean open) {
        for (CircuitListener listener : listeners) {
            try {
                listener.circuitChanged(open);
            } catch (RuntimeException ignored) {
                // a listener's failure is its own (the limiter's listeners log theirs): the circuit goes on
            }
        }
    }

    long failures() {
        return failures.get();
    }

    boolean isOpen() {
        return openUntilMs != 0;
    }
}
