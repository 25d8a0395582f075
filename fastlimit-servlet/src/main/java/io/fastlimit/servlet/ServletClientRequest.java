package io.fastlimit.servlet;

import io.fastlimit.ClientRequest;
import io.fastlimit.UserResolution;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A servlet request as the limiter sees it. The user is resolved only if the rule asks for it, and a
 * resolver that throws makes the request anonymous instead of failing it ({@link UserResolution}).
 */
final class ServletClientRequest implements ClientRequest {

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
    public Object attribute(String name) {
        return request.getAttribute(name);
    }

    @Override
    public String user() {
        return UserResolution.userOrAnonymous(users, () -> users.resolveUser(request));
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
