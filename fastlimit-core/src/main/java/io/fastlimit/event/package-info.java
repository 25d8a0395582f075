/**
 * Public API: what the limiter tells listeners. Register a {@link io.fastlimit.event.RateLimitListener}
 * on the builder ({@code FastLimit.builder().listener(...)}) or on a built limiter
 * ({@code limiter.addListener(...)}); it hears of every decision, of every check the failure policy
 * answered instead of the backend, and of a backend's circuit opening and closing.
 *
 * <p>Events are built only while a listener is registered: a limiter without one allocates
 * nothing for them and does not read the time for them. Nothing an event carries for metrics
 * (rule name, scope, outcome, policy, exception type) identifies a client; only
 * {@link io.fastlimit.event.DecisionEvent#key()} does, and it is meant for logs, never for tags.
 */
package io.fastlimit.event;
