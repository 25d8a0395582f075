package io.fastlimit;

import io.fastlimit.rules.Rate;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.RuleLimits;
import io.fastlimit.rules.Scope;
import io.fastlimit.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The limits file: its format, its errors, and limits replaced while the limiter runs. */
class LimitsFileTest {

    private static final Path FILE = Path.of("limits.properties");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private FastLimit limiter;
    private final ClientRequest client = ClientRequest.of("203.0.113.5");
    private final RateLimitRule api = RateLimitRule.builder("api").ip("2/min").build();

    @AfterEach
    void close() {
        if (limiter != null) {
            limiter.close();
        }
    }

    private int passed(RateLimitRule rule, int tries) {
        int passed = 0;
        for (int i = 0; i < tries; i++) {
            if (limiter.check(rule, client).allowed()) {
                passed++;
            }
        }
        return passed;
    }

    /** A limiter reading {@code text} as its limits file, re-read only when the test says so. */
    private Path start(String text) throws IOException {
        Path file = dir.resolve("limits.properties");
        Files.writeString(file, text);
        limiter = FastLimit.builder().clock(clock).limitsFile(file).limitsFileCheckInterval(Duration.ZERO).build();
        return file;
    }

    @Test
    void everyKeyOfTheFormat() {
        Map<String, RuleLimits> limits = LimitsFile.parse(FILE, """
                # comments and blank lines are skipped

                rule.api.ip = 10/min
                rule.api.user=100/min;1000/day
                rule.api.header: 50/min
                rule.api.plan.pro=500/min
                rule.Reports.export.algorithm=token-bucket
                rule.Reports.export.shadow=yes
                """);
        assertThat(limits).containsOnlyKeys("api", "Reports.export");
        RuleLimits api = limits.get("api");
        assertThat(api.rates()).containsEntry(Scope.IP, Rate.parse("10/min"))
                .containsEntry(Scope.USER, Rate.parse("100/min;1000/day"))
                .containsEntry(Scope.HEADER, Rate.parse("50/min"));
        assertThat(api.plans()).containsEntry("pro", Rate.parse("500/min"));
        assertThat(limits.get("Reports.export").algorithm()).contains(Algorithm.TOKEN_BUCKET);
        assertThat(limits.get("Reports.export").shadow()).contains(true);
        assertThat(LimitsFile.describe(limits)).isEqualTo("api: user=100/min;1000/day, header=50/min, ip=10/min,"
                + " plan.pro=500/min; Reports.export: algorithm=token_bucket, shadow=true");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "rule.api.ip=10/lightyear            | line 2 (rule.api.ip=10/lightyear): Invalid rate '10/lightyear'",
        "rule.api.algorithm=leaky            | line 2 (rule.api.algorithm=leaky): Unknown algorithm 'leaky'",
        "rule.api.shadow=perhaps             | line 2 (rule.api.shadow=perhaps): expected true or false",
        "rule.api.ips=10/min                 | line 2 (rule.api.ips=10/min): unknown key",
        "limit.api.ip=10/min                 | line 2 (limit.api.ip=10/min): unknown key",
        "rule.api.plan.p+o=10/min            | line 2 (rule.api.plan.p+o=10/min): invalid plan name 'p+o'",
        "rule.{api}.ip=10/min                | line 2 (rule.{api}.ip=10/min): invalid rule name '{api}'",
        "rule.api.ip=                        | line 2 (rule.api.ip=): no value",
        "rule.api.ip=\\u00G1                 | line 2 (rule.api.ip=\\u00G1): a \\u escape needs four hex digits",
    })
    void aBadLineFailsTheStartNamingItsLine(String badLine, String expected) throws IOException {
        Path file = dir.resolve("limits.properties");
        Files.writeString(file, "rule.other.ip=5/min\n" + badLine + "\n");
        FastLimit.Builder builder = FastLimit.builder().limitsFile(file).limitsFileCheckInterval(Duration.ZERO);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Limits file " + file + ", " + expected);
    }

    @Test
    void aKeySetTwiceIsAnError() {
        assertThatThrownBy(() -> LimitsFile.parse(FILE, "rule.api.ip=1/min\n\nrule.api.ip=2/min\n"))
                .hasMessageContaining("line 3 (rule.api.ip=2/min): rule.api.ip is set again (first on line 1)");
    }

    @Test
    void aMissingFileFailsTheStart() {
        Path missing = dir.resolve("nowhere.properties");
        assertThatThrownBy(() -> FastLimit.builder().limitsFile(missing).build())
                .hasMessageContaining("Cannot read the limits file " + missing);
    }

    @Test
    void theFileReplacesTheDeclaredLimitsOfTheRuleItNames() throws IOException {
        start("rule.api.ip=3/min\n");
        assertThat(passed(api, 5)).isEqualTo(3);
        assertThat(limiter.replacedLimits()).containsOnlyKeys("api");
    }

    @Test
    void anEditIsAppliedWhenTheFileIsReadAgain() throws IOException {
        Path file = start("rule.api.ip=3/min\n");
        assertThat(passed(api, 5)).isEqualTo(3);

        Files.writeString(file, "rule.api.ip=6/min\n");
        assertThat(limiter.reloadLimitsFile()).isTrue();

        // the new rate counts apart: a fresh 6 (see docs/rules.md, changing a rule's rates)
        assertThat(passed(api, 10)).isEqualTo(6);
        assertThat(limiter.check(api, client).limit()).isEqualTo(6);

        Files.writeString(file, "# back to the declared limits\n");
        assertThat(limiter.reloadLimitsFile()).isTrue();
        assertThat(limiter.check(api, client).limit()).isEqualTo(2);
    }

    @Test
    void aBrokenEditKeepsTheLimitsInForceAndLogsItsLine() throws IOException {
        Path file = start("rule.api.ip=3/min\n");
        assertThat(passed(api, 1)).isEqualTo(1);
        Files.writeString(file, "rule.api.ip=30/min\nrule.api.algorithm=fastest\n");

        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit")) {
            assertThat(limiter.reloadLimitsFile()).isFalse();
            assertThat(logs.messages(Level.WARNING)).singleElement().asString()
                    .contains("line 2 (rule.api.algorithm=fastest)", "Unknown algorithm 'fastest'",
                            "the limits in force stay as they were");
        }
        assertThat(passed(api, 5)).isEqualTo(2);
        assertThat(limiter.check(api, client).limit()).isEqualTo(3);
    }

    @Test
    void anEditThatDoesNotFitADeclaredRuleKeepsTheLimitsInForce() throws IOException {
        Path file = start("rule.api.ip=3/min\n");
        limiter.register(RateLimitRule.builder("api").ip("2/min").build());
        Files.writeString(file, "rule.api.ip=4/min\nrule.api.header=10/min\n");

        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit")) {
            assertThat(limiter.reloadLimitsFile()).isFalse();
            assertThat(logs.messages(Level.WARNING)).singleElement().asString()
                    .contains("rule 'api'", "has no header rate to replace");
        }
        assertThat(limiter.check(api, client).limit()).isEqualTo(3);
    }

    @Test
    void rulesTheLimiterHasNotSeenAreReportedOnce() throws IOException {
        start("rule.api.ip=3/min\nrule.ap1.ip=5/min\n");
        limiter.register(api);
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit")) {
            limiter.reloadLimitsFile();
            limiter.reloadLimitsFile();
            assertThat(logs.messages(Level.WARNING)).singleElement().asString()
                    .contains("names rules this limiter has not seen: [ap1]");
        }
    }

    @Test
    void limitsThatDoNotFitARuleSeenLaterLeaveItsDeclaredLimits() throws IOException {
        start("rule.api.user=3/min\n");
        try (RecordedLogs logs = RecordedLogs.of("io.fastlimit")) {
            assertThat(passed(api, 5)).isEqualTo(2);
            assertThat(logs.messages(Level.WARNING)).singleElement().asString()
                    .contains("New limits for rule 'api' (user=3/min) do not fit it", "declared limits apply");
        }
    }

    @Test
    void theEnvironmentNamesTheFile() throws IOException {
        Path file = dir.resolve("env.properties");
        Files.writeString(file, "rule.api.ip=4/min\n");
        limiter = FastLimit.builder().env(Map.of("FASTLIMIT_LIMITS_FILE", file.toString()))
                .limitsFileCheckInterval(Duration.ZERO).build();
        assertThat(limiter.limitsFile()).contains(file);
        assertThat(passed(api, 5)).isEqualTo(4);
    }

    @Test
    void reloadingWithoutAFileIsAnError() {
        limiter = FastLimit.builder().build();
        assertThatThrownBy(limiter::reloadLimitsFile).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FASTLIMIT_LIMITS_FILE");
    }
}
