package io.fastlimit.examples.docs;

import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitStatus;
import io.fastlimit.event.DecisionEvent;
import io.fastlimit.event.FailurePolicyEvent;
import io.fastlimit.event.RateLimitListener;
import io.fastlimit.micrometer.FastLimitMetrics;
import io.fastlimit.rules.RateLimitRule;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Map;
import java.util.function.Consumer;

/** The samples of docs/observability.md. */
public final class ObservabilitySamples {

    private ObservabilitySamples() {
    }

    // tag::listener[]
    /** Writes one audit line per blocked request, and one per check the failure policy answered. */
    public static final class AuditListener implements RateLimitListener {

        private final Consumer<String> audit;

        public AuditListener(Consumer<String> audit) {
            this.audit = audit;
        }

        @Override
        public void onDecision(DecisionEvent event) {
            if (event.outcome() == DecisionEvent.Outcome.BLOCKED) {
                audit.accept("blocked " + event.key() + " by rule " + event.ruleName()); // the key names the client: logs only
            }
        }

        @Override
        public void onFailurePolicy(FailurePolicyEvent event) {
            audit.accept("backend failed (" + event.causeType() + "); policy " + event.policy() + " answered");
        }
    }
    // end::listener[]

    static FastLimit withListener(Consumer<String> audit) {
        // tag::register[]
        FastLimit limiter = FastLimit.builder()
                .listener(new AuditListener(audit))   // several listeners are told in the order added
                .build();
        // end::register[]
        return limiter;
    }

    static FastLimitMetrics bind(MeterRegistry registry, FastLimit limiter) {
        // tag::bind[]
        FastLimitMetrics.bindTo(registry, limiter);   // adds a listener to the limiter, built or not
        // end::bind[]
        return new FastLimitMetrics(limiter);
    }

    static void bindSeveral(MeterRegistry registry, FastLimit publicApi, FastLimit partners) {
        // tag::bind-tagged[]
        new FastLimitMetrics(publicApi, Tags.of("limiter", "public")).bindTo(registry);  // a MeterBinder, too
        new FastLimitMetrics(partners, Tags.of("limiter", "partners")).bindTo(registry);
        // end::bind-tagged[]
    }

    static String standing(FastLimit limiter, String remoteAddr, String userId) {
        // tag::peek[]
        RateLimitRule api = RateLimitRule.builder("api").ip("100/min").user("1000/min").build();
        RateLimitStatus status = limiter.peek(api, ClientRequest.of(remoteAddr, Map.of(), userId));  // spends nothing
        String json = !status.limited() ? "{\"limited\": false}"                                      // an exempt client
                : "{\"scope\": \"" + status.scope().keyPart() + "\", \"limit\": " + status.limit()
                        + ", \"remaining\": " + status.remaining() + ", \"reset\": " + status.resetEpochSeconds() + "}";
        // end::peek[]
        return json;
    }
}
