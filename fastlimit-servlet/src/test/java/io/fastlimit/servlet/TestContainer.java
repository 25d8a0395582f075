package io.fastlimit.servlet;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import jakarta.servlet.DispatcherType;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * A real servlet container on a free loopback port, serving the test application: {@code /hello},
 * {@code /login}, {@code /stream}, {@code /async}, {@code /forward}, {@code /fail} (which answers
 * with an error page, an {@code ERROR} dispatch), {@code /counted} (a {@link io.fastlimit.servlet.app.CountingServlet})
 * and {@code /sync-only} (the same, not async-supported), behind {@link io.fastlimit.servlet.app.TestAuthFilter}
 * and the filters of the test. {@link Kind} starts one on Jetty or on Tomcat, so a suite written
 * against this class runs on both.
 */
abstract class TestContainer implements AutoCloseable {

    /** Every dispatch type, so tests see that re-dispatches are not counted again. */
    static final EnumSet<DispatcherType> ALL_DISPATCHES = EnumSet.allOf(DispatcherType.class);

    /** Large enough for the 10 KB X-Forwarded-For of the hostile-input tests to reach the filter. */
    static final int REQUEST_HEADER_BYTES = 64 * 1024;

    /** The containers the suites run on. */
    enum Kind {
        JETTY {
            @Override
            TestContainer serve(List<TestFilter> filters) throws Exception {
                return TestServer.embedded(filters);
            }

            @Override
            TestContainer webapp(Path base, Map<String, Object> attributes) throws Exception {
                return TestServer.webapp(base, attributes);
            }
        },
        TOMCAT {
            @Override
            TestContainer serve(List<TestFilter> filters) throws Exception {
                return TomcatServer.embedded(filters);
            }

            @Override
            TestContainer webapp(Path base, Map<String, Object> attributes) throws Exception {
                return TomcatServer.webapp(base, attributes);
            }
        };

        /** The test application with {@code filters} after the auth filter, started. */
        abstract TestContainer serve(List<TestFilter> filters) throws Exception;

        /**
         * The webapp in directory {@code base}, configured by its {@code WEB-INF/web.xml}, with
         * {@code attributes} set on its context before its filters start, started.
         *
         * @throws Exception when the webapp does not start, such as when a filter's init-param is wrong
         */
        abstract TestContainer webapp(Path base, Map<String, Object> attributes) throws Exception;
    }

    abstract int port();

    /** An attribute of the servlet context of the test application or webapp. */
    abstract Object contextAttribute(String name);

    /** A REST Assured request to this container. */
    RequestSpecification request() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(port());
    }

    /** Stops the container, and with it the webapp: its filters are destroyed. */
    @Override
    public abstract void close();
}
