package io.fastlimit.backends;

/**
 * Optional, for backends that stop calling a failing store for a while (a circuit breaker), so
 * the limiter can tell its listeners when that starts and ends and metrics can show the state.
 * Custom backends need not implement it.
 */
public interface CircuitBreakingBackend extends Backend {

    /** Whether calls currently fail at once because the store kept failing. */
    boolean isCircuitOpen();

    /**
     * Tells {@code listener} of every change of {@link #isCircuitOpen()} from now on, once per
     * change, on whatever thread made it. A listener that throws must not disturb the backend.
     */
    void addCircuitListener(CircuitListener listener);

    /** Stops telling {@code listener}; nothing when it was not added. */
    void removeCircuitListener(CircuitListener listener);

    /** Told when a backend's circuit opens or closes. */
    @FunctionalInterface
    interface CircuitListener {
        void circuitChanged(boolean open);
    }
}
