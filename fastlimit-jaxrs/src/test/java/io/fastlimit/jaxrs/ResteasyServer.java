package io.fastlimit.jaxrs;

import jakarta.ws.rs.core.Application;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jboss.resteasy.core.ResteasyDeploymentImpl;
import org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher;
import org.jboss.resteasy.spi.ResteasyDeployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RESTEasy 7 applications in a real Jetty 12.1 (EE 10) on a free loopback port: RESTEasy's servlet,
 * one webapp context per application at {@code /<path>}, each with its deployment built from the
 * standard {@link Application} (its classes and singletons), as a container that bootstraps RESTEasy
 * from {@code web.xml} would.
 */
final class ResteasyServer implements JaxRsServer {

    private final Server server;
    private final int port;
    private final List<ResteasyDeployment> deployments;

    private ResteasyServer(Server server, int port, List<ResteasyDeployment> deployments) {
        this.server = server;
        this.port = port;
        this.deployments = deployments;
    }

    /** Serves each application at {@code /<path>/*}; an application that fails to deploy fails this call. */
    static ResteasyServer start(Map<String, ? extends Application> applications) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("jetty-test");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        List<ResteasyDeployment> deployments = new ArrayList<>();
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        try {
            for (Map.Entry<String, ? extends Application> application : applications.entrySet()) {
                ResteasyDeployment deployment = new ResteasyDeploymentImpl();
                deployment.setApplication(application.getValue());
                deployment.start(); // reads the annotations: a bad one throws here
                deployments.add(deployment);
                ServletContextHandler context = new ServletContextHandler("/" + application.getKey());
                context.setAttribute(ResteasyDeployment.class.getName(), deployment);
                ServletHolder holder = new ServletHolder(application.getKey(), new HttpServlet30Dispatcher());
                holder.setInitOrder(1);
                holder.setAsyncSupported(true);
                context.addServlet(holder, "/*");
                contexts.addHandler((Handler) context);
            }
            server.setHandler(contexts);
            server.start();
        } catch (Exception e) {
            server.stop();
            deployments.forEach(ResteasyDeployment::stop);
            throw e;
        }
        return new ResteasyServer(server, connector.getLocalPort(), deployments);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        server.stop();
        deployments.forEach(ResteasyDeployment::stop);
    }
}
