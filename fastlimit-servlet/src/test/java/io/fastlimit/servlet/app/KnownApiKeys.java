package io.fastlimit.servlet.app;

import io.fastlimit.HeaderIdentityResolver;

import java.util.Map;

/**
 * The API keys the test application issued, each to a client; any other value is unknown, and
 * {@code key-throw} makes the resolver fail, to test what the filter does with that.
 */
public class KnownApiKeys implements HeaderIdentityResolver {

    /** Key to the client it was issued to; {@code key-a2} is a second key of the client of {@code key-a}. */
    public static final Map<String, String> ISSUED = Map.of(
            "key-a", "acme", "key-a2", "acme", "key-b", "globex", "k1", "client-1", "k2", "client-2", "k-1", "client-1");

    @Override
    public String clientId(String headerValue) {
        if ("key-throw".equals(headerValue)) {
            throw new IllegalStateException("key store failure on purpose");
        }
        return ISSUED.get(headerValue);
    }
}
