package io.fastlimit.servlet;

import io.fastlimit.servlet.app.AsyncServlet;
import io.fastlimit.servlet.app.CountingServlet;
import io.fastlimit.servlet.app.ErrorPageServlet;
import io.fastlimit.servlet.app.FailingServlet;
import io.fastlimit.servlet.app.ForwardServlet;
import io.fastlimit.servlet.app.HelloServlet;
import io.fastlimit.servlet.app.StreamingServlet;
import io.fastlimit.servlet.app.TestAuthFilter;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A real Jetty 12.1 (EE 10) on a free loopback port: either a servlet context assembled in code, or
 * a webapp deployed from a {@code web.xml}. Both serve {@code /hello},
 * {@code /login}, {@code /stream}, {@code /async}, {@code /forward}, {@code /fail}, {@code /counted} and
 * {@code /sync-only}, behind
 * {@link TestAuthFilter}.
 */
final class TestServer extends TestContainer {

    private final Server server;
    private final ServerConnector connector;
    private final ServletContextHandler context;

    private TestServer(ServletContextHandler context) {
        this.server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(REQUEST_HEADER_BYTES);
        this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler((Handler) context);
        this.context = context;
    }

    /** A context built in code: the test adds its filters with {@code filters} after the auth filter. */
    static TestServer embedded(Consumer<ServletContextHandler> filters) throws Exception {
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new TestAuthFilter()), "/*", ALL_DISPATCHES);
        filters.accept(context);
        context.addServlet(HelloServlet.class, "/hello");
        context.addServlet(HelloServlet.class, "/login");
        context.addServlet(StreamingServlet.class, "/stream");
        context.addServlet(AsyncServlet.class, "/async").setAsyncSupported(true);
        context.addServlet(ForwardServlet.class, "/forward");
        context.addServlet(FailingServlet.class, "/fail");
        context.addServlet(ErrorPageServlet.class, "/error");
        context.addServlet(CountingServlet.class, "/counted").setAsyncSupported(true);
        context.addServlet(CountingServlet.class, "/sync-only").setAsyncSupported(false);
        ErrorPageErrorHandler errorPages = new ErrorPageErrorHandler();
        errorPages.addErrorPage(503, "/error");
        context.setErrorHandler(errorPages);
        return start(new TestServer(context));
    }

    /** The test application with {@code filters}, each on its pattern, after the auth filter. */
    static TestServer embedded(List<TestFilter> filters) throws Exception {
        return embedded(context -> {
            for (TestFilter filter : filters) {
                FilterHolder holder = new FilterHolder(filter.filter());
                holder.setName(filter.name());
                holder.setInitParameters(filter.initParams());
                holder.setAsyncSupported(filter.asyncSupported());
                context.addFilter(holder, filter.urlPattern(), EnumSet.copyOf(filter.dispatches()));
            }
        });
    }

    /**
     * The webapp under {@code src/test/resources/webapps/<name>} (or any directory with a
     * {@code WEB-INF/web.xml}), with {@code attributes} set on its context before it starts.
     */
    static TestServer webapp(Path base, Map<String, Object> attributes) throws Exception {
        TestServer server = new TestServer(webAppContext(base, attributes));
        return start(server);
    }

    /** A webapp that has not been started, for tests that expect it to fail. */
    static TestServer unstartedWebapp(Path base) {
        return new TestServer(webAppContext(base, Map.of()));
    }

    /** Starts the webapp in {@code base}, expecting it to fail, and returns every message of the failure. */
    static String startFailure(Path base) {
        TestServer failing = unstartedWebapp(base);
        try {
            Throwable failure = catchThrowable(failing::start);
            assertThat(failure).as("the webapp should not start").isNotNull();
            List<String> messages = new ArrayList<>();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                messages.add(t.toString());
                for (Throwable suppressed : t.getSuppressed()) {
                    messages.add(suppressed.toString());
                }
            }
            return String.join("\n", messages);
        } finally {
            failing.close();
        }
    }

    static Path resourceWebapp(String name) {
        try {
            return Path.of(TestServer.class.getResource("/webapps/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WebAppContext webAppContext(Path base, Map<String, Object> attributes) {
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setBaseResourceAsPath(base);
        webapp.setParentLoaderPriority(true);
        webapp.setThrowUnavailableOnStartupException(true);
        attributes.forEach(webapp::setAttribute);
        return webapp;
    }

    private static TestServer start(TestServer server) throws Exception {
        try {
            server.server.start();
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Starts a server built by {@link #unstartedWebapp}; a failure stops it again. */
    void start() throws Exception {
        start(this);
    }

    ServletContextHandler context() {
        return context;
    }

    @Override
    int port() {
        return connector.getLocalPort();
    }

    @Override
    Object contextAttribute(String name) {
        return context.getServletContext().getAttribute(name);
    }

    /** The started {@link FastLimitFilter} named {@code filterName}. */
    FastLimitFilter filter(String filterName) {
        return (FastLimitFilter) context.getServletHandler().getFilter(filterName).getFilter();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }
}
