package io.fastlimit.servlet;

import io.fastlimit.FastLimit;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.testing.logging.QuietLogs;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

/**
 * A webapp configured by its {@code web.xml} on each container, where they differ: the order in which
 * they start filters (Jetty in the order declared, Tomcat in none), async requests (a filter must be
 * declared {@code async-supported}), a webapp that must not start, and the end of the webapp closing the
 * limiter its filters shared.
 */
class WebXmlOnEveryContainerTest {

    @ParameterizedTest
    @EnumSource(TestContainer.Kind.class)
    void limiterSettingsOnTheLastFilterApplyWhicheverFilterStartsFirstAndTheLimiterClosesWithTheWebapp(
            TestContainer.Kind kind) throws Exception {
        FastLimit limiter;
        try (TestContainer server = kind.webapp(TestServer.resourceWebapp("settings-last"), Map.of())) {
            limiter = (FastLimit) server.contextAttribute(FastLimitFilter.LIMITER_ATTRIBUTE);
            assertThat(limiter.keyPrefix()).isEqualTo("last");

            server.request().get("/hello").then().statusCode(200).header("RateLimit-Policy", "\"hello\";q=2;w=3600");
            server.request().get("/hello").then().statusCode(200);
            server.request().get("/hello").then().statusCode(429).body("retry_after", equalTo(3600));
            // an async servlet behind filters declared async-supported, counted once through its ASYNC dispatch
            server.request().get("/async").then().statusCode(200).body(equalTo("async"))
                    .header("RateLimit", "\"global\";r=7;t=3600");
            assertThat(((MemoryBackend) limiter.backend()).size()).isPositive();
        }
        // the last filter to stop closed the limiter the webapp's filters built: its memory is given back
        assertThat(((MemoryBackend) limiter.backend()).size()).isZero();
    }

    @ParameterizedTest
    @EnumSource(TestContainer.Kind.class)
    @ExtendWith(QuietLogs.class) // the container logs why the webapp did not start
    void aBadInitParamStopsTheWebappFromStarting(TestContainer.Kind kind, @TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("WEB-INF"));
        Files.writeString(dir.resolve("WEB-INF/web.xml"), """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <filter>
                    <filter-name>api</filter-name>
                    <filter-class>io.fastlimit.servlet.FastLimitFilter</filter-class>
                    <init-param><param-name>ip</param-name><param-value>10/lightyear</param-value></init-param>
                  </filter>
                  <filter-mapping><filter-name>api</filter-name><url-pattern>/*</url-pattern></filter-mapping>
                </web-app>
                """);

        assertThatThrownBy(() -> kind.webapp(dir, Map.of()).close()).isInstanceOf(Exception.class);
    }
}
