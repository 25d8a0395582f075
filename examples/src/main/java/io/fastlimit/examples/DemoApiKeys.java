package io.fastlimit.examples;

import io.fastlimit.HeaderIdentityResolver;

import java.util.Map;

/**
 * The API keys the demo issued: {@code demo-key} and {@code partner-key}. Any other value of
 * {@code X-Api-Key} is unknown, and a request carrying it is limited as its IP address, so made-up
 * keys buy nothing. Named by {@code GET /api/key} ({@code @RateLimit(headerResolver = ...)}) and by the
 * {@code header-resolver} init-param of the web.xml webapp's {@code /reports} filter.
 */
public final class DemoApiKeys implements HeaderIdentityResolver {

    /** Key to the client it was issued to. A real application looks its keys up in its own store. */
    private static final Map<String, String> CLIENT_BY_KEY = Map.of("demo-key", "demo-client", "partner-key", "partner");

    @Override
    public String clientId(String apiKey) {
        return CLIENT_BY_KEY.get(apiKey);
    }
}
