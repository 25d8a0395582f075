package io.fastlimit;

import io.fastlimit.backends.CircuitBreakingBackend;
import io.fastlimit.event.CircuitEvent;
import io.fastlimit.event.DecisionEvent;
import io.fastlimit.event.DecisionEvent.Outcome;
import io.fastlimit.event.FailurePolicyEvent;
import io.fastlimit.event.RateLimitListener;
import io.fastlimit.rules.Scope;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The listeners of one limiter, and the events it tells them.
 *
 * <p>The hot path reads one volatile array and, while it is empty, builds no event, reads no clock
 * and calls nothing: {@link #listening()} is all a check pays. Listeners are added and removed
 * rarely, so the array is copied on write under a lock, and a check sees either the old array or
 * the new one. A listener that throws is logged (throttled) and the others are still told; the
 * request is decided as if nothing had happened. Thread-safe.
 */
final class LimiterEvents implements CircuitBreakingBackend.CircuitListener {

    /** The limiter's logger, so one logging setting covers everything the limiter reports. */
    private static final Logger LOG = System.getLogger(FastLimit.class.getName());

    /** A failing listener is logged at most this often. */
    private static final long LOG_INTERVAL_MS = 10_000;

    private static final RateLimitListener[] NONE = {};

    private final Object writeLock = new Object();
    /** Replaced, never changed in place: readers take it once and iterate their copy. */
    private volatile RateLimitListener[] listeners = NONE;
    /** Whether a registered listener wants backend calls timed; written with {@link #listeners}. */
    private volatile boolean timing;
    private final String backendName;
    private final Clock clock;
    private final LogThrottle failedListenerLog = new LogThrottle(LOG, Level.WARNING, LOG_INTERVAL_MS);

    LimiterEvents(String backendName, Clock clock) {
        this.backendName = backendName;
        this.clock = clock;
    }

    /** Whether any listener is registered: checked before building an event or timing a call. */
    boolean listening() {
        return listeners.length != 0;
    }

    void add(RateLimitListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (writeLock) {
            RateLimitListener[] old = listeners;
            RateLimitListener[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = listener;
            timing = anyTimes(grown);
            listeners = grown;
        }
    }

    boolean remove(RateLimitListener listener) {
        synchronized (writeLock) {
            RateLimitListener[] old = listeners;
            for (int i = 0; i < old.length; i++) {
                if (old[i] == listener) {
                    RateLimitListener[] shrunk = new RateLimitListener[old.length - 1];
                    System.arraycopy(old, 0, shrunk, 0, i);
                    System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                    timing = anyTimes(shrunk);
                    listeners = shrunk.length == 0 ? NONE : shrunk;
                    return true;
                }
            }
            return false;
        }
    }

    /** Whether backend calls should be timed for the listeners: asked only once {@link #listening()} said yes. */
    boolean timing() {
        return timing;
    }

    private static boolean anyTimes(RateLimitListener[] listeners) {
        for (RateLimitListener listener : listeners) {
            if (listener.timesBackend()) {
                return true;
            }
        }
        return false;
    }

    List<RateLimitListener> all() {
        return List.of(listeners);
    }

    /** A bucket decided {@code decision} for the request; {@code policy} is set when the failure policy answered. */
    void decided(String ruleName, Scope scope, String key, RateLimitDecision decision, int cost, long backendNanos,
                 FailurePolicy policy) {
        Outcome outcome = !decision.allowed() ? Outcome.BLOCKED
                : decision.wouldHaveBlocked() ? Outcome.WOULD_HAVE_BLOCKED
                : Outcome.ALLOWED;
        DecisionEvent event = new DecisionEvent(ruleName, scope, outcome, decision.limit(), decision.remaining(),
                decision.resetMs(), decision.retryAfterMs(), cost, backendNanos, policy, key);
        for (RateLimitListener listener : listeners) {
            try {
                listener.onDecision(event);
            } catch (RuntimeException e) {
                failed(listener, e);
            }
        }
    }

    /** The client was exempt from {@code ruleName}: no bucket consulted. */
    void exempt(String ruleName, int cost) {
        DecisionEvent event = new DecisionEvent(ruleName, Scope.IP, Outcome.EXEMPT, 0, 0, 0, 0, cost, -1, null, null);
        for (RateLimitListener listener : listeners) {
            try {
                listener.onDecision(event);
            } catch (RuntimeException e) {
                failed(listener, e);
            }
        }
    }

    void failurePolicyAnswered(String ruleName, Scope scope, FailurePolicy policy, Throwable cause) {
        FailurePolicyEvent event = new FailurePolicyEvent(ruleName, scope, policy, cause);
        for (RateLimitListener listener : listeners) {
            try {
                listener.onFailurePolicy(event);
            } catch (RuntimeException e) {
                failed(listener, e);
            }
        }
    }

    /** From the backend, on whatever thread saw its circuit change. */
    @Override
    public void circuitChanged(boolean open) {
        RateLimitListener[] told = listeners;
        if (told.length == 0) {
            return;
        }
        CircuitEvent event = new CircuitEvent(backendName, open);
        for (RateLimitListener listener : told) {
            try {
                listener.onCircuit(event);
            } catch (RuntimeException e) {
                failed(listener, e);
            }
        }
    }

    private void failed(RateLimitListener listener, RuntimeException e) {
        failedListenerLog.log(clock.millis(), "Rate-limit listener " + listener.getClass().getName()
                + " failed; the request was decided as if it had not been told", e);
    }
}
