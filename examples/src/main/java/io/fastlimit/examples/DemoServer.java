package io.fastlimit.examples;

import io.fastlimit.FastLimit;
import io.fastlimit.backends.BackendUrls;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.examples.jaxrs.ApiKeyResource;
import io.fastlimit.examples.jaxrs.DemoAuthFilter;
import io.fastlimit.examples.jaxrs.HelloResource;
import io.fastlimit.examples.observability.DemoRules;
import io.fastlimit.examples.observability.PrometheusServlet;
import io.fastlimit.examples.observability.RateLimitStatusServlet;
import io.fastlimit.examples.servlet.HelloServlet;
import io.fastlimit.jaxrs.FastLimitFeature;
import io.fastlimit.micrometer.FastLimitMetrics;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.servlet.FastLimitFilter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

import java.net.URISyntaxException;
import java.net.URL;
import java.util.EnumSet;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The fastlimit demo: one embedded Jetty 12.1 serving three ways of limiting requests.
 *
 * <ul>
 *   <li>{@code GET /servlet/hello}: a servlet behind a {@link FastLimitFilter} built in code,
 *       5 requests a minute per IP;</li>
 *   <li>{@code GET /api/hello} and {@code GET /api/key}: Jersey resources limited by
 *       {@code @RateLimit} ({@link HelloResource}, {@link ApiKeyResource}), the user taken from the
 *       header {@code X-User} by {@link DemoAuthFilter};</li>
 *   <li>{@code GET /webxml/hello} and {@code GET /webxml/reports}: the webapp in
 *       {@code src/main/webapp}, whose limits are configured only in its {@code WEB-INF/web.xml}.</li>
 * </ul>
 *
 * The API keys {@code demo-key} and {@code partner-key} ({@link DemoApiKeys}) have buckets of their
 * own; any other {@code X-Api-Key} counts against the client's IP, so made-up keys buy nothing.
 *
 * It listens on {@code PORT} (default 8080) and keeps its counters in memory, or in Redis when
 * {@code FASTLIMIT_REDIS_URL} is set; the other {@code FASTLIMIT_*} variables apply too.
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java
 * for i in 1 2 3 4 5 6; do curl -s -o /dev/null -w '%{http_code}\n' localhost:8080/servlet/hello; done
 * </pre>
 */
public final class DemoServer implements AutoCloseable {

    /** The port when {@code PORT} is not set. */
    public static final int DEFAULT_PORT = 8080;

    /** What the demo serves, as printed at start-up: path, limit, how. */
    private static final String[][] ROUTES = {
            {"GET /servlet/hello", "5/min per IP", "FastLimitFilter built in code"},
            {"GET /api/hello", "5/min per IP, 20/min per user", "Jersey @RateLimit; header X-User: alice signs in as alice"},
            {"GET /api/key", "5/min per issued X-Api-Key, else 2/min per IP", "Jersey @RateLimit; keys demo-key, partner-key"},
            {"GET /webxml/hello", "5/min per IP (100/min for the whole webapp)", "FastLimitFilter from WEB-INF/web.xml only"},
            {"GET /webxml/reports", "5/min per issued X-Api-Key, else 2/min per IP", "FastLimitFilter from WEB-INF/web.xml only"},
            {"GET /api/rate_limit", "not limited", "your standing on every rule above, as JSON (FastLimit.peek: spends nothing)"},
            {"GET /metrics", "not limited", "both limiters' meters in Prometheus text (fastlimit-micrometer)"},
    };

    /**
     * Jersey warns at start-up of optional providers whose libraries are absent (jakarta.activation),
     * none of which the demo uses. Held in a field: java.util.logging keeps loggers only weakly.
     */
    private static final Logger JERSEY_PROVIDERS_LOG = Logger.getLogger("org.glassfish.jersey.message.internal");

    private final Server server;
    private final ServerConnector connector;
    private final FastLimit limiter;
    private final WebAppContext webapp;
    private final String redisUrl;

    private DemoServer(Server server, ServerConnector connector, FastLimit limiter, WebAppContext webapp,
                       String redisUrl) {
        this.server = server;
        this.connector = connector;
        this.limiter = limiter;
        this.webapp = webapp;
        this.redisUrl = redisUrl;
    }

    /**
     * Starts the demo on {@code port} (0 for a free one) with a limiter configured from {@code env},
     * read like the process environment ({@code FASTLIMIT_REDIS_URL} and the other
     * {@code FASTLIMIT_*} variables). The web.xml webapp reads the process environment itself.
     *
     * @throws IllegalArgumentException naming the variable whose value is invalid
     */
    public static DemoServer start(int port, Map<String, String> env) throws Exception {
        JERSEY_PROVIDERS_LOG.setLevel(Level.SEVERE);
        FastLimit limiter = FastLimit.builder().env(env).build();
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(port);
        server.addConnector(connector);

        WebAppContext webapp = webXmlApp();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new FastLimitMetrics(limiter, Tags.of("limiter", "embedded")).bindTo(metrics);
        server.setHandler(new ContextHandlerCollection(embeddedApp(limiter, webapp, metrics), webapp));
        try {
            server.start();
            // the web.xml webapp builds its limiter as it starts
            new FastLimitMetrics(webXmlLimiter(webapp), Tags.of("limiter", "webxml")).bindTo(metrics);
        } catch (Exception e) {
            server.stop();
            limiter.close();
            throw e;
        }
        return new DemoServer(server, connector, limiter, webapp, env.get("FASTLIMIT_REDIS_URL"));
    }

    /**
     * The servlet and the Jersey application at {@code /}, limited by {@code limiter}; the status of
     * every rule (also those of {@code webapp}) at {@code /api/rate_limit}, and {@code metrics} at {@code /metrics}.
     */
    private static ServletContextHandler embeddedApp(FastLimit limiter, WebAppContext webapp,
                                                     PrometheusMeterRegistry metrics) {
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder("metrics", new PrometheusServlet(metrics)), "/metrics");
        context.addServlet(new ServletHolder("rate-limit-status", new RateLimitStatusServlet(
                DemoRules.statusEntries(limiter, () -> webXmlLimiter(webapp)))), "/api/rate_limit"); // exact: before /api/*

        ServletHolder hello = new ServletHolder("servlet-hello", HelloServlet.class);
        hello.setInitParameter("where", "a servlet");
        context.addServlet(hello, "/servlet/hello");
        RateLimitRule servletHello = RateLimitRule.ip("servlet-hello", "5/min");
        context.addFilter(new FilterHolder(new FastLimitFilter(limiter, servletHello)),
                "/servlet/*", EnumSet.of(DispatcherType.REQUEST));

        ResourceConfig api = new ResourceConfig(HelloResource.class, ApiKeyResource.class, DemoAuthFilter.class)
                .register(new FastLimitFeature(limiter))
                .property(ServerProperties.WADL_FEATURE_DISABLE, true);
        ServletHolder jersey = new ServletHolder("api", new ServletContainer(api));
        jersey.setInitOrder(1); // start with the server, so a bad @RateLimit fails the start
        context.addServlet(jersey, "/api/*");
        return context;
    }

    /** The webapp of {@code src/main/webapp}, copied to the class path by the build, at {@code /webxml}. */
    private static WebAppContext webXmlApp() throws URISyntaxException {
        URL base = DemoServer.class.getResource("/webapp/WEB-INF/web.xml");
        if (base == null) {
            throw new IllegalStateException("webapp/WEB-INF/web.xml is not on the class path: build the examples module first");
        }
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/webxml");
        webapp.setBaseResource(ResourceFactory.of(webapp).newResource(base.toURI().resolve("..")));
        webapp.setParentLoaderPriority(true); // the classes come from the class path, not WEB-INF/lib
        webapp.setThrowUnavailableOnStartupException(true); // a bad init-param stops the start
        return webapp;
    }

    /** The port the server listens on. */
    public int port() {
        return connector.getLocalPort();
    }

    /** The limiter of {@code /servlet} and {@code /api}. */
    public FastLimit limiter() {
        return limiter;
    }

    /** The limiter the web.xml webapp built from its init-params. */
    public FastLimit webXmlLimiter() {
        return webXmlLimiter(webapp);
    }

    private static FastLimit webXmlLimiter(WebAppContext webapp) {
        return (FastLimit) webapp.getServletContext().getAttribute(FastLimitFilter.LIMITER_ATTRIBUTE);
    }

    /** What the demo serves and where its counters live, as printed at start-up. */
    public String banner() {
        return "fastlimit demo listening on http://localhost:" + port() + "\n"
                + routes()
                + "Backend: " + describe(limiter, redisUrl) + "; web.xml webapp: "
                + describe(webXmlLimiter(), System.getenv("FASTLIMIT_REDIS_URL")) + "\n"
                + "Try: for i in 1 2 3 4 5 6; do curl -s -o /dev/null -w '%{http_code} ' localhost:" + port()
                + "/servlet/hello; done\n";
    }

    private static String routes() {
        StringBuilder out = new StringBuilder();
        for (String[] route : ROUTES) {
            out.append(String.format("  %-20s %-45s %s%n", (Object[]) route));
        }
        return out.toString();
    }

    /** {@code memory}, or {@code Redis at <url>} with the password masked. */
    static String describe(FastLimit limiter, String redisUrl) {
        if (limiter == null) {
            return "not started";
        }
        if (limiter.backend() instanceof MemoryBackend) {
            return "memory (counters live in this process)";
        }
        return redisUrl == null || redisUrl.isBlank()
                ? limiter.backend().getClass().getSimpleName()
                : "Redis at " + BackendUrls.redact(redisUrl.trim());
    }

    /**
     * The port named by {@code PORT}, or {@value #DEFAULT_PORT}.
     *
     * @throws IllegalArgumentException naming the value when it is not a port number
     */
    static int port(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Invalid PORT='" + value + "': expected a port number from 0 to 65535");
    }

    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            limiter.close();
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        DemoServer demo = start(port(env.get("PORT")), env);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                demo.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "demo-shutdown"));
        System.out.print(demo.banner());
    }
}
