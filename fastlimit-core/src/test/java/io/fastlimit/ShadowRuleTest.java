package io.fastlimit;

import io.fastlimit.event.DecisionEvent;
import io.fastlimit.event.RateLimitListener;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/** A rule in shadow mode counts and logs, never blocks, while the rules beside it enforce. */
class ShadowRuleTest {

    private final ManualClock clock = new ManualClock();
    private final FastLimit limiter = FastLimit.builder().clock(clock).build();
    private final ClientRequest client = ClientRequest.of("203.0.113.5");

    private final RateLimitRule trial = RateLimitRule.builder("trial").ip("2/min").shadow(true).build();
    private final RateLimitRule enforced = RateLimitRule.ip("enforced", "4/min");

    @Test
    void aShadowRuleLogsWhatItWouldHaveBlockedAndLetsItThrough() {
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit")) {
            for (int i = 0; i < 5; i++) {
                RateLimitDecision decision = limiter.check(trial, client);
                assertThat(decision.allowed()).isTrue();
                assertThat(decision.wouldHaveBlocked()).isEqualTo(i >= 2);
            }
            // throttled: one message for the three requests it would have blocked within 10 s
            assertThat(logs.messages(Level.INFO)).singleElement().asString()
                    .contains("Rate limit 'trial' would have blocked", "shadow rule: let through");
        }
        assertThat(limiter.dryRun()).isFalse();
    }

    @Test
    void anEnforcedRuleBesideAShadowRuleStillBlocks() {
        int passed = 0;
        for (int i = 0; i < 6; i++) {
            if (limiter.check(List.of(trial, enforced), client).allowed()) {
                passed++;
            }
        }
        assertThat(passed).isEqualTo(4);
        assertThat(limiter.check(List.of(trial, enforced), client).ruleName()).isEqualTo("enforced");
    }

    @Test
    void shadowIsPartOfTheRuleNotOfItsBuckets() {
        RateLimitRule same = RateLimitRule.builder("trial").ip("2/min").build();
        limiter.register(trial);
        limiter.register(same); // the same buckets: no clash
        assertThat(trial.toString()).contains("shadow");
    }

    @Test
    void listenersAreToldWhatAShadowRuleWouldHaveBlocked() {
        List<DecisionEvent> events = new ArrayList<>();
        RateLimitListener listener = new RateLimitListener() {
            @Override
            public void onDecision(DecisionEvent event) {
                events.add(event);
            }
        };
        try (FastLimit listened = FastLimit.builder().clock(clock).listener(listener).build()) {
            for (int i = 0; i < 5; i++) {
                listened.check(List.of(trial, enforced), client);
            }
        }
        assertThat(events).filteredOn(event -> event.ruleName().equals("trial")).extracting(DecisionEvent::outcome)
                .containsExactly(DecisionEvent.Outcome.ALLOWED, DecisionEvent.Outcome.ALLOWED,
                        DecisionEvent.Outcome.WOULD_HAVE_BLOCKED, DecisionEvent.Outcome.WOULD_HAVE_BLOCKED,
                        DecisionEvent.Outcome.WOULD_HAVE_BLOCKED);
        assertThat(events).filteredOn(event -> event.ruleName().equals("enforced")).extracting(DecisionEvent::outcome)
                .containsExactly(DecisionEvent.Outcome.ALLOWED, DecisionEvent.Outcome.ALLOWED,
                        DecisionEvent.Outcome.ALLOWED, DecisionEvent.Outcome.ALLOWED, DecisionEvent.Outcome.BLOCKED);
    }
}
