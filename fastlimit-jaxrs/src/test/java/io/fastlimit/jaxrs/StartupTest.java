package io.fastlimit.jaxrs;

import io.fastlimit.FastLimit;
import io.fastlimit.testing.logging.QuietLogs;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bad or ambiguous annotation fails the application's start in a real Jetty, naming what is wrong. */
@ExtendWith(QuietLogs.class) // Jetty's warning of each start failure
class StartupTest {

    private final FastLimit limiter = FastLimit.builder().build();

    @AfterEach
    void close() {
        limiter.close();
    }

    @Path("bad-rate")
    public static class BadRate {
        @GET
        @RateLimit("10/lightyear")
        public String go() {
            return "never";
        }
    }

    @Path("bad-cost")
    @RateLimit(value = "3/min", cost = 5)
    public static class BadClassCost {
        @GET
        public String go() {
            return "never";
        }
    }

    @Path("no-header-name")
    public static class NoHeaderName {
        @GET
        @RateLimit(header = "100/min")
        public String go() {
            return "never";
        }
    }

    /** Two resources whose classes have the same simple name, in different places. */
    public static class Shop {
        @Path("shop")
        @RateLimit("10/min")
        public static class Items {
            @GET
            public String list() {
                return "shop";
            }
        }
    }

    public static class Warehouse {
        @Path("warehouse")
        @RateLimit("10/min")
        public static class Items {
            @GET
            public String list() {
                return "warehouse";
            }
        }
    }

    @Path("a")
    public static class ReportsA {
        @GET
        @RateLimit(value = "10/min", name = "reports")
        public String get() {
            return "a";
        }
    }

    @Path("b")
    public static class ReportsB {
        @GET
        @RateLimit(value = "20/min", name = "reports")
        public String get() {
            return "b";
        }
    }

    @Test
    void aBadRateFailsTheStartNamingTheMethodAndTheValue() {
        assertStartFails(app(BadRate.class), "Invalid @RateLimit(value = \"10/lightyear\") on "
                + "io.fastlimit.jaxrs.StartupTest$BadRate#go(): Invalid rate '10/lightyear'");
    }

    @Test
    void aCostAboveTheLimitOfAClassAnnotationFailsTheStart() {
        assertStartFails(app(BadClassCost.class), "on io.fastlimit.jaxrs.StartupTest$BadClassCost (the class of resource method "
                + "io.fastlimit.jaxrs.StartupTest$BadClassCost#go())", "Invalid cost 5");
    }

    @Test
    void aHeaderRateWithoutItsHeaderNameFailsTheStart() {
        assertStartFails(app(NoHeaderName.class), "StartupTest$NoHeaderName#go()", "needs headerName");
    }

    @Test
    void twoDefaultNamesThatWouldCollideFailTheStart() {
        assertStartFails(app(Shop.Items.class, Warehouse.Items.class), "Rate-limit name 'Items'",
                "StartupTest$Shop$Items", "StartupTest$Warehouse$Items", "@RateLimit(name =");
    }

    @Test
    void oneNameWithTwoDifferentRatesFailsTheStart() {
        assertStartFails(app(ReportsA.class, ReportsB.class), "Rate-limit name 'reports'", "10/min", "20/min",
                "must declare the same rates");
    }

    @Test
    void aNameTheLimiterAlreadyCountsWithOtherRatesFailsTheStart() {
        limiter.register(io.fastlimit.rules.RateLimitRule.ip("reports", "5/min")); // as a servlet filter would
        assertStartFails(app(ReportsA.class), "@RateLimit on io.fastlimit.jaxrs.StartupTest$ReportsA#get()",
                "Rule 'reports' is used with other limits");
    }

    @Test
    void aSoundApplicationStarts() throws Exception {
        try (JerseyServer server = JerseyServer.start(Map.of("app", app(ReportsA.class, Shop.Items.class)))) {
            assertThat(server.port()).isPositive();
        }
    }

    private ResourceConfig app(Class<?>... resources) {
        ResourceConfig config = new ResourceConfig().register(new FastLimitFeature(limiter));
        for (Class<?> resource : resources) {
            config.register(resource);
        }
        return config;
    }

    private static void assertStartFails(ResourceConfig app, String... messageParts) {
        assertThatThrownBy(() -> JerseyServer.start(Map.of("app", app)).close())
                .satisfies(e -> {
                    Throwable cause = e;
                    while (cause != null && !(cause instanceof IllegalArgumentException)) {
                        cause = cause.getCause();
                    }
                    assertThat(cause).as("the cause of %s", e).isNotNull();
                    assertThat(cause.getMessage()).contains(messageParts);
                });
    }
}
