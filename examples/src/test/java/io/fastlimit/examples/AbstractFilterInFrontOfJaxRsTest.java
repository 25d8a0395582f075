package io.fastlimit.examples;

import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.HeaderStyle;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.backends.Backend;
import io.fastlimit.jaxrs.FastLimitFeature;
import io.fastlimit.jaxrs.RateLimit;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.servlet.FastLimitFilter;
import io.fastlimit.testing.ManualClock;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.servlet.DispatcherType;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link FastLimitFilter} in front of a Jersey servlet whose resources carry {@link RateLimit}, in
 * one webapp on a real Jetty: the two share one record per request (the request attributes of the
 * core), so the headers report the tighter of their limits, and a request an annotation turns away
 * does not count against the filters it passed. A subclass supplies the backend; each path has a
 * limiter of its own, on the test's clock, which never moves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractFilterInFrontOfJaxRsTest {

    private static final RateLimitRule GLOBAL = RateLimitRule.ip("global", "10/min");
    private static final RateLimitRule FRONT = RateLimitRule.ip("front", "5/min");
    private static final ClientRequest LOOPBACK = ClientRequest.of("127.0.0.1");

    protected final ManualClock clock = new ManualClock();
    private Backend backend;
    private final List<FastLimit> limiters = new ArrayList<>();
    private FastLimit givesBack;
    private Server server;
    private ServerConnector connector;

    /** A fresh backend on {@code clock}; cleared before each test, closed after the last. */
    protected abstract Backend createBackend(Clock clock);

    /** Forgets every counter of {@code backend}, whatever the key prefix of the limiter that wrote it. */
    protected void forgetEveryCounter(Backend backend) {
        backend.clearAll();
    }

    /** The resources behind the filters: one limit far looser than the filters', one far tighter, one none. */
    @Path("")
    @Produces(MediaType.TEXT_PLAIN)
    public static class Resources {

        @GET
        @Path("loose")
        @RateLimit("100/min")
        public String loose() {
            return "loose";
        }

        @GET
        @Path("tight")
        @RateLimit("2/min")
        public String tight() {
            return "tight";
        }

        /** Not limited here: names the decision the filters in front left in the request properties. */
        @GET
        @Path("plain")
        public String plain(@Context ContainerRequestContext request) {
            Object decision = request.getProperty(FastLimitFeature.DECISION_PROPERTY);
            return decision instanceof RateLimitDecision d ? d.ruleName() : "none";
        }
    }

    @BeforeAll
    void startServer() throws Exception {
        backend = createBackend(clock);
        ServletContextHandler context = new ServletContextHandler("/");
        // /headers: a filter at 3/min in front of a resource at 100/min
        FastLimit headers = limiter("headers", HeaderStyle.xRateLimit());
        filter(context, headers, RateLimitRule.ip("strict-front", "3/min"), "/headers/*");
        jersey(context, "headers", headers);
        // /ietf: the same, in the IETF fields
        FastLimit ietf = limiter("ietf", HeaderStyle.ietf());
        filter(context, ietf, RateLimitRule.ip("strict-front", "3/min"), "/ietf/*");
        jersey(context, "ietf", ietf);
        // /back: two filters, at 10/min and 5/min, in front of resources at 100/min, 2/min and none
        givesBack = limiter("back", HeaderStyle.xRateLimit());
        filter(context, givesBack, GLOBAL, "/back/*");
        filter(context, givesBack, FRONT, "/back/*");
        jersey(context, "back", givesBack);

        server = new Server();
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(context);
        server.start();
    }

    private FastLimit limiter(String keyPrefix, HeaderStyle headerStyle) {
        FastLimit limiter = FastLimit.builder().backend(backend).clock(clock).keyPrefix(keyPrefix).headers(headerStyle).build();
        limiters.add(limiter);
        return limiter;
    }

    private static void filter(ServletContextHandler context, FastLimit limiter, RateLimitRule rule, String path) {
        context.addFilter(new FilterHolder(new FastLimitFilter(limiter, rule)), path, EnumSet.of(DispatcherType.REQUEST));
    }

    private static void jersey(ServletContextHandler context, String path, FastLimit limiter) {
        ResourceConfig application = new ResourceConfig(Resources.class)
                .register(new FastLimitFeature(limiter))
                .property(ServerProperties.WADL_FEATURE_DISABLE, true);
        ServletHolder holder = new ServletHolder(path, new ServletContainer(application));
        holder.setInitOrder(1);
        context.addServlet(holder, "/" + path + "/*");
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
        limiters.forEach(FastLimit::close);
        if (backend != null) {
            backend.close();
        }
    }

    @BeforeEach
    void forgetCounts() {
        forgetEveryCounter(backend);
    }

    private RequestSpecification request() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(connector.getLocalPort());
    }

    @Test
    void theHeadersReportTheFilterWhenItIsTighterThanTheAnnotation() {
        for (int remaining = 2; remaining >= 0; remaining--) {
            Response ok = request().get("/headers/loose");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.header("X-RateLimit-Limit")).isEqualTo("3");
            assertThat(ok.header("X-RateLimit-Remaining")).isEqualTo(Integer.toString(remaining));
            assertThat(ok.headers().getValues("X-RateLimit-Remaining")).hasSize(1);
        }
        Response blocked = request().get("/headers/loose");
        assertThat(blocked.statusCode()).as("the filter's limit, as its headers said").isEqualTo(429);
        assertThat(blocked.header("X-RateLimit-Limit")).isEqualTo("3");
        assertThat(blocked.header("Retry-After")).isNotNull();
    }

    @Test
    void theHeadersReportTheAnnotationWhenItIsTighterThanTheFilter() {
        Response first = request().get("/headers/tight");
        assertThat(first.header("X-RateLimit-Limit")).isEqualTo("2");
        assertThat(first.header("X-RateLimit-Remaining")).isEqualTo("1");
        assertThat(request().get("/headers/tight").header("X-RateLimit-Remaining")).isEqualTo("0");
        Response blocked = request().get("/headers/tight");
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.header("X-RateLimit-Limit")).isEqualTo("2");
        assertThat(blocked.jsonPath().getLong("retry_after")).isEqualTo(Long.parseLong(blocked.header("Retry-After")));
    }

    @Test
    void theIetfFieldsNameTheTighterLimit() {
        Response tight = request().get("/ietf/tight");
        assertThat(tight.header("RateLimit-Policy")).isEqualTo("\"Resources.tight\";q=2;w=60");
        assertThat(tight.header("RateLimit")).startsWith("\"Resources.tight\";r=1;");
        Response loose = request().get("/ietf/loose");
        assertThat(loose.header("RateLimit-Policy")).isEqualTo("\"strict-front\";q=3;w=60");
        assertThat(loose.header("RateLimit")).startsWith("\"strict-front\";r=1;");
    }

    @Test
    void aRequestTheAnnotationTurnsAwayDoesNotCountAgainstTheFiltersInFront() {
        assertThat(request().get("/back/tight").statusCode()).isEqualTo(200);
        assertThat(request().get("/back/tight").statusCode()).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            Response blocked = request().get("/back/tight");
            assertThat(blocked.statusCode()).as("turned away by @RateLimit(\"2/min\")").isEqualTo(429);
            assertThat(blocked.header("X-RateLimit-Limit")).isEqualTo("2");
        }
        // both filters counted the two requests the annotation let through, none of the five it turned away
        Response plain = request().get("/back/plain");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.asString()).as("the decision the filters left, seen by JAX-RS").isEqualTo("front");
        assertThat(plain.header("X-RateLimit-Limit")).isEqualTo("5");
        assertThat(plain.header("X-RateLimit-Remaining")).isEqualTo("2");
        assertThat(givesBack.check(GLOBAL, LOOPBACK).remaining()).as("two, /plain and this check").isEqualTo(6);
        assertThat(givesBack.check(FRONT, LOOPBACK).remaining()).isEqualTo(1);
    }

    @Test
    void aRequestTheSecondFilterTurnsAwayDoesNotCountAgainstTheFirst() {
        for (int i = 0; i < 5; i++) {
            assertThat(request().get("/back/plain").statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            Response blocked = request().get("/back/loose");
            assertThat(blocked.statusCode()).as("turned away by the 5/min filter").isEqualTo(429);
            assertThat(blocked.header("X-RateLimit-Limit")).isEqualTo("5");
        }
        assertThat(givesBack.check(GLOBAL, LOOPBACK).remaining()).as("five, then this check").isEqualTo(4);
        // and the resource behind them never ran: its own limit is untouched
        assertThat(givesBack.check(RateLimitRule.ip("Resources.loose", "100/min"), LOOPBACK).remaining()).isEqualTo(99);
    }
}
