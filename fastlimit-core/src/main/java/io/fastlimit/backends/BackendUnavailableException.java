package io.fastlimit.backends;

/**
 * Thrown by a backend that cannot answer: its store is unreachable, too slow, or known to be down.
 * The limiter's {@code FailurePolicy} decides what the request gets instead.
 */
public class BackendUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public BackendUnavailableException(String message) {
        super(message);
    }
}
