package io.fastlimit.examples.spring.docs;

import io.fastlimit.FailurePolicy;
import io.fastlimit.FastLimit;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A limiter built in code: the starter's own backs off, and the rules of application.yml use this one. */
@Configuration(proxyBeanMethods = false)
public class OwnLimiterConfiguration {

    // tag::own-limiter[]
    @Bean(destroyMethod = "close")
    FastLimit fastLimit() {
        return FastLimit.builder()
                .keyPrefix("shop")
                .trustedProxies("10.0.0.0/8")        // your load balancers
                .failurePolicy(FailurePolicy.LOCAL)
                .build();
    }
    // end::own-limiter[]
}
