package io.fastlimit.jaxrs;

import io.fastlimit.ClientRequest;

import jakarta.ws.rs.container.ContainerRequestContext;

import java.util.List;

/** A JAX-RS request as the limiter sees it; user and peer address are looked up once, when asked. */
final class ContainerClientRequest implements ClientRequest {

    private final ContainerRequestContext request;
    private final RateLimitFilter filter;
    private String user;
    private boolean userKnown;
    private String remoteAddress;
    private boolean remoteAddressKnown;

    ContainerClientRequest(ContainerRequestContext request, RateLimitFilter filter) {
        this.request = request;
        this.filter = filter;
    }

    @Override
    public String remoteAddress() {
        if (!remoteAddressKnown) {
            remoteAddress = filter.remoteAddress(request);
            remoteAddressKnown = true;
        }
        return remoteAddress;
    }

    @Override
    public String header(String name) {
        return request.getHeaders().getFirst(name);
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = request.getHeaders().get(name);
        return values == null ? List.of() : values;
    }

    @Override
    public Object attribute(String name) {
        return request.getProperty(name);
    }

    @Override
    public String user() {
        if (!userKnown) {
            user = filter.user(request);
            userKnown = true;
        }
        return user;
    }
}
