package io.fastlimit.examples.docs;

import io.fastlimit.Algorithm;
import io.fastlimit.FailurePolicy;
import io.fastlimit.FastLimit;
import io.fastlimit.HeaderStyle;

import java.time.Clock;
import java.util.Map;

/** The samples of docs/configuration.md. */
public final class ConfigurationSamples {

    private ConfigurationSamples() {
    }

    static FastLimit fromEnv() {
        // tag::from-env[]
        FastLimit limiter = FastLimit.fromEnv();   // FASTLIMIT_* variables; defaults for the others
        // end::from-env[]
        return limiter;
    }

    static FastLimit envThenCode(Map<String, String> env) {
        // tag::env-map[]
        FastLimit limiter = FastLimit.builder()
                .keyPrefix("shop")                 // a default the environment may override
                .env(env)                          // System.getenv(), or a map in tests
                .build();
        // end::env-map[]
        return limiter;
    }

    static FastLimit everyOption() {
        // tag::every-option[]
        FastLimit limiter = FastLimit.builder()
                .algorithm(Algorithm.SLIDING_WINDOW)     // rules that name none; default SLIDING_WINDOW
                .keyPrefix("fastlimit")                  // first part of every key; default "fastlimit"
                .headers(HeaderStyle.xRateLimit())       // default X-RateLimit-*; ietf(), custom(...), none()
                .dryRun(false)                           // count and log, never block; default false
                .exemptIps("10.0.0.0/8")                 // never limited; default none
                .trustedProxies(0)                       // proxies of ours in front, or their addresses; default 0
                .clientIpHeader("X-Forwarded-For")       // or "Forwarded"; default X-Forwarded-For
                .ipv6Prefix(64)                          // an IPv6 client is its network; default 64
                .failurePolicy(FailurePolicy.LOCAL)      // when the backend fails; default LOCAL
                .clock(Clock.systemUTC())                // time of the memory backend and headers
                .build();                                // backend(...) or redisUrl(...): default memory
        // end::every-option[]
        return limiter;
    }
}
