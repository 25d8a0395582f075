package io.fastlimit.servlet;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Tells {@link FastLimitFilter} who sent a request, for rules with a {@code user} rate.
 *
 * <p>By default the filter asks {@link HttpServletRequest#getUserPrincipal()}; a resolver replaces
 * that, for applications whose authentication does not go through the container (a JWT read by a
 * filter of their own, say). Register one in code with {@link FastLimitFilter#userResolver} or from
 * {@code web.xml} with the {@code user-resolver} init-param, naming a class with a public no-argument
 * constructor.
 *
 * <pre>{@code
 * public final class ApiTokenUsers implements UserResolver {
 *     public String resolveUser(HttpServletRequest request) {
 *         Token token = (Token) request.getAttribute("auth.token");
 *         return token == null ? null : token.subject();
 *     }
 * }
 * }</pre>
 *
 * Implementations are called concurrently and must be thread-safe. An exception thrown here does not
 * fail the request: it is logged and the request is treated as anonymous.
 */
@FunctionalInterface
public interface UserResolver {

    /**
     * The stable id of the authenticated user (not a display name that may change), or {@code null}
     * or an empty string for an anonymous request, which is then keyed by header or IP instead.
     */
    String resolveUser(HttpServletRequest request);
}
