package io.fastlimit.examples.docs;

import io.fastlimit.FastLimit;
import io.fastlimit.PlanResolver;
import io.fastlimit.jaxrs.FastLimitFeature;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.RuleLimits;

import java.nio.file.Path;
import java.util.Map;
import org.glassfish.jersey.server.ResourceConfig;

/** The samples of docs/rules.md on plans and shadow rules, and of docs/configuration.md on the limits file. */
public final class PlanSamples {

    private PlanSamples() {
    }

    /** {@code apiKeys} knows the keys we issued; {@code planOfKey} the plan each is on. */
    static RateLimitRule plans(ApiKeys apiKeys, Map<String, String> planOfKey) {
        // tag::plans[]
        RateLimitRule api = RateLimitRule.builder("api")
                .header("X-Api-Key", "100/hour").headerResolver(apiKeys)    // keys on no plan
                .plan("pro", "10000/hour;500/min")                           // keys on the pro plan
                .plan("team", "50000/hour;2000/min")
                .planResolver(PlanResolver.fromHeader("X-Api-Key", planOfKey::get))   // looked up, never as sent
                .ip("20/min")                                                // requests without a known key
                .build();
        // end::plans[]
        return api;
    }

    static RateLimitRule planFromAttribute() {
        // tag::plan-attribute[]
        RateLimitRule members = RateLimitRule.builder("members")
                .user("100/hour")
                .plan("premium", "5000/hour")
                .planResolver(PlanResolver.fromAttribute("plan"))   // set by your authentication filter
                .build();
        // end::plan-attribute[]
        return members;
    }

    static RateLimitRule shadow() {
        // tag::shadow[]
        RateLimitRule search = RateLimitRule.builder("search")
                .ip("30/min")
                .shadow(true)        // counted, "would have blocked" logged, never blocking
                .build();
        // end::shadow[]
        return search;
    }

    static FastLimit withLimitsFile(Path file) {
        // tag::limits-file[]
        FastLimit limiter = FastLimit.builder()
                .limitsFile(file)    // or the limits-file setting, or FASTLIMIT_LIMITS_FILE
                .build();            // a missing or bad file fails here, naming the line
        // end::limits-file[]
        return limiter;
    }

    static void replace(FastLimit limiter) {
        // tag::replace-limits[]
        limiter.replaceLimits("api", RuleLimits.builder()
                .ip("50/min")
                .plan("pro", "20000/hour;1000/min")
                .build());
        limiter.replaceLimits("api", RuleLimits.NONE);   // back to the limits declared in code
        // end::replace-limits[]
    }

    /** The Jersey application of {@link PlanReports}, whose plans {@code planOfKey} tells apart. */
    public static ResourceConfig planApplication(FastLimit limiter, Map<String, String> planOfKey) {
        // tag::register-plans[]
        ResourceConfig app = new ResourceConfig(PlanReports.class)
                .register(new FastLimitFeature(limiter)
                        .withPlanResolver(PlanResolver.fromHeader("X-Api-Key", planOfKey::get)));
        // end::register-plans[]
        return app;
    }
}
