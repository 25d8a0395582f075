package io.fastlimit.examples.docs;

import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.FastLimitSettings;
import io.fastlimit.rules.RateLimitRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What docs/rules.md says of plans and shadow rules, and docs/configuration.md of the limits file. */
class PlanSamplesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private final FastLimit limiter = FastLimit.builder().build();

    private static ClientRequest withKey(String key) {
        return ClientRequest.of("203.0.113.7", Map.of("X-Api-Key", List.of(key)), null);
    }

    @Test
    void aCallerOnAPlanGetsItsRatesAndAnyOtherTheDefaultOnes() {
        RateLimitRule api = PlanSamples.plans(new ApiKeys(Map.of("k-pro", "acme", "k-free", "globex")),
                Map.of("k-pro", "pro"));
        assertThat(limiter.check(api, withKey("k-pro")).limit()).isEqualTo(500);       // the tightest pro rate
        assertThat(limiter.check(api, withKey("k-free")).limit()).isEqualTo(100);      // on no plan
        assertThat(limiter.check(api, withKey("pro")).limit()).isEqualTo(20);          // nobody issued it: the IP
    }

    @Test
    void aPlanFromAnAttributeAndAShadowRule() {
        RateLimitRule members = PlanSamples.planFromAttribute();
        assertThat(members.plans()).containsOnlyKeys("premium");
        RateLimitRule search = PlanSamples.shadow();
        for (int i = 0; i < 40; i++) {
            assertThat(limiter.check(search, ClientRequest.of("203.0.113.7")).allowed()).isTrue();
        }
        assertThat(limiter.check(search, ClientRequest.of("203.0.113.7")).wouldHaveBlocked()).isTrue();
    }

    @Test
    void replacedLimitsGoBackToTheDeclaredOnes() {
        RateLimitRule api = PlanSamples.plans(new ApiKeys(Map.of("k-pro", "acme")), Map.of("k-pro", "pro"));
        limiter.register(api);
        PlanSamples.replace(limiter);
        assertThat(limiter.replacedLimits()).isEmpty();
        assertThat(limiter.check(api, withKey("k-pro")).limit()).isEqualTo(500);
    }

    @Test
    void theLimitsFileOfTheGuideParsesAndApplies(@TempDir Path dir) throws Exception {
        String guide = Files.readString(ROOT.resolve("docs/configuration.md"));
        int start = guide.indexOf("```properties\n") + "```properties\n".length();
        Path file = dir.resolve("limits.properties");
        Files.writeString(file, guide.substring(start, guide.indexOf("```", start)));
        try (FastLimit fromFile = PlanSamples.withLimitsFile(file)) {
            assertThat(fromFile.replacedLimits()).containsOnlyKeys("api", "Reports.export", "search");
            assertThat(fromFile.replacedLimits().get("api")).hasToString("ip=50/min, plan.pro=20000/hour;1000/min");
        }
    }

    @Test
    void theConfigurationReferenceListsEverySetting() throws Exception {
        String reference = Files.readString(ROOT.resolve("docs/configuration.md"));
        String servlet = Files.readString(ROOT.resolve("docs/servlet.md"));
        for (String name : FastLimitSettings.NAMES) {
            assertThat(reference).as(name).contains("| `" + FastLimitSettings.envVariable(name) + "` |")
                    .contains("| `fastlimit." + name + "` |");
            assertThat(servlet).as(name).contains("| `fastlimit." + name + "` |");
        }
    }

    @Test
    void theDemoLimitsFileParses() {
        try (FastLimit demo = FastLimit.builder().limitsFile(ROOT.resolve("examples/limits.properties"))
                .limitsFileCheckInterval(Duration.ZERO).build()) {
            assertThat(demo.replacedLimits()).containsOnlyKeys("plan");
        }
    }
}
