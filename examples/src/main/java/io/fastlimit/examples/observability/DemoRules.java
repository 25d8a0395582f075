package io.fastlimit.examples.observability;

import io.fastlimit.FastLimit;
import io.fastlimit.examples.DemoApiKeys;
import io.fastlimit.examples.jaxrs.DemoAuthFilter;
import io.fastlimit.rules.RateLimitRule;

import java.util.List;
import java.util.function.Supplier;

/**
 * The demo's rules as {@code GET /api/rate_limit} reports them. Each is declared as its filter or
 * annotation declares it, under the same name: a limiter refuses two rules of one name with other
 * limits, so a rule changed in one place and not here fails the first status request instead of
 * reporting another bucket.
 */
public final class DemoRules {

    private DemoRules() {
    }

    /**
     * @param limiter the limiter of {@code /servlet} and {@code /api}
     * @param webXml  the limiter the web.xml webapp builds when it starts
     */
    public static List<RateLimitStatusServlet.Entry> statusEntries(FastLimit limiter, Supplier<FastLimit> webXml) {
        RateLimitRule apiKey = RateLimitRule.builder("ApiKeyResource.key").header("X-Api-Key", "5/min")
                .headerResolver(new DemoApiKeys()).ip("2/min").build();
        RateLimitRule reports = RateLimitRule.builder("reports").header("X-Api-Key", "5/min")
                .headerResolver(new DemoApiKeys()).ip("2/min").build();
        return List.of(
                new RateLimitStatusServlet.Entry("GET /servlet/hello", () -> limiter,
                        RateLimitRule.ip("servlet-hello", "5/min"), null),
                new RateLimitStatusServlet.Entry("GET /api/hello", () -> limiter,
                        RateLimitRule.builder("HelloResource.hello").ip("5/min").user("20/min").build(),
                        DemoAuthFilter.USER_HEADER),
                new RateLimitStatusServlet.Entry("GET /api/key", () -> limiter, apiKey, null),
                new RateLimitStatusServlet.Entry("GET /webxml/*", webXml,
                        RateLimitRule.builder("global").ip("100/min").user("1000/min").build(), null),
                new RateLimitStatusServlet.Entry("GET /webxml/hello", webXml, RateLimitRule.ip("hello", "5/min"), null),
                new RateLimitStatusServlet.Entry("GET /webxml/reports", webXml, reports, null));
    }
}
