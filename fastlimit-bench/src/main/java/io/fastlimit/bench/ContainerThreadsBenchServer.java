package io.fastlimit.bench;

import io.fastlimit.Algorithm;
import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.redis.RedisBackend;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.rules.Rate;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

import java.io.IOException;
import java.util.EnumSet;
import java.util.List;

/**
 * Should a Servlet filter let go of the container's thread while Redis answers? This server answers
 * the same request three ways, so that {@code container-threads-bench.sh} can measure the choice:
 *
 * <ul>
 *   <li>{@code /plain} — a servlet, no check;</li>
 *   <li>{@code /sync} — a filter that waits for {@link Backend#checkAndIncrement} on the container's
 *       thread, as {@code FastLimitFilter} does;</li>
 *   <li>{@code /async} — a filter that calls {@code request.startAsync()}, returns the thread to the
 *       container, and when {@link Backend#checkAndIncrementAsync} completes dispatches the request
 *       back into the container, where the filter lets it through (or answers 429 at once).</li>
 * </ul>
 * Both filters make the same Redis call on the same key, so the difference is the container's
 * thread handling alone. {@code BENCH_VIRTUAL_THREADS=true} runs Jetty's requests on virtual threads.
 *
 * <p>{@code FASTLIMIT_REDIS_URL=redis://127.0.0.1:6390 java -cp fastlimit-bench/target/benchmarks.jar
 * io.fastlimit.bench.ContainerThreadsBenchServer 8094}
 */
public final class ContainerThreadsBenchServer {

    private static final String KEY = "fastlimit:bench-threads:ip:{127.0.0.1}";
    private static final List<BucketConfig> BUCKETS =
            List.of(BucketConfig.of(Rate.parse(HttpBenchServer.UNREACHABLE_RATE).get(0), Algorithm.FIXED_WINDOW));
    private static final String DECIDED = ContainerThreadsBenchServer.class.getName() + ".decided";

    private ContainerThreadsBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8094;
        String url = System.getenv("FASTLIMIT_REDIS_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("set FASTLIMIT_REDIS_URL: this benchmark measures waiting for Redis");
        }
        Backend backend = RedisBackend.fromUrl(url);
        Server server = HttpBenchServer.jetty(port);

        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new HttpBenchServer.Hello()), "/plain");
        context.addServlet(new ServletHolder(new HttpBenchServer.Hello()), "/sync");
        ServletHolder asyncServlet = new ServletHolder(new HttpBenchServer.Hello());
        asyncServlet.setAsyncSupported(true);
        context.addServlet(asyncServlet, "/async");
        context.addFilter(new FilterHolder(new WaitingFilter(backend)), "/sync", EnumSet.of(DispatcherType.REQUEST));
        FilterHolder asyncFilter = new FilterHolder(new AsyncFilter(backend));
        asyncFilter.setAsyncSupported(true);
        context.addFilter(asyncFilter, "/async", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        server.setHandler(context);
        server.start();
        System.out.println("ContainerThreadsBenchServer on http://127.0.0.1:" + port
                + HttpBenchServer.onVirtualThreads(server));
        server.join();
    }

    /** Holds the container's thread until Redis answers. */
    static final class WaitingFilter implements Filter {
        private final Backend backend;

        WaitingFilter(Backend backend) {
            this.backend = backend;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            if (backend.checkAndIncrement(KEY, BUCKETS, 1).allowed()) {
                chain.doFilter(request, response);
            } else {
                ((HttpServletResponse) response).sendError(429);
            }
        }
    }

    /** Gives the container's thread back while Redis answers, then dispatches the request again. */
    static final class AsyncFilter implements Filter {
        private final Backend backend;

        AsyncFilter(Backend backend) {
            this.backend = backend;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            Object decided = request.getAttribute(DECIDED);
            if (decided != null) { // the second pass, after the check
                if (Boolean.TRUE.equals(decided)) {
                    chain.doFilter(request, response);
                } else {
                    ((HttpServletResponse) response).sendError(429);
                }
                return;
            }
            if (!request.isAsyncSupported()) {
                new WaitingFilter(backend).doFilter(request, response, chain);
                return;
            }
            AsyncContext async = request.startAsync();
            backend.checkAndIncrementAsync(KEY, BUCKETS, 1).whenComplete((BackendResult result, Throwable error) -> {
                request.setAttribute(DECIDED, error == null && result.allowed());
                async.dispatch();
            });
        }
    }
}
