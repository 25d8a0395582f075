package io.fastlimit;

/**
 * Thrown by {@link FastLimit#checkOrThrow} when a request is blocked; carries the decision, whose
 * headers and body make up the 429 answer.
 */
public class RateLimitExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient RateLimitDecision decision;

    public RateLimitExceededException(RateLimitDecision decision) {
        // no stack trace: this is a normal answer, thrown for every blocked request
        super(decision.errorMessage(), null, false, false);
        this.decision = decision;
    }

    /** The decision that blocked the request. */
    public RateLimitDecision decision() {
        return decision;
    }

    /** Seconds the client should wait, as sent in {@code Retry-After}. */
    public long retryAfterSeconds() {
        return decision.retryAfterSeconds();
    }
}
