package io.fastlimit.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.rules.RateLimitRule;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A small HTTP server that shows fastlimit at work: {@code GET /hello} allows 5 requests per minute
 * per client IP, then answers 429. It listens on {@code PORT} (default 8080) and keeps its counters
 * in memory, or in Redis when {@code FASTLIMIT_REDIS_URL} is set.
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java
 * for i in 1 2 3 4 5 6; do curl -si localhost:8080/hello | head -1; done
 * </pre>
 */
public final class DemoServer implements AutoCloseable {

    private final FastLimit limiter;
    private final HttpServer server;
    private final RateLimitRule helloRule = RateLimitRule.ip("hello", "5/min");

    public DemoServer(FastLimit limiter, int port) throws IOException {
        this.limiter = limiter;
        this.server = HttpServer.create(new InetSocketAddress(port), 0);
        server.createContext("/hello", this::hello);
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
        FastLimit limiter = FastLimit.fromEnv();
        DemoServer demo = new DemoServer(limiter, port);
        demo.start();
        System.out.println("fastlimit demo listening on http://localhost:" + demo.port() + "/hello"
                + " (5 requests per minute per IP), backend: " + limiter.backend().getClass().getSimpleName());
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void hello(HttpExchange exchange) throws IOException {
        try (exchange) {
            RateLimitDecision decision = limiter.check(helloRule, request(exchange));
            decision.forEachHeader(exchange.getResponseHeaders()::set);
            if (decision.allowed()) {
                send(exchange, 200, "text/plain; charset=utf-8", "Hello from fastlimit!\n");
            } else {
                send(exchange, 429, "application/json", decision.errorBody());
            }
        }
    }

    private static ClientRequest request(HttpExchange exchange) {
        return new ClientRequest() {
            @Override
            public String remoteAddress() {
                return exchange.getRemoteAddress().getAddress().getHostAddress();
            }

            @Override
            public String header(String name) {
                return exchange.getRequestHeaders().getFirst(name);
            }

            @Override
            public List<String> headers(String name) {
                List<String> values = exchange.getRequestHeaders().get(name);
                return values == null ? List.of() : values;
            }

            @Override
            public String user() {
                return null;
            }
        };
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        limiter.close();
    }
}
