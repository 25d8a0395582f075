package io.fastlimit.examples.docs;

import io.fastlimit.FastLimit;
import io.fastlimit.examples.servlet.HelloServlet;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.servlet.FastLimitFilter;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;

import java.util.EnumSet;

/** The README's embedded Jetty quickstart: a {@link FastLimitFilter} built in code. */
public final class EmbeddedJettyQuickstart {

    private EmbeddedJettyQuickstart() {
    }

    /** Starts Jetty on {@code port} (0 for a free one) with {@code /api/*} limited; stop the server, then close the limiter. */
    public static Server start(int port, FastLimit limiter) throws Exception {
        Server server = new Server(port);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(HelloServlet.class, "/api/hello");
        // tag::filter[]
        RateLimitRule api = RateLimitRule.builder("api").ip("100/min").user("1000/min").build();
        context.addFilter(new FilterHolder(new FastLimitFilter(limiter, api)), "/api/*", EnumSet.of(DispatcherType.REQUEST));
        // end::filter[]
        server.setHandler(context);
        server.start();
        return server;
    }

    public static void main(String[] args) throws Exception {
        // tag::limiter[]
        FastLimit limiter = FastLimit.builder().trustedProxies(1).build();
        // end::limiter[]
        Server server = start(8080, limiter);
        server.join();
        limiter.close();
    }
}
