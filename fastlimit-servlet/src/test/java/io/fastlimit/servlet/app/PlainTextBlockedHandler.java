package io.fastlimit.servlet.app;

import io.fastlimit.RateLimitDecision;
import io.fastlimit.servlet.BlockedHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** Answers a blocked request in plain text, with status 503 instead of 429. */
public class PlainTextBlockedHandler implements BlockedHandler {

    @Override
    public void onBlocked(HttpServletRequest request, HttpServletResponse response, RateLimitDecision decision)
            throws IOException {
        response.setStatus(503);
        response.setContentType("text/plain");
        response.getWriter().write("busy, retry in " + decision.retryAfterSeconds() + "s");
    }
}
