package io.fastlimit.jaxrs;

import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * Finds the authenticated user of a request, whose id keys the {@link RateLimit#user() user} bucket.
 * The default takes the name of {@link jakarta.ws.rs.core.SecurityContext#getUserPrincipal()}.
 *
 * <pre>{@code
 * new FastLimitFeature(limiter).withUserResolver(request -> request.getHeaderString("X-Tenant-User"))
 * }</pre>
 *
 * <p>Called from a request filter that runs after authentication filters; must be thread-safe.
 */
@FunctionalInterface
public interface UserResolver {

    /** The stable id of the user who sent {@code request}, or {@code null} (or empty) for an anonymous one. */
    String resolveUser(ContainerRequestContext request);

    /** The name of the request's {@link jakarta.ws.rs.core.SecurityContext#getUserPrincipal() user principal}. */
    static UserResolver securityContext() {
        return request -> {
            var security = request.getSecurityContext();
            var principal = security == null ? null : security.getUserPrincipal();
            return principal == null ? null : principal.getName();
        };
    }
}
