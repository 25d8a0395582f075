package io.fastlimit.event;

import io.fastlimit.FailurePolicy;
import io.fastlimit.rules.Scope;

/**
 * The backend failed a check (an error, a timeout, an open circuit, or this instance too busy to
 * send it) and the limiter's failure policy answered instead.
 *
 * @param ruleName the rule's name
 * @param scope    the scope of the bucket that was to be checked
 * @param policy   the policy that answered
 * @param cause    what the backend threw, usually a {@code BackendUnavailableException} whose cause is
 *                 the store's own error
 */
public record FailurePolicyEvent(String ruleName, Scope scope, FailurePolicy policy, Throwable cause) {

    /**
     * The simple class name of the error behind the failure: the cause of a
     * {@code BackendUnavailableException} when it has one ({@code TimeoutException},
     * {@code RedisConnectionException}), else the exception itself. Bounded, so fit for a metric tag.
     */
    public String causeType() {
        Throwable error = cause;
        if (error instanceof io.fastlimit.backends.BackendUnavailableException && error.getCause() != null) {
            error = error.getCause();
        }
        return error == null ? "none" : error.getClass().getSimpleName();
    }
}
