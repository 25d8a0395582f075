package io.fastlimit.examples.docs;

import io.fastlimit.Algorithm;
import io.fastlimit.ClientRequest;
import io.fastlimit.Consumption;
import io.fastlimit.FastLimit;
import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.rules.Rate;
import io.fastlimit.rules.RateLimitRule;

import java.util.List;
import java.util.function.BooleanSupplier;

/** The samples of docs/rules.md. */
public final class RuleSamples {

    private RuleSamples() {
    }

    static RateLimitRule login() {
        // tag::login[]
        RateLimitRule login = RateLimitRule.builder("login")
                .ip("5/min")                 // anonymous clients, per IP address
                .user("20/min;100/day")      // signed-in users, per user id: both rates must hold
                .build();
        // end::login[]
        return login;
    }

    static RateLimitRule search() {
        // tag::ip-only[]
        RateLimitRule search = RateLimitRule.ip("search", "30/10s");
        // end::ip-only[]
        return search;
    }

    static RateLimitRule partnerApi(ApiKeys apiKeys) {
        // tag::api-key[]
        RateLimitRule partners = RateLimitRule.builder("partners")
                .header("X-Api-Key", "1000/hour")   // per API key we issued
                .headerResolver(apiKeys)             // which keys are genuine, and whose
                .ip("10/min")                        // requests without a known key, per IP
                .build();
        // end::api-key[]
        return partners;
    }

    static RateLimitRule behindGateway() {
        // tag::trust-gateway[]
        RateLimitRule tenants = RateLimitRule.builder("tenants")
                .header("X-Tenant-Id", "5000/hour")
                .headerResolver(HeaderIdentityResolver.trustAny())   // set by our gateway once it authenticated the caller
                .build();
        // end::trust-gateway[]
        return tenants;
    }

    static RateLimitRule withIpCeiling(ApiKeys apiKeys) {
        // tag::ip-ceiling[]
        RateLimitRule signup = RateLimitRule.builder("signup")
                .user("20/hour")
                .header("X-Api-Key", "100/hour").headerResolver(apiKeys)
                .ip("30/hour")
                .ipCeiling(true)                     // at most 30 an hour from one address, whoever asks
                .build();
        // end::ip-ceiling[]
        return signup;
    }

    static RateLimitRule export() {
        // tag::cost-algorithm[]
        RateLimitRule export = RateLimitRule.builder("export")
                .user("100/hour")
                .cost(10)                              // each export uses 10 of the 100
                .algorithm(Algorithm.TOKEN_BUCKET)     // this rule only; others use the limiter's
                .build();
        // end::cost-algorithm[]
        return export;
    }

    static List<Rate> parse() {
        // tag::parse[]
        List<Rate> rates = Rate.parse("10/s;500/hour");
        Rate first = rates.get(0);   // limit() 10, window() PT1S, windowMillis() 1000
        // end::parse[]
        return List.of(first, rates.get(1));
    }

    static RateLimitDecision severalRules(FastLimit limiter, ClientRequest request) {
        // tag::several-rules[]
        RateLimitRule global = RateLimitRule.ip("global", "1000/min");
        RateLimitRule upload = RateLimitRule.builder("upload").user("10/hour").ip("2/hour").build();
        RateLimitDecision decision = limiter.check(List.of(upload, global), request);
        // end::several-rules[]
        return decision;
    }

    /** Counts an upload against {@code upload} only when {@code storage} takes it. */
    static boolean storeUpload(FastLimit limiter, RateLimitRule upload, ClientRequest request, BooleanSupplier storage) {
        // tag::give-back[]
        Consumption consumption = limiter.acquire(upload, request);
        boolean stored = consumption.decision().allowed() && storage.getAsBoolean();
        if (!stored) {
            consumption.giveBack();   // refused after all: the request does not count against the rule
        }
        // end::give-back[]
        return stored;
    }
}
