package io.fastlimit.servlet;

import io.fastlimit.servlet.app.AsyncServlet;
import io.fastlimit.servlet.app.CountingServlet;
import io.fastlimit.servlet.app.ErrorPageServlet;
import io.fastlimit.servlet.app.FailingServlet;
import io.fastlimit.servlet.app.ForwardServlet;
import io.fastlimit.servlet.app.HelloServlet;
import io.fastlimit.servlet.app.StreamingServlet;
import io.fastlimit.servlet.app.TestAuthFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.util.scan.StandardJarScanner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A real embedded Tomcat 11 on a free loopback port, serving the same test application as
 * {@link TestServer}: a context assembled in code, or a webapp deployed from its {@code web.xml}.
 *
 * <p>Where Tomcat differs from Jetty, and what this class does about it:
 * <ul>
 *   <li>a context whose filter fails to start does not make {@link Tomcat#start()} throw: Tomcat logs the
 *       error and leaves the context unavailable, so {@link #start} checks its state;</li>
 *   <li>request headers are limited to 8 KB by default: raised as for Jetty, for the hostile-input tests;</li>
 *   <li>{@link Tomcat#addWebapp} adds the JSP servlet and scans the class path for TLDs: both are turned off,
 *       as neither the tests nor the filter need them;</li>
 *   <li>stopping a context looks for ThreadLocal and RMI leaks, which needs {@code --add-opens} and warns
 *       without it: turned off; and for threads the webapp started, which the tests' shared clients start
 *       (see {@link #LEAK_WARNINGS}).</li>
 * </ul>
 */
final class TomcatServer extends TestContainer {

    /**
     * Tomcat warns, when a webapp stops, of every thread that a request of the webapp started and that
     * outlives it. The tests share one Redis client across
     * many short-lived webapps, so threads the client starts lazily, such as when it reconnects during a
     * request, are taken for the webapp's: those warnings are held back here. Kept in a field, as
     * java.util.logging forgets the level of a logger nobody holds.
     */
    private static final Logger LEAK_WARNINGS = Logger.getLogger("org.apache.catalina.loader.WebappClassLoaderBase");

    static {
        LEAK_WARNINGS.setLevel(Level.SEVERE);
    }

    private final Tomcat tomcat;
    private final Path baseDir;
    private final Connector connector;
    private final Context context;

    private TomcatServer(Tomcat tomcat, Path baseDir, Connector connector, Context context) {
        this.tomcat = tomcat;
        this.baseDir = baseDir;
        this.connector = connector;
        this.context = context;
    }

    /** The test application with {@code filters}, each on its pattern, after the auth filter. */
    static TomcatServer embedded(List<TestFilter> filters) throws Exception {
        Tomcat tomcat = newTomcat();
        Context context = tomcat.addContext("", null);
        addFilter(context, new TestFilter("auth", new TestAuthFilter(), Map.of(), "/*", ALL_DISPATCHES, true));
        filters.forEach(filter -> addFilter(context, filter));
        addServlet(context, "hello", new HelloServlet(), "/hello");
        addServlet(context, "login", new HelloServlet(), "/login");
        addServlet(context, "stream", new StreamingServlet(), "/stream");
        addServlet(context, "async", new AsyncServlet(), "/async");
        addServlet(context, "forward", new ForwardServlet(), "/forward");
        addServlet(context, "fail", new FailingServlet(), "/fail");
        addServlet(context, "error", new ErrorPageServlet(), "/error");
        addServlet(context, "counted", new CountingServlet(), "/counted");
        Tomcat.addServlet(context, "sync-only", new CountingServlet()).setAsyncSupported(false);
        context.addServletMappingDecoded("/sync-only", "sync-only");
        ErrorPage unavailable = new ErrorPage();
        unavailable.setErrorCode(503);
        unavailable.setLocation("/error");
        context.addErrorPage(unavailable);
        return start(tomcat, context);
    }

    /**
     * The webapp at {@code base}, a directory with a {@code WEB-INF/web.xml} or a WAR file, with
     * {@code attributes} set on its context before its filters start (from a
     * {@code ServletContainerInitializer}, as an application would).
     */
    static TomcatServer webapp(Path base, Map<String, Object> attributes) throws Exception {
        Tomcat tomcat = newTomcat();
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addWebapp("", base.toAbsolutePath().toString());
        if (context.getJarScanner() instanceof StandardJarScanner scanner) {
            scanner.setScanClassPath(false);
            scanner.setScanManifest(false);
        }
        if (!attributes.isEmpty()) {
            context.addServletContainerInitializer((classes, servletContext) -> attributes.forEach(servletContext::setAttribute),
                    null);
        }
        return start(tomcat, context);
    }

    private static Tomcat newTomcat() throws IOException {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat").toString());
        Files.createDirectories(Path.of(tomcat.getHost().getAppBaseFile().getPath()));
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxHttpHeaderSize", Integer.toString(REQUEST_HEADER_BYTES));
        tomcat.setConnector(connector);
        return tomcat;
    }

    private static void addFilter(Context context, TestFilter filter) {
        FilterDef definition = new FilterDef();
        definition.setFilterName(filter.name());
        definition.setFilter(filter.filter());
        definition.setFilterClass(filter.filter().getClass().getName());
        definition.setAsyncSupported(Boolean.toString(filter.asyncSupported()));
        filter.initParams().forEach(definition::addInitParameter);
        context.addFilterDef(definition);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName(filter.name());
        mapping.addURLPattern(filter.urlPattern());
        for (DispatcherType type : filter.dispatches()) {
            mapping.setDispatcher(type.name());
        }
        context.addFilterMap(mapping);
    }

    private static void addServlet(Context context, String name, HttpServlet servlet, String pattern) {
        Tomcat.addServlet(context, name, servlet).setAsyncSupported(true);
        context.addServletMappingDecoded(pattern, name);
    }

    private static TomcatServer start(Tomcat tomcat, Context context) throws Exception {
        if (context instanceof StandardContext standard) {
            // these leak checks on stop need --add-opens, and warn on every stop without them
            standard.setClearReferencesThreadLocals(false);
            standard.setClearReferencesRmiTargets(false);
        }
        Path baseDir = Path.of(tomcat.getServer().getCatalinaBase().getPath());
        TomcatServer server = new TomcatServer(tomcat, baseDir, tomcat.getConnector(), context);
        try {
            tomcat.start();
            if (!context.getState().isAvailable()) {
                // Tomcat logs why (such as a filter's ServletException) and goes on without the webapp
                throw new IllegalStateException("Tomcat did not start the webapp: its context is " + context.getState());
            }
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    @Override
    int port() {
        return connector.getLocalPort();
    }

    @Override
    Object contextAttribute(String name) {
        return context.getServletContext().getAttribute(name);
    }

    @Override
    public void close() {
        if (tomcat.getServer().getState() == LifecycleState.DESTROYED) {
            return;
        }
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop", e);
        } finally {
            deleteRecursively(baseDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory left behind
        }
    }
}
