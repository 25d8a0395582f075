package io.fastlimit.examples.docs;

import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.rules.Rate;
import io.fastlimit.rules.RateLimitRule;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What docs/rules.md says of rules and rate strings. */
class RuleSamplesTest {

    private final FastLimit limiter = FastLimit.builder().build();

    @Test
    void rateStringsParseAsTheGuideSays() {
        assertThat(RuleSamples.parse()).containsExactly(new Rate(10, Duration.ofSeconds(1)), new Rate(500, Duration.ofHours(1)));
        assertThat(Rate.parse("3/5min")).containsExactly(new Rate(3, Duration.ofMinutes(5)));
        assertThat(Rate.parse("250/500ms")).containsExactly(new Rate(250, Duration.ofMillis(500)));
        assertThat(Rate.parse(" 10 / 2 Hours ")).containsExactly(new Rate(10, Duration.ofHours(2)));
        assertThat(RuleSamples.search().rates(io.fastlimit.rules.Scope.IP)).containsExactly(new Rate(30, Duration.ofSeconds(10)));
        assertThatThrownBy(() -> Rate.parse("10/lightyear")).hasMessageStartingWith("Invalid rate '10/lightyear'");
        assertThatThrownBy(() -> RateLimitRule.builder("export").user("5/min").cost(10).build())
                .hasMessageContaining("Invalid cost 10 for rule 'export'");
    }

    @Test
    void theMostSpecificIdentityPresentWins() {
        RateLimitRule login = RuleSamples.login();
        assertThat(limiter.check(login, ClientRequest.of("203.0.113.7", Map.of(), "alice")).limit()).isEqualTo(20);
        assertThat(limiter.check(login, ClientRequest.of("203.0.113.7")).limit()).isEqualTo(5);

        RateLimitRule partners = RuleSamples.partnerApi(new ApiKeys(Map.of("k-1", "acme")));
        ClientRequest withKey = ClientRequest.of("203.0.113.7", Map.of("X-Api-Key", List.of("k-1")), null);
        assertThat(limiter.check(partners, withKey).limit()).isEqualTo(1000);
        assertThat(limiter.check(partners, ClientRequest.of("203.0.113.7")).limit()).isEqualTo(10);
        ClientRequest madeUp = ClientRequest.of("203.0.113.7", Map.of("X-Api-Key", List.of("k-2")), null);
        assertThat(limiter.check(partners, madeUp).limit()).as("a key nobody issued is the IP").isEqualTo(10);
    }

    @Test
    void madeUpKeysCountAsTheAddressAndACeilingCapsEveryone() {
        ApiKeys apiKeys = new ApiKeys(Map.of("k-1", "acme"));
        RateLimitRule partners = RuleSamples.partnerApi(apiKeys);
        int passed = 0;
        for (int i = 0; i < 100; i++) {
            ClientRequest madeUp = ClientRequest.of("203.0.113.8", Map.of("X-Api-Key", List.of("made-up-" + i)), null);
            passed += limiter.check(partners, madeUp).allowed() ? 1 : 0;
        }
        assertThat(passed).isEqualTo(10);

        RateLimitRule tenants = RuleSamples.behindGateway();
        for (int i = 0; i < 3; i++) {
            ClientRequest tenant = ClientRequest.of("10.0.0.2", Map.of("X-Tenant-Id", List.of("tenant-" + i)), null);
            assertThat(limiter.check(tenants, tenant).remaining()).as("each tenant its own bucket").isEqualTo(4999);
        }

        RateLimitRule signup = RuleSamples.withIpCeiling(apiKeys);
        ClientRequest alice = ClientRequest.of("203.0.113.9", Map.of(), "alice");
        assertThat(limiter.check(signup, alice).limit()).as("the tighter: 19 left of alice's 20").isEqualTo(20);
        for (int i = 0; i < 29; i++) {
            limiter.check(signup, ClientRequest.of("203.0.113.9", Map.of("X-Api-Key", List.of("k-1")), null));
        }
        assertThat(limiter.check(signup, alice).allowed()).isFalse();
    }

    @Test
    void severalRatesOfOneScopeAllConsumeOrNoneDoes() {
        RateLimitRule login = RuleSamples.login();
        ClientRequest alice = ClientRequest.of("203.0.113.7", Map.of(), "alice");
        for (int i = 0; i < 20; i++) {
            limiter.check(login, alice);
        }
        RateLimitDecision blocked = limiter.check(login, alice);
        assertThat(blocked.allowed()).isFalse();
        assertThat(blocked.limit()).isEqualTo(20);
    }

    @Test
    void costAndAlgorithmBelongToTheRule() {
        RateLimitRule export = RuleSamples.export();
        ClientRequest alice = ClientRequest.of("203.0.113.7", Map.of(), "alice");
        assertThat(limiter.check(export, alice).remaining()).isEqualTo(90);
    }

    @Test
    void severalRulesReportTheMostRestrictive() {
        RateLimitDecision decision = RuleSamples.severalRules(limiter, ClientRequest.of("203.0.113.7"));
        assertThat(decision.ruleName()).isEqualTo("upload");
        assertThat(decision.limit()).isEqualTo(2);
    }

    @Test
    void aRequestRefusedAfterItsCheckGivesItsUnitsBack() {
        RateLimitRule upload = RateLimitRule.ip("upload", "2/hour");
        ClientRequest client = ClientRequest.of("203.0.113.8");
        for (int i = 0; i < 5; i++) {
            assertThat(RuleSamples.storeUpload(limiter, upload, client, () -> false)).as("storage full").isFalse();
        }
        assertThat(RuleSamples.storeUpload(limiter, upload, client, () -> true)).isTrue();
        assertThat(RuleSamples.storeUpload(limiter, upload, client, () -> true)).as("the refused ones did not count").isTrue();
        assertThat(RuleSamples.storeUpload(limiter, upload, client, () -> true)).as("2/hour spent").isFalse();
    }
}
