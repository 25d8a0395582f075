package io.fastlimit.examples;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The WAR the build packages from the web.xml webapp ({@code fastlimit-examples-*-webapp.war}), deployed as
 * any WAR is into a real Tomcat 11 and a real Jetty 12.1, its limits checked over HTTP. The webapp loads
 * fastlimit from its own {@code WEB-INF/lib}, as it would in a container that has never heard of it.
 * Run by {@code ./mvnw verify} once the WAR is packaged.
 */
class WebappWarIT {

    /** What runs the WAR: a port to talk to, stopped when closed. */
    private interface Deployment extends AutoCloseable {
        int port();

        @Override
        void close() throws Exception;
    }

    private static final Path WAR = Path.of(System.getProperty("webapp.war", "target/webapp.war"));

    @ParameterizedTest
    @ValueSource(strings = {"tomcat", "jetty"})
    void theWebXmlLimitsHoldInTheDeployedWar(String container, @TempDir Path work) throws Exception {
        try (Deployment deployment = container.equals("tomcat") ? tomcat(work) : jetty(work)) {
            RequestSpecification http = RestAssured.given().baseUri("http://127.0.0.1").port(deployment.port()).basePath("/webxml");

            for (int remaining = 4; remaining >= 0; remaining--) {
                http.get("/hello").then().statusCode(200).body(equalTo("Hello from a web.xml webapp!\n"))
                        .header("X-RateLimit-Limit", "5").header("X-RateLimit-Remaining", Integer.toString(remaining));
            }
            http.get("/hello").then().statusCode(429).body("retry_after", equalTo(60));

            // an issued key has 5/min of its own; a made-up one counts as the address, at 2/min
            http.header("X-Api-Key", "demo-key").get("/reports").then().statusCode(200)
                    .header("X-RateLimit-Limit", "5").header("X-RateLimit-Remaining", "4");
            RestAssured.given().baseUri("http://127.0.0.1").port(deployment.port()).basePath("/webxml")
                    .header("X-Api-Key", "made-up").get("/reports").then().statusCode(200).header("X-RateLimit-Limit", "2");
        }
    }

    @org.junit.jupiter.api.Test
    void theWarHoldsTheWebappAndFastlimitOnly() throws Exception {
        try (ZipFile war = new ZipFile(WAR.toFile())) {
            assertThat(war.stream().map(java.util.zip.ZipEntry::getName).filter(name -> name.startsWith("WEB-INF/lib/")))
                    .hasSize(2)
                    .anyMatch(name -> name.startsWith("WEB-INF/lib/fastlimit-core-"))
                    .anyMatch(name -> name.startsWith("WEB-INF/lib/fastlimit-servlet-"));
            assertThat(war.getEntry("WEB-INF/web.xml")).isNotNull();
            assertThat(war.getEntry("WEB-INF/classes/io/fastlimit/examples/DemoApiKeys.class")).isNotNull();
            assertThat(war.getEntry("WEB-INF/classes/io/fastlimit/examples/DemoServer.class")).isNull();
        }
    }

    /** Tomcat's own way: {@code addWebapp} with the WAR file, expanded into its app base. */
    private static Deployment tomcat(Path work) throws Exception {
        // the JDK's one CompletableFuture timer thread, started here rather than by a request of the webapp
        CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS).execute(() -> { });
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(work.toString());
        Files.createDirectories(work.resolve("webapps"));
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        tomcat.setAddDefaultWebXmlToWebapp(false); // no JSP servlet: Jasper is not here, and the webapp needs none
        Context context = tomcat.addWebapp("/webxml", WAR.toAbsolutePath().toString());
        if (context.getJarScanner() instanceof StandardJarScanner scanner) {
            scanner.setScanClassPath(false);
        }
        if (context instanceof StandardContext standard) {
            standard.setClearReferencesThreadLocals(false); // these leak checks need --add-opens, and warn without
            standard.setClearReferencesRmiTargets(false);
        }
        tomcat.start();
        if (!context.getState().isAvailable()) {
            tomcat.stop();
            tomcat.destroy();
            throw new IllegalStateException("Tomcat did not start the webapp: see its log");
        }
        return new Deployment() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public void close() throws LifecycleException {
                tomcat.stop();
                tomcat.destroy();
            }
        };
    }

    /** Jetty's own way: a {@link WebAppContext} on the WAR file, its classes first. */
    private static Deployment jetty(Path work) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/webxml");
        webapp.setWar(WAR.toAbsolutePath().toString());
        webapp.setTempDirectory(work.toFile());
        webapp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webapp);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new Deployment() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public void close() throws Exception {
                server.stop();
            }
        };
    }
}
