package io.fastlimit.backends.redis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisUrlTest {

    @Test
    void standalone() {
        RedisUrl url = RedisUrl.parse("redis://localhost:6379");
        assertThat(url.mode).isEqualTo(RedisUrl.Mode.STANDALONE_OR_CLUSTER);
        assertThat(url.nodes).containsExactly("redis://localhost:6379");
        assertThat(url.password).isNull();
        assertThat(url.database).isZero();
        assertThat(RedisUrl.parse("redis://cache").nodes).containsExactly("redis://cache:6379");
    }

    @Test
    void passwordAndDatabase() {
        RedisUrl url = RedisUrl.parse("redis://:p%40ss@localhost:6379/3");
        assertThat(url.username).isNull();
        assertThat(url.password).isEqualTo("p@ss");
        assertThat(url.database).isEqualTo(3);
    }

    @Test
    void aclUser() {
        RedisUrl url = RedisUrl.parse("redis://alice:secret@10.0.0.5:6380");
        assertThat(url.username).isEqualTo("alice");
        assertThat(url.password).isEqualTo("secret");
        assertThat(url.nodes).containsExactly("redis://10.0.0.5:6380");
    }

    @Test
    void tls() {
        RedisUrl url = RedisUrl.parse("rediss://localhost:6380?sslTruststore=/tmp/t.p12&sslTruststorePassword=x&sslVerifyHostname=false");
        assertThat(url.tls).isTrue();
        assertThat(url.nodes).containsExactly("rediss://localhost:6380");
        assertThat(url.parameters).containsEntry("sslTruststore", "/tmp/t.p12").containsEntry("sslVerifyHostname", "false");
    }

    @Test
    void severalNodesAreACluster() {
        RedisUrl url = RedisUrl.parse("redis://:pw@h1:7000,h2:7001,h3");
        assertThat(url.mode).isEqualTo(RedisUrl.Mode.CLUSTER);
        assertThat(url.nodes).containsExactly("redis://h1:7000", "redis://h2:7001", "redis://h3:6379");
        assertThat(url.password).isEqualTo("pw");
    }

    @Test
    void sentinel() {
        RedisUrl url = RedisUrl.parse("redis-sentinel://:pw@s1:26379,s2/mymaster/2");
        assertThat(url.mode).isEqualTo(RedisUrl.Mode.SENTINEL);
        assertThat(url.nodes).containsExactly("redis://s1:26379", "redis://s2:26379");
        assertThat(url.masterName).isEqualTo("mymaster");
        assertThat(url.database).isEqualTo(2);
        assertThat(RedisUrl.parse("rediss-sentinel://s1/m").nodes).containsExactly("rediss://s1:26379");
    }

    @Test
    void ipv6Hosts() {
        assertThat(RedisUrl.parse("redis://[::1]:6379").nodes).containsExactly("redis://[::1]:6379");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost:6379", "http://localhost", "redis://", "redis://host:port",
            "redis://host:6379/db", "redis://host:6379/1/2", "redis://h1,h2/1", "redis-sentinel://host:26379",
            "redis://host?timeout=1"})
    void malformedUrlsFailNamingTheUrl(String url) {
        assertThatThrownBy(() -> RedisUrl.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid Redis URL '" + url + "'");
    }

    @Test
    void messagesNeverShowPasswords() {
        for (String url : List.of("redis://:s3cret@host:port", "redis://alice:s3cret@host/x", "redis://s3cret@host:x")) {
            assertThatThrownBy(() -> RedisUrl.parse(url))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageNotContaining("s3cret");
        }
        assertThat(RedisUrl.parse("rediss://h?sslTruststorePassword=s3cret").toString()).doesNotContain("s3cret");
    }
}
