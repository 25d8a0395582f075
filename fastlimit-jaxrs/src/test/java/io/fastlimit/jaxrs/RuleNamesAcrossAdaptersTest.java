package io.fastlimit.jaxrs;

import io.fastlimit.FastLimit;
import io.fastlimit.HeaderStyle;
import io.fastlimit.servlet.FastLimitFilter;
import io.restassured.RestAssured;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Servlet filter and the JAX-RS annotation make a rule name from the same text alike, also past
 * 128 characters, so that a limit keeps its buckets when it moves from one adapter to the other. Both
 * run in one real Jetty and report their rule name in the IETF {@code RateLimit-Policy} header.
 */
class RuleNamesAcrossAdaptersTest {

    @Path("reports")
    public static class Reports {
        @GET
        @RateLimit("10/min")
        public String aMethodWhoseNameIsSoLongThatItsRuleNameIsCutToOneHundredAndTwentyEightCharactersAndEndsInAChecksumOfTheWholeSoThatTwoLongNamesDifferingOnlyPastTheCutStillCountIntoBucketsOfTheirOwnAndTheServletFilterOfTheSameNameCountsIntoTheSameBucketsAsThisMethodWhateverTheAdapterThatNamesTheRuleEverywhere() {
            return "reports\n";
        }
    }

    /** What the servlet filter guards. */
    public static class Hello extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().write("hello\n");
        }
    }

    @Test
    void aFilterAndAnAnnotatedMethodOfThreeHundredCharactersGetTheSameRuleName() throws Exception {
        // the JAX-RS default name of a method limit: the resource class, a dot, the method
        String text = Reports.class.getSimpleName() + "." + Reports.class.getDeclaredMethods()[0].getName();
        assertThat(text).hasSize(300);

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        FilterHolder filter = new FilterHolder(FastLimitFilter.class);
        filter.setName(text); // configured by init-params, its rule is named after the filter
        filter.setInitParameter("ip", "10/min");
        filter.setInitParameter("headers", "ietf");
        context.addFilter(filter, "/servlet/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(Hello.class, "/servlet/hello");
        try (FastLimit limiter = FastLimit.builder().headers(HeaderStyle.ietf()).build()) {
            ServletHolder jersey = new ServletHolder(new ServletContainer(new ResourceConfig(Reports.class)
                    .property(ServerProperties.WADL_FEATURE_DISABLE, true)
                    .register(new FastLimitFeature(limiter))));
            jersey.setInitOrder(1);
            context.addServlet(jersey, "/jaxrs/*");
            server.setHandler(context);
            server.start();
            try {
                String servletPolicy = policy(connector.getLocalPort(), "/servlet/hello");
                String jaxRsPolicy = policy(connector.getLocalPort(), "/jaxrs/reports");

                assertThat(servletPolicy).isEqualTo(jaxRsPolicy).matches("\"Reports\\.aMethodWhose[A-Za-z]{99}-[0-9a-f]{8}\";q=10;w=60");
            } finally {
                server.stop();
            }
        }
    }

    private static String policy(int port, String path) {
        return RestAssured.given().baseUri("http://127.0.0.1").port(port).get(path)
                .then().statusCode(200).extract().header("RateLimit-Policy");
    }
}
