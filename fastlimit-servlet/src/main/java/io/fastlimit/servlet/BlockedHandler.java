package io.fastlimit.servlet;

import io.fastlimit.RateLimitDecision;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Writes the answer to a request that {@link FastLimitFilter} blocks, in place of the default JSON
 * body {@code {"detail": "Rate limit exceeded. Try again in 41s.", "retry_after": 41}}.
 *
 * <p>When it is called the status is already 429 and the rate-limit headers, {@code Retry-After}
 * included, are already set; the handler writes the body and may change anything else. The filter
 * chain does not run for a blocked request. Register one in code with
 * {@link FastLimitFilter#blockedHandler} or from {@code web.xml} with the {@code blocked-handler}
 * init-param, naming a class with a public no-argument constructor.
 *
 * <pre>{@code
 * new FastLimitFilter(limiter, rule).blockedHandler((request, response, decision) -> {
 *     response.setContentType("text/plain");
 *     response.getWriter().write("Slow down: retry in " + decision.retryAfterSeconds() + " s\n");
 * });
 * }</pre>
 *
 * Implementations are called concurrently and must be thread-safe.
 */
@FunctionalInterface
public interface BlockedHandler {

    /** Writes the answer for a blocked request; {@code decision} says when to come back. */
    void onBlocked(HttpServletRequest request, HttpServletResponse response, RateLimitDecision decision)
            throws IOException;
}
