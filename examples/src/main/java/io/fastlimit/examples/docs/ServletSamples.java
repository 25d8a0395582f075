package io.fastlimit.examples.docs;

import io.fastlimit.FastLimit;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.servlet.FastLimitFilter;
import org.eclipse.jetty.ee10.webapp.WebAppContext;

/** The samples of docs/servlet.md. */
public final class ServletSamples {

    private ServletSamples() {
    }

    static FastLimitFilter withHooks(FastLimit limiter) {
        // tag::hooks[]
        FastLimitFilter filter = new FastLimitFilter(limiter, RateLimitRule.ip("api", "100/min"))
                .userResolver(new SubjectUserResolver())
                .blockedHandler((request, response, decision) -> {
                    response.setContentType("text/plain");
                    response.getWriter().write("Slow down: retry in " + decision.retryAfterSeconds() + " s\n");
                });
        // end::hooks[]
        return filter;
    }

    static void ownLimiter(WebAppContext webapp, FastLimit limiter) {
        // tag::own-limiter[]
        // the filters of web.xml keep their rules and use this limiter, which stays yours to close
        webapp.setAttribute(FastLimitFilter.LIMITER_ATTRIBUTE, limiter);
        // end::own-limiter[]
    }
}
