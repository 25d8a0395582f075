package io.fastlimit.examples.jaxrs;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.SecurityContext;

import java.security.Principal;

/**
 * A stand-in for real authentication, for the demo only: a request with the header
 * {@code X-User: alice} is taken as signed in as {@code alice}, with no password. It runs before the
 * rate limit ({@link Priorities#AUTHENTICATION} comes before {@code AUTHORIZATION}), so
 * {@code @RateLimit(user = ...)} sees the user in the {@link SecurityContext}.
 */
@Priority(Priorities.AUTHENTICATION)
public final class DemoAuthFilter implements ContainerRequestFilter {

    /** The header naming the user. */
    public static final String USER_HEADER = "X-User";

    @Override
    public void filter(ContainerRequestContext request) {
        String user = request.getHeaderString(USER_HEADER);
        if (user == null || user.isBlank()) {
            return;
        }
        String name = user.trim();
        Principal principal = () -> name;
        SecurityContext original = request.getSecurityContext();
        request.setSecurityContext(new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return principal;
            }

            @Override
            public boolean isUserInRole(String role) {
                return false;
            }

            @Override
            public boolean isSecure() {
                return original != null && original.isSecure();
            }

            @Override
            public String getAuthenticationScheme() {
                return "X-User";
            }
        });
    }
}
