package io.fastlimit;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.Supplier;

/**
 * How the adapters ask an application's user resolver who sent a request: a resolver that throws
 * makes the request anonymous (limited by its IP, or its header) rather than failing it, and the
 * failure is logged as a warning, with its error, at most every {@value #LOG_INTERVAL_MS} ms, so a
 * broken resolver cannot flood the log. Thread-safe.
 */
public final class UserResolution {

    private static final Logger LOG = System.getLogger(FastLimit.class.getName());

    /** A failing resolver is logged at most this often. */
    private static final long LOG_INTERVAL_MS = 10_000;

    private static final LogThrottle FAILURES = new LogThrottle(LOG, Level.WARNING, LOG_INTERVAL_MS);

    private UserResolution() {
    }

    /**
     * What {@code resolution} answers, or {@code null} (anonymous) when it throws.
     *
     * @param resolver   the application's resolver, named in the warning
     * @param resolution asks {@code resolver} for the user of the request at hand
     */
    public static String userOrAnonymous(Object resolver, Supplier<String> resolution) {
        try {
            return resolution.get();
        } catch (RuntimeException e) {
            FAILURES.log(System.currentTimeMillis(), "User resolver " + resolver.getClass().getName()
                    + " failed; the request is limited as anonymous", e);
            return null;
        }
    }
}
