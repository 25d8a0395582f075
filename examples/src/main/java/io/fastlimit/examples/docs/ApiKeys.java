package io.fastlimit.examples.docs;

import io.fastlimit.HeaderIdentityResolver;

import java.util.Map;

/** The key store of the samples in docs/rules.md and docs/jaxrs.md. */
// tag::api-keys[]
public final class ApiKeys implements HeaderIdentityResolver {

    private final Map<String, String> clientByKey;   // the keys the application issued, and to whom

    public ApiKeys(Map<String, String> clientByKey) {
        this.clientByKey = Map.copyOf(clientByKey);
    }

    /** The client {@code apiKey} was issued to, or null for a key nobody issued: the request then counts as its IP. */
    @Override
    public String clientId(String apiKey) {
        return clientByKey.get(apiKey);
    }
}
// end::api-keys[]
