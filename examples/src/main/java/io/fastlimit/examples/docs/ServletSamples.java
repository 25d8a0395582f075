package io.fastlimit.examples.docs;

import io.fastlimit.FastLimit;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.servlet.FastLimitFilter;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.webapp.WebAppContext;

import java.util.EnumSet;

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

    static void async(ServletContextHandler context, FastLimit limiter) {
        // tag::async[]
        FilterHolder holder = new FilterHolder(new FastLimitFilter(limiter, RateLimitRule.ip("api", "100/min")).async(true));
        holder.setAsyncSupported(true); // in web.xml: <async-supported>true</async-supported>, and the init-param async
        context.addFilter(holder, "/api/*", EnumSet.of(DispatcherType.REQUEST));
        // end::async[]
    }

    static void ownLimiter(WebAppContext webapp, FastLimit limiter) {
        // tag::own-limiter[]
        // the filters of web.xml keep their rules and use this limiter, which stays yours to close
        webapp.setAttribute(FastLimitFilter.LIMITER_ATTRIBUTE, limiter);
        // end::own-limiter[]
    }
}
