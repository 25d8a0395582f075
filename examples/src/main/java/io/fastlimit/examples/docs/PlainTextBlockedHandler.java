package io.fastlimit.examples.docs;

import io.fastlimit.RateLimitDecision;
import io.fastlimit.servlet.BlockedHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

// tag::blocked-handler[]
/** Answers a blocked request in plain text; status 429 and the headers are already set. */
public final class PlainTextBlockedHandler implements BlockedHandler {

    @Override
    public void onBlocked(HttpServletRequest request, HttpServletResponse response, RateLimitDecision decision)
            throws IOException {
        response.setContentType("text/plain; charset=utf-8");
        response.getWriter().write("Slow down: retry in " + decision.retryAfterSeconds() + " s\n");
    }
}
// end::blocked-handler[]
