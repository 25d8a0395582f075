package io.fastlimit.event;

/**
 * The backend's circuit changed state: it opened after its store failed several times in a row
 * (checks then go to the failure policy at once, without waiting), or closed once the store
 * answered again.
 *
 * @param backend the backend's class simple name ({@code RedisBackend}): bounded, fit for a metric tag
 * @param open    whether the circuit is open now
 */
public record CircuitEvent(String backend, boolean open) {
}
