package io.fastlimit.examples.spring.docs;

import io.fastlimit.HeaderIdentityResolver;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.Map;

/** The API keys an application issued, as the bean a rule's header-resolver names. */
@Configuration(proxyBeanMethods = false)
public class ApiKeysConfiguration {

    /** Key to the client it was issued to; a real application asks its own key store. */
    private static final Map<String, String> CLIENT_BY_KEY = Map.of("key-acme-1", "acme", "key-acme-2", "acme");

    // tag::api-keys[]
    @Bean
    HeaderIdentityResolver apiKeys() {
        return CLIENT_BY_KEY::get;   // the client a key was issued to, or null: the request counts as its IP
    }
    // end::api-keys[]
}
