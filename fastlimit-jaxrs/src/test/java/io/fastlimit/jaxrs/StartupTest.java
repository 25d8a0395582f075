package io.fastlimit.jaxrs;

import io.fastlimit.FastLimit;
import io.fastlimit.testing.logging.QuietLogs;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Application;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bad or ambiguous annotation fails the application's start in a real Jetty, on Jersey and on
 * RESTEasy, naming what is wrong.
 */
@ExtendWith(QuietLogs.class) // the server's warning of each start failure
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

    @ParameterizedTest
    @EnumSource(JaxRsServer.Kind.class)
    void aBadRateFailsTheStartNamingTheMethodAndTheValue(JaxRsServer.Kind kind) {
        assertStartFails(kind, app(BadRate.class), "Invalid @RateLimit(value = \"10/lightyear\") on "
                + "io.fastlimit.jaxrs.StartupTest$BadRate#go(): Invalid rate '10/lightyear'");
    }

    @ParameterizedTest
    @EnumSource(JaxRsServer.Kind.class)
    void aCostAboveTheLimitOfAClassAnnotationFailsTheStart(JaxRsServer.Kind kind) {
        assertStartFails(kind, app(BadClassCost.class), "on io.fastlimit.jaxrs.StartupTest$BadClassCost (the class of resource method "
                + "io.fastlimit.jaxrs.StartupTest$BadClassCost#go())", "Invalid cost 5");
    }

    @ParameterizedTest
    @EnumSource(JaxRsServer.Kind.class)
    void aHeaderRateWithoutItsHeaderNameFailsTheStart(JaxRsServer.Kind kind) {
        assertStartFails(kind, app(NoHeaderName.class), "StartupTest$NoHeaderName#go()", "needs headerName");
    }

    @ParameterizedTest
    @EnumSource(JaxRsServer.Kind.class)
    void twoDefaultNamesThatWouldCollideFailTheStart(JaxRsServer.Kind kind) {
        assertStartFails(kind, app(Shop.Items.class, Warehouse.Items.class), "Rate-limit name 'Items'",
                "StartupTest$Shop$Items", "StartupTest$Warehouse$Items", "@RateLimit(name =");
    }

    @ParameterizedTest
    @EnumSource(JaxRsServer.Kind.class)
    void oneNameWithTwoDifferentRatesFailsTheStart(JaxRsServer.Kind kind) {
        assertStartFails(kind, app(ReportsA.class, ReportsB.class), "Rate-limit name 'reports'", "10/min", "20/min",
                "must declare the same rates");
    }

    @ParameterizedTest
    @EnumSource(JaxRsServer.Kind.class)
    void aNameTheLimiterAlreadyCountsWithOtherRatesFailsTheStart(JaxRsServer.Kind kind) {
        limiter.register(io.fastlimit.rules.RateLimitRule.ip("reports", "5/min")); // as a servlet filter would
        assertStartFails(kind, app(ReportsA.class), "@RateLimit on io.fastlimit.jaxrs.StartupTest$ReportsA#get()",
                "Rule 'reports' is used with other limits");
    }

    @ParameterizedTest
    @EnumSource(JaxRsServer.Kind.class)
    void aSoundApplicationStarts(JaxRsServer.Kind kind) throws Exception {
        try (JaxRsServer server = kind.start(Map.of("app", app(ReportsA.class, Shop.Items.class)))) {
            assertThat(server.port()).isPositive();
        }
    }

    /** The resources as classes and the feature as a singleton, as a standard application declares them. */
    private Application app(Class<?>... resources) {
        FastLimitFeature feature = new FastLimitFeature(limiter);
        return new Application() {
            @Override
            public Set<Class<?>> getClasses() {
                return Set.of(resources);
            }

            @Override
            public Set<Object> getSingletons() {
                return Set.of(feature);
            }
        };
    }

    private static void assertStartFails(JaxRsServer.Kind kind, Application app, String... messageParts) {
        assertThatThrownBy(() -> kind.start(Map.of("app", app)).close())
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
