package io.fastlimit.event;

/**
 * Told what the limiter does. Every method has an empty default: implement those you need.
 *
 * <pre>{@code
 * FastLimit limiter = FastLimit.builder()
 *         .listener(new RateLimitListener() {
 *             public void onDecision(DecisionEvent event) {
 *                 if (event.outcome() == DecisionEvent.Outcome.BLOCKED) {
 *                     audit.blocked(event.ruleName(), event.key());
 *                 }
 *             }
 *         })
 *         .build();
 * }</pre>
 *
 * <p>Listeners are called on the thread that checks the request (circuit events: on the thread
 * that saw the backend's call end), synchronously and in the order they were registered, so they
 * must be quick and thread-safe. A listener that throws is logged (at most one message every
 * 10 s) and the request is decided as if it had not been there.
 */
public interface RateLimitListener {

    /**
     * Whether this listener wants {@link DecisionEvent#backendNanos()} measured. Timing a call reads
     * the clock twice per check, so the limiter does it only while a registered listener says yes
     * (read when the listener is added); otherwise the events carry -1. Default {@code false}.
     */
    default boolean timesBackend() {
        return false;
    }

    /** One bucket was consulted for a request, or the request was exempt. */
    default void onDecision(DecisionEvent event) {
    }

    /**
     * The backend failed a check and the limiter's failure policy answered instead. The
     * {@link DecisionEvent} of the same check follows, with {@link DecisionEvent#failurePolicy()} set.
     */
    default void onFailurePolicy(FailurePolicyEvent event) {
    }

    /** The backend's circuit opened (it stopped calling its store) or closed again. */
    default void onCircuit(CircuitEvent event) {
    }
}
