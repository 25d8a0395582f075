package io.fastlimit.micrometer;

import io.fastlimit.FastLimit;
import io.fastlimit.event.DecisionEvent;
import io.fastlimit.event.RateLimitListener;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.servlet.FastLimitFilter;
import io.fastlimit.testing.ManualClock;
import io.fastlimit.testing.logging.QuietLogs;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * Meters seen the way an operator sees them: requests through a real Jetty and {@code FastLimitFilter},
 * the Prometheus text scraped over HTTP.
 */
@ExtendWith(QuietLogs.class) // the warnings of a listener that throws on purpose
class MetricsHttpTest {

    private final ManualClock clock = new ManualClock();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private int port;

    /** A fresh request each time: a RequestSpecification keeps the headers added to it. */
    private RequestSpecification http() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(port);
    }

    private void start(Consumer<ServletContextHandler> setup) throws Exception {
        ServletContextHandler context = new ServletContextHandler("/");
        setup.accept(context);
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain");
                response.getWriter().write("hello");
            }
        }), "/hello");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain; version=0.0.4; charset=utf-8");
                response.getWriter().write(prometheus.scrape());
            }
        }), "/metrics");
        server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    private static void limit(ServletContextHandler context, FastLimit limiter, RateLimitRule rule) {
        context.addFilter(new FilterHolder(new FastLimitFilter(limiter, rule)), "/hello", EnumSet.of(DispatcherType.REQUEST));
    }

    @Test
    void prometheusShowsWhoIsBlockedByRule() throws Exception {
        try (FastLimit limiter = FastLimit.builder().clock(clock).build()) {
            FastLimitMetrics.bindTo(prometheus, limiter);
            start(context -> limit(context, limiter, RateLimitRule.ip("hello", "2/min")));
            http().get("/hello").then().statusCode(200);
            http().get("/hello").then().statusCode(200);
            http().get("/hello").then().statusCode(429);

            http().get("/metrics").then().statusCode(200)
                    .body(containsString("fastlimit_decisions_total{outcome=\"allowed\",rule=\"hello\",scope=\"ip\"} 2.0"))
                    .body(containsString("fastlimit_decisions_total{outcome=\"blocked\",rule=\"hello\",scope=\"ip\"} 1.0"))
                    .body(containsString("fastlimit_backend_calls_seconds_count{backend=\"MemoryBackend\",result=\"success\"} 3"))
                    .body(containsString("fastlimit_memory_keys 1.0"));
        }
    }

    @Test
    void tenThousandClientsThroughAProxyAddNoMeter() throws Exception {
        try (FastLimit limiter = FastLimit.builder().clock(clock).trustedProxies(1).build()) {
            FastLimitMetrics.bindTo(prometheus, limiter);
            start(context -> limit(context, limiter, RateLimitRule.ip("hello", "1/min")));
            // every outcome a client can cause once, so every meter the flood could touch exists
            http().header("X-Forwarded-For", "192.0.2.1").get("/hello").then().statusCode(200);
            http().header("X-Forwarded-For", "192.0.2.1").get("/hello").then().statusCode(429);
            int metersBefore = prometheus.getMeters().size();
            String scrapeBefore = http().get("/metrics").asString();
            long seriesBefore = scrapeBefore.lines().filter(line -> !line.startsWith("#")).count();

            // the flood on one kept-alive connection: REST Assured opens one per request
            HttpClient flood = HttpClient.newHttpClient();
            for (int i = 0; i < 10_000; i++) {
                String client = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello"))
                        .header("X-Forwarded-For", client).build();
                assertThat(flood.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
            }

            assertThat(prometheus.getMeters()).hasSize(metersBefore);
            String scrape = http().get("/metrics").asString();
            assertThat(scrape.lines().filter(line -> !line.startsWith("#")).count()).isEqualTo(seriesBefore);
            assertThat(scrape).doesNotContain("10.0.").doesNotContain("192.0.2.1");
            assertThat(scrape).contains("fastlimit_decisions_total{outcome=\"allowed\",rule=\"hello\",scope=\"ip\"} 10001.0");
            assertThat(scrape).contains("fastlimit_memory_keys 10001.0");
        }
    }

    @Test
    void aThrowingListenerLeavesTheAnswers() throws Exception {
        RateLimitListener broken = new RateLimitListener() {
            @Override
            public void onDecision(DecisionEvent event) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (FastLimit limiter = FastLimit.builder().clock(clock).listener(broken).build()) {
            FastLimitMetrics.bindTo(prometheus, limiter);
            start(context -> limit(context, limiter, RateLimitRule.ip("hello", "1/min")));
            http().get("/hello").then().statusCode(200).header("X-RateLimit-Remaining", "0");
            http().get("/hello").then().statusCode(429).header("Retry-After", "60");
            assertThat(prometheus.get(FastLimitMetrics.DECISIONS).tag("outcome", "blocked").counter().count())
                    .as("listeners after the broken one are still told").isEqualTo(1);
        }
    }

    @Test
    void theMetricsInitParamBindsTheWebappsLimiterToTheGlobalRegistry() throws Exception {
        SimpleMeterRegistry global = new SimpleMeterRegistry();
        Metrics.addRegistry(global);
        try {
            start(context -> {
                FilterHolder holder = new FilterHolder(FastLimitFilter.class);
                holder.setName("hello");
                holder.setInitParameter("ip", "1/min");
                holder.setInitParameter("metrics", "true");
                context.addFilter(holder, "/hello", EnumSet.of(DispatcherType.REQUEST));
            });
            http().get("/hello").then().statusCode(200);
            http().get("/hello").then().statusCode(429);
            assertThat(global.get(FastLimitMetrics.DECISIONS).tags("rule", "hello", "outcome", "allowed").counter().count())
                    .isEqualTo(1);
            assertThat(global.get(FastLimitMetrics.DECISIONS).tags("rule", "hello", "outcome", "blocked").counter().count())
                    .isEqualTo(1);
        } finally {
            Metrics.removeRegistry(global);
            global.close();
        }
    }
}
