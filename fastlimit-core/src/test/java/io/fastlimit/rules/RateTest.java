package io.fastlimit.rules;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateTest {

    @ParameterizedTest
    @CsvSource({
            "10/min, 10, 60000",
            "3/5min, 3, 300000",
            "10/2hours, 10, 7200000",
            "100/hour, 100, 3600000",
            "1000/day, 1000, 86400000",
            "5/s, 5, 1000",
            "250/500ms, 250, 500",
            "1/sec, 1, 1000",
            "1/second, 1, 1000",
            "2/seconds, 2, 1000",
            "1/m, 1, 60000",
            "1/minute, 1, 60000",
            "1/minutes, 1, 60000",
            "1/h, 1, 3600000",
            "1/hr, 1, 3600000",
            "1/hours, 1, 3600000",
            "1/d, 1, 86400000",
            "1/day, 1, 86400000",
            "1/days, 1, 86400000",
            "7/3d, 7, 259200000",
            "' 10 / MIN ', 10, 60000",
            "10/Min, 10, 60000",
            "10 / 5 Minutes, 10, 300000",
            "10/secs, 10, 1000",
            "10/mins, 10, 60000",
            "10/5mins, 10, 300000",
            "10/hrs, 10, 3600000",
            "10/2hrs, 10, 7200000",
    })
    void parsesEveryAcceptedSpelling(String spec, long limit, long windowMs) {
        List<Rate> rates = Rate.parse(spec);
        assertThat(rates).containsExactly(new Rate(limit, Duration.ofMillis(windowMs)));
    }

    @Test
    void parsesSeveralRatesInOrder() {
        assertThat(Rate.parse("10/s;500/hour")).containsExactly(
                new Rate(10, Duration.ofSeconds(1)), new Rate(500, Duration.ofHours(1)));
        assertThat(Rate.parse(" 10/s ; 500/hour ; 1000/day ")).hasSize(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10/s;10/s", "10/s;20/1000ms", "5/min;10/min;100/hour", "1/day;2/24h"})
    void refusesTwoRatesOfTheSameWindow(String spec) {
        assertThatThrownBy(() -> Rate.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + spec + "'")
                .hasMessageContaining("same window");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10/lightyear", "0/min", "-1/s", "ten/min", "", " ", "10", "10/", "/min", "10/0min",
            "10/min;", ";10/min", "10//min", "10/min/s", "99999999999999999999/min", "10/99999999999999999999s",
            "2000000000/s", "1/367days", "1.5/min", "10/1.5min", "１０/min", "10/mín", "10;min", "10/-5min"})
    void rejectsWhatIsNotARateWithAMessageQuotingIt(String spec) {
        assertThatThrownBy(() -> Rate.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + spec + "'");
    }

    @Test
    void messageSaysWhatIsAccepted() {
        assertThatThrownBy(() -> Rate.parse("10/lightyear"))
                .hasMessageContaining("10/min").hasMessageContaining("hour");
    }

    @Test
    void nullIsRejected() {
        assertThatThrownBy(() -> Rate.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void printsAsARateString() {
        assertThat(Rate.parse("3/5min").get(0)).hasToString("3/5min");
        assertThat(Rate.parse("250/500ms").get(0)).hasToString("250/500ms");
        assertThat(Rate.parse("10/hour").get(0)).hasToString("10/hour");
        assertThat(Rate.parse("10/2d").get(0)).hasToString("10/2day");
    }

    @Test
    void bucketConfigValidatesOnConstruction() {
        assertThatThrownBy(() -> new BucketConfig(0, Duration.ofMinutes(1), io.fastlimit.Algorithm.FIXED_WINDOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> new BucketConfig(5, Duration.ZERO, io.fastlimit.Algorithm.FIXED_WINDOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> new BucketConfig(5, Duration.ofNanos(1500), io.fastlimit.Algorithm.FIXED_WINDOW))
                .isInstanceOf(IllegalArgumentException.class);
        BucketConfig ok = new BucketConfig(5, Duration.ofSeconds(2), io.fastlimit.Algorithm.TOKEN_BUCKET);
        assertThat(ok.windowMillis()).isEqualTo(2000);
        assertThat(ok).isEqualTo(BucketConfig.of(new Rate(5, Duration.ofSeconds(2)), io.fastlimit.Algorithm.TOKEN_BUCKET));
    }
}
