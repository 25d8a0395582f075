package io.fastlimit.examples.docs;

import io.fastlimit.FastLimit;
import io.fastlimit.examples.servlet.HelloServlet;
import io.fastlimit.jaxrs.FastLimitFeature;
import io.fastlimit.testing.ManualClock;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * The README's quickstarts and the samples of docs/servlet.md, docs/jaxrs.md and docs/headers.md, through
 * real HTTP. Limiters built here stand on a {@link ManualClock}, so a Retry-After is exact however long
 * the requests take.
 */
class DocSamplesHttpTest {

    private Server server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private RequestSpecification start(ServletContextHandler context) throws Exception {
        server = new Server(0);
        server.setHandler(context);
        server.start();
        return new RequestSpecBuilder().setBaseUri("http://127.0.0.1").setPort(server.getURI().getPort()).build();
    }

    private static ServletContextHandler jersey(ResourceConfig application) {
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder holder = new ServletHolder(new ServletContainer(
                application.property(ServerProperties.WADL_FEATURE_DISABLE, true)));
        holder.setInitOrder(1);
        context.addServlet(holder, "/*");
        return context;
    }

    @Test
    void coreQuickstartAnswers429WithTheHeadersAndBody() throws Exception {
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(CoreQuickstart.class, "/core");
        RequestSpecification app = start(context);
        long startedMs = System.currentTimeMillis();
        for (int i = 1; i <= 100; i++) {
            given(app).get("/core").then().statusCode(200).header("X-RateLimit-Remaining", Integer.toString(100 - i));
        }
        Response blocked = given(app).get("/core");
        long tookMs = System.currentTimeMillis() - startedMs;

        // the sample keeps the system clock: the first request's unit comes back a minute after it was
        // counted, which is 60 s from now less (at most) the time the requests took
        blocked.then().statusCode(429).header("X-RateLimit-Limit", "100");
        long retryAfter = Long.parseLong(blocked.header("Retry-After"));
        assertThat(retryAfter).isBetween(60 - (tookMs + 999) / 1000, 60L);
        assertThat(blocked.body().asString()).isEqualTo("{\"detail\": \"Rate limit exceeded. Try again in "
                + retryAfter + "s.\", \"retry_after\": " + retryAfter + "}");
    }

    @Test
    void embeddedJettyQuickstartLimitsTheApiPerIp() throws Exception {
        try (FastLimit limiter = FastLimit.builder().build()) {
            server = EmbeddedJettyQuickstart.start(0, limiter);
            RequestSpecification app = new RequestSpecBuilder().setBaseUri("http://127.0.0.1")
                    .setPort(server.getURI().getPort()).build();
            given(app).get("/api/hello").then().statusCode(200)
                    .header("X-RateLimit-Limit", "100").header("X-RateLimit-Remaining", "99");
        }
    }

    @Test
    void reportsCountsTheClassLimitAndTheMethodLimitWithItsCost() throws Exception {
        RequestSpecification app = start(jersey(JaxRsQuickstart.application(new ApiKeys(Map.of("k-1", "acme")))));
        given(app).get("/reports").then().statusCode(200)
                .header("X-RateLimit-Limit", "100").header("X-RateLimit-Remaining", "99");
        // export is user-only: an anonymous request is counted by the class limit alone
        given(app).post("/reports/export").then().statusCode(202).header("X-RateLimit-Remaining", "98");
        for (int i = 1; i <= 20; i++) {
            given(app).header("X-Api-Key", "k-1").get("/reports/feed").then().statusCode(200);
        }
        given(app).get("/reports/feed").then().statusCode(200)
                .header("X-RateLimit-Limit", "20").header("X-RateLimit-Remaining", "19");
        // a key nobody issued counts as the client's IP
        for (int i = 0; i < 19; i++) {
            given(app).header("X-Api-Key", "made-up-" + i).get("/reports/feed").then().statusCode(200);
        }
        given(app).header("X-Api-Key", "made-up-x").get("/reports/feed").then().statusCode(429);
    }

    @Test
    void aCustomMapperAnswersInPlainTextWithTheHeaders() throws Exception {
        try (FastLimit limiter = FastLimit.builder().clock(new ManualClock()).build()) {
            RequestSpecification app = start(jersey(new ResourceConfig(Reports.class)
                    .register(new FastLimitFeature(limiter))
                    .register(PlainTextRateLimitMapper.class)));
            for (int i = 0; i < 20; i++) {
                given(app).get("/reports/feed").then().statusCode(200);
            }
            given(app).get("/reports/feed").then().statusCode(429)
                    .contentType(startsWith("text/plain"))
                    .header("X-RateLimit-Limit", "20")
                    .header("Retry-After", "60")
                    .body(equalTo("Slow down: retry in 60 s\n"));
        }
    }

    @Test
    void theFilterHooksFindTheUserAndWriteTheAnswer() throws Exception {
        try (FastLimit limiter = FastLimit.builder().clock(new ManualClock()).build()) {
            ServletContextHandler context = new ServletContextHandler("/");
            context.addServlet(HelloServlet.class, "/api/hello");
            context.addFilter(new FilterHolder(ServletSamples.withHooks(limiter)), "/api/*",
                    EnumSet.of(DispatcherType.REQUEST));
            RequestSpecification app = start(context);
            for (int i = 0; i < 100; i++) {
                given(app).get("/api/hello").then().statusCode(200);
            }
            given(app).get("/api/hello").then().statusCode(429)
                    .contentType(startsWith("text/plain"))
                    .header("Retry-After", "60")
                    .body(equalTo("Slow down: retry in 60 s\n"));
        }
    }
}
