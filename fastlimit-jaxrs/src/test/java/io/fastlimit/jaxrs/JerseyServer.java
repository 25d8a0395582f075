package io.fastlimit.jaxrs;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

import jakarta.ws.rs.core.Application;

import java.util.Map;

/** Jersey applications in a real Jetty 12.1 (EE 10) on a free loopback port, each under its own path. */
final class JerseyServer implements JaxRsServer {

    private final Server server;
    private final int port;

    private JerseyServer(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    /**
     * Starts one Jersey servlet per entry, at {@code /<path>/*}. Applications initialise as the server
     * starts, so a failing one fails {@link Server#start()}.
     */
    static JerseyServer start(Map<String, ? extends Application> applications) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("jetty-test");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        applications.forEach((path, standard) -> {
            ResourceConfig application = standard instanceof ResourceConfig config ? config : ResourceConfig.forApplication(standard);
            application.property(ServerProperties.WADL_FEATURE_DISABLE, true);
            ServletHolder holder = new ServletHolder(path, new ServletContainer(application));
            holder.setInitOrder(1);
            holder.setAsyncSupported(true);
            context.addServlet(holder, "/" + path + "/*");
        });
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw e;
        }
        return new JerseyServer(server, connector.getLocalPort());
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
