package io.fastlimit.jaxrs;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;

/**
 * Copies the peer address of the servlet request into the request property {@link #PROPERTY}, for
 * {@link RateLimitFilter}. JAX-RS injects {@code HttpServletRequest} only into providers it creates
 * itself, so this one is registered as a class, beside each rate-limit filter, and runs just before it.
 * Loaded only when the servlet API is on the class path.
 *
 * <p>Not API: public, with a public constructor, only because the JAX-RS implementation creates it,
 * and not every implementation reaches past Java's access checks to do so (RESTEasy does not).
 */
public final class ServletPeerAddress implements ContainerRequestFilter {

    static final String PROPERTY = "io.fastlimit.jaxrs.peerAddress";

    /** A proxy to the current request; {@code null} off a servlet container. */
    @Context
    private HttpServletRequest servletRequest;

    public ServletPeerAddress() {
    }

    @Override
    public void filter(ContainerRequestContext request) {
        HttpServletRequest current = servletRequest;
        if (current != null) {
            try {
                request.setProperty(PROPERTY, current.getRemoteAddr());
            } catch (RuntimeException notOnAServletContainer) {
                // a runtime that injected a proxy, but serves this request without a servlet container
            }
        }
    }

    /** The address the filter found, or {@code null}. */
    static String of(ContainerRequestContext request) {
        return request.getProperty(PROPERTY) instanceof String address ? address : null;
    }
}
