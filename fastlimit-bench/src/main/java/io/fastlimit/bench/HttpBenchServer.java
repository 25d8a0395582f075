package io.fastlimit.bench;

import io.fastlimit.FastLimit;
import io.fastlimit.jaxrs.FastLimitFeature;
import io.fastlimit.jaxrs.RateLimit;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.servlet.FastLimitFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;

/**
 * The server the HTTP benchmark ({@code http-bench.sh}) drives with wrk: the same tiny answer with and
 * without rate limiting, so the difference is the limiter's cost per request.
 *
 * <ul>
 *   <li>{@code /plain} — a servlet, no filter;</li>
 *   <li>{@code /servlet} — the same servlet behind {@link FastLimitFilter};</li>
 *   <li>{@code /async-filter} — the same, the filter's {@code async} option on: it lets go of
 *       Jetty's thread while the backend answers;</li>
 *   <li>{@code /api/plain} — a Jersey resource without {@code @RateLimit};</li>
 *   <li>{@code /api/limited} — the same resource with {@code @RateLimit};</li>
 *   <li>{@code /stats} — how many checks the failure policy answered instead of the backend;</li>
 *   <li>{@code /real/servlet}, {@code /real/async-servlet} and {@code /api/real} — realistic traffic:
 *       a limit of {@value #REACHABLE_RATE} per client that busy clients reach, the client taken from
 *       {@code X-Forwarded-For} behind one trusted proxy (wrk's {@code many-clients.lua} sends 10,000
 *       addresses); {@code /real/async-servlet} with the filter's {@code async} option on.</li>
 * </ul>
 * On {@code /servlet} and {@code /api/limited} limits are far above what the benchmark reaches, so
 * every request is allowed and what is measured is the check. The backend is memory, or Redis when
 * {@code FASTLIMIT_REDIS_URL} is set; the algorithm is {@code FASTLIMIT_ALGORITHM}'s.
 *
 * <p>{@code java -cp fastlimit-bench/target/benchmarks.jar io.fastlimit.bench.HttpBenchServer 8081}
 */
public final class HttpBenchServer {

    /** Far above what one machine's loopback can send. */
    static final String UNREACHABLE_RATE = "1000000000/s";
    /**
     * Per client: the 100 busiest clients (a fifth of the requests) reach it within seconds, while the
     * other 10,000 share the rest, about one request a second each, and stay under it for the twenty-odd
     * seconds an endpoint is driven. So about a fifth of the requests get 429 whatever the endpoint's
     * speed, and endpoints are compared on the same mix.
     */
    static final String REACHABLE_RATE = "100/min";

    private HttpBenchServer() {
    }

    /**
     * A Jetty on {@code 127.0.0.1:port}, its requests on virtual threads when
     * {@code BENCH_VIRTUAL_THREADS=true} (JDK 21 and later), else on Jetty's platform threads.
     */
    static Server jetty(int port) {
        QueuedThreadPool threads = new QueuedThreadPool();
        if (Boolean.parseBoolean(System.getenv("BENCH_VIRTUAL_THREADS"))) {
            if (!VirtualThreads.areSupported()) {
                throw new IllegalStateException("BENCH_VIRTUAL_THREADS=true needs JDK 21 or later");
            }
            threads.setVirtualThreadsExecutor(VirtualThreads.getDefaultVirtualThreadsExecutor());
        }
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        return server;
    }

    /** " on virtual threads" when {@code server} runs its requests on them, else "". */
    static String onVirtualThreads(Server server) {
        return ((QueuedThreadPool) server.getThreadPool()).getVirtualThreadsExecutor() != null ? " on virtual threads" : "";
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
        FastLimit limiter = FastLimit.fromEnv();
        // the realistic endpoints stand behind one proxy of ours (wrk, on loopback) naming the client
        FastLimit behindProxy = FastLimit.builder().env(System.getenv()).trustedProxies(1).build();
        Server server = jetty(port);

        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new Hello()), "/plain");
        context.addServlet(new ServletHolder(new Hello()), "/servlet");
        context.addFilter(new FilterHolder(new FastLimitFilter(limiter, RateLimitRule.ip("bench-servlet", UNREACHABLE_RATE))),
                "/servlet", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder asyncServlet = new ServletHolder(new Hello());
        asyncServlet.setAsyncSupported(true);
        context.addServlet(asyncServlet, "/async-filter");
        FilterHolder asyncFilter = new FilterHolder(
                new FastLimitFilter(limiter, RateLimitRule.ip("bench-async-filter", UNREACHABLE_RATE)).async(true));
        asyncFilter.setAsyncSupported(true);
        context.addFilter(asyncFilter, "/async-filter", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Stats(limiter, behindProxy)), "/stats");
        context.addServlet(new ServletHolder(new Hello()), "/real/servlet");
        context.addFilter(new FilterHolder(new FastLimitFilter(behindProxy, RateLimitRule.ip("bench-real-servlet", REACHABLE_RATE))),
                "/real/servlet", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder realAsyncServlet = new ServletHolder(new Hello());
        realAsyncServlet.setAsyncSupported(true);
        context.addServlet(realAsyncServlet, "/real/async-servlet");
        FilterHolder realAsyncFilter = new FilterHolder(
                new FastLimitFilter(behindProxy, RateLimitRule.ip("bench-real-async-servlet", REACHABLE_RATE)).async(true));
        realAsyncFilter.setAsyncSupported(true);
        context.addFilter(realAsyncFilter, "/real/async-servlet", EnumSet.of(DispatcherType.REQUEST));
        ResourceConfig api = new ResourceConfig(Resource.class).register(new FastLimitFeature(limiter));
        api.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        context.addServlet(new ServletHolder(new ServletContainer(api)), "/api/*");
        ResourceConfig realApi = new ResourceConfig(RealResource.class).register(new FastLimitFeature(behindProxy));
        realApi.property(ServerProperties.WADL_FEATURE_DISABLE, true);
        context.addServlet(new ServletHolder(new ServletContainer(realApi)), "/api/real/*");
        server.setHandler(context);
        server.start();
        System.out.println("HttpBenchServer on http://127.0.0.1:" + port + " with " + limiter.backend().getClass().getSimpleName()
                + onVirtualThreads(server));
        server.join();
    }

    /** {@code failure-policy-decisions=N}: checks the failure policy answered instead of the backend. */
    public static final class Stats extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient FastLimit[] limiters;

        Stats(FastLimit... limiters) {
            this.limiters = limiters;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            long decisions = 0;
            for (FastLimit limiter : limiters) {
                decisions += limiter.failurePolicyDecisions();
            }
            response.setContentType("text/plain");
            response.getWriter().println("failure-policy-decisions=" + decisions);
        }
    }

    /** A constant short answer. */
    public static final class Hello extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final byte[] BODY = "hello\n".getBytes(StandardCharsets.UTF_8);

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.setContentLength(BODY.length);
            response.getOutputStream().write(BODY);
        }
    }

    /** The same answer from Jersey, limited and not. */
    @Path("/")
    public static final class Resource {
        @GET
        @Path("plain")
        @Produces(MediaType.TEXT_PLAIN)
        public String plain() {
            return "hello\n";
        }

        @GET
        @Path("limited")
        @Produces(MediaType.TEXT_PLAIN)
        @RateLimit(ip = UNREACHABLE_RATE, name = "bench-jaxrs")
        public String limited() {
            return "hello\n";
        }
    }

    /** The limited resource under realistic traffic. */
    @Path("/")
    public static final class RealResource {
        @GET
        @Produces(MediaType.TEXT_PLAIN)
        @RateLimit(ip = REACHABLE_RATE, name = "bench-real-jaxrs")
        public String real() {
            return "hello\n";
        }
    }
}
