package io.fastlimit.backends;

import io.fastlimit.FastLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendUrlsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "redis://host:6379 | redis://host:6379",
            "redis://:secret@host:6379/0 | redis://:***@host:6379/0",
            "redis://user:secret@host:6379 | redis://user:***@host:6379",
            "redis://secret@host:6379 | redis://***@host:6379",
            "rediss://:s3cr@t:x@host:6380 | rediss://:***@host:6380",
            "redis://:secret@h1:7000,h2:7001,h3:7002 | redis://:***@h1:7000,h2:7001,h3:7002",
            "redis-sentinel://:secret@s1:26379,s2:26379/mymaster/0 | redis-sentinel://:***@s1:26379,s2:26379/mymaster/0",
            "rediss://host:6380?sslTruststore=/t.p12&sslTruststorePassword=changeit | rediss://host:6380?sslTruststore=/t.p12&sslTruststorePassword=***",
            "rediss://:pw@host:6380?sslTruststorePassword=changeit&sslVerifyHostname=false | rediss://:***@host:6380?sslTruststorePassword=***&sslVerifyHostname=false",
            "not a url | not a url",
    })
    void redactHidesEveryPassword(String url, String shown) {
        assertThat(BackendUrls.redact(url)).isEqualTo(shown);
    }

    @Test
    void aRedisUrlWithoutTheRedisModuleNamesTheArtifactToAdd() {
        // fastlimit-redis is not on this module's class path
        FastLimit.Builder builder = FastLimit.builder().redisUrl("redis://:secret@localhost:6379");
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("io.fastlimit:fastlimit-redis")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aSchemeNoBackendClaimsIsRefusedByName() {
        assertThatThrownBy(() -> FastLimit.builder().redisUrl("memcached://:secret@cache:11211").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'memcached'")
                .hasMessageNotContaining("secret");
    }
}
