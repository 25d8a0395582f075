package io.fastlimit.servlet;

import io.fastlimit.ClientRequest;
import jakarta.servlet.http.HttpServletRequest;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A servlet request as the limiter sees it. The user is resolved only if the rule asks for it, and a
 * resolver that throws makes the request anonymous instead of failing it.
 */
final class ServletClientRequest implements ClientRequest {

    private static final Logger LOG = System.getLogger(FastLimitFilter.class.getName());

    /** A failing user resolver is logged at most this often, so a bad request pattern cannot flood the log. */
    private static final long LOG_INTERVAL_MS = 10_000;

    private static final AtomicLong lastResolverLogMs = new AtomicLong(Long.MIN_VALUE / 2);

    private final HttpServletRequest request;
    private final UserResolver users;

    ServletClientRequest(HttpServletRequest request, UserResolver users) {
        this.request = request;
        this.users = users;
    }

    @Override
    public String remoteAddress() {
        return request.getRemoteAddr();
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public List<String> headers(String name) {
        Enumeration<String> values = request.getHeaders(name);
        return values == null ? List.of() : Collections.list(values);
    }

    @Override
    public String user() {
        try {
            return users.resolveUser(request);
        } catch (RuntimeException e) {
            long nowMs = System.currentTimeMillis();
            long last = lastResolverLogMs.get();
            if (nowMs - last >= LOG_INTERVAL_MS && lastResolverLogMs.compareAndSet(last, nowMs)) {
                LOG.log(Level.WARNING, "User resolver " + users.getClass().getName()
                        + " failed; the request is limited as anonymous", e);
            }
            return null;
        }
    }

    /** {@link HttpServletRequest#getUserPrincipal()}'s name: the default. */
    static String principal(HttpServletRequest request) {
        java.security.Principal principal = request.getUserPrincipal();
        return principal == null ? null : principal.getName();
    }

    /** The value of request attribute {@code name}, or else the principal. */
    static UserResolver attributeThenPrincipal(String name) {
        return request -> {
            Object value = request.getAttribute(name);
            if (value instanceof java.security.Principal principal) {
                return principal.getName();
            }
            if (value != null) {
                String id = value.toString();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            return principal(request);
        };
    }
}
