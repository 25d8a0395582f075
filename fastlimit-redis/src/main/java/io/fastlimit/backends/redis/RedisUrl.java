package io.fastlimit.backends.redis;

import io.fastlimit.backends.BackendUrls;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed Redis URL.
 *
 * <ul>
 *   <li>{@code redis://host:6379}, {@code redis://:password@host:6379/0},
 *       {@code redis://user:password@host:6379} (ACL), {@code rediss://host:6380} (TLS);</li>
 *   <li>a Redis Cluster: one node's URL (the cluster is detected), or several nodes separated by
 *       commas: {@code redis://h1:7000,h2:7001,h3:7002};</li>
 *   <li>Sentinel: {@code redis-sentinel://[:password@]host:26379[,host2:26379]/mastername[/db]}
 *       ({@code rediss-sentinel://} for TLS);</li>
 *   <li>query parameters for TLS: {@code sslTruststore} (a file path or URL),
 *       {@code sslTruststorePassword}, {@code sslVerifyHostname=false}.</li>
 * </ul>
 */
final class RedisUrl {

    enum Mode { STANDALONE_OR_CLUSTER, CLUSTER, SENTINEL }

    final Mode mode;
    final boolean tls;
    /** {@code redis://host:port} or {@code rediss://host:port}, as Redisson takes them. */
    final List<String> nodes;
    final String username;
    final String password;
    final int database;
    final String masterName;
    final Map<String, String> parameters;
    private final String original;

    private RedisUrl(Mode mode, boolean tls, List<String> nodes, String username, String password, int database,
                     String masterName, Map<String, String> parameters, String original) {
        this.mode = mode;
        this.tls = tls;
        this.nodes = List.copyOf(nodes);
        this.username = username;
        this.password = password;
        this.database = database;
        this.masterName = masterName;
        this.parameters = parameters;
        this.original = original;
    }

    /**
     * @throws IllegalArgumentException naming the URL (password hidden) and what is accepted
     */
    static RedisUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw invalid(url, "it is empty");
        }
        String text = url.trim();
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            throw invalid(text, "it has no scheme");
        }
        String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        boolean sentinel = scheme.equals("redis-sentinel") || scheme.equals("rediss-sentinel");
        boolean tls = scheme.equals("rediss") || scheme.equals("rediss-sentinel");
        if (!sentinel && !scheme.equals("redis") && !scheme.equals("rediss")) {
            throw invalid(text, "the scheme '" + scheme + "' is not redis, rediss, redis-sentinel or rediss-sentinel");
        }
        String rest = text.substring(schemeEnd + 3);
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String username = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                password = decode(userInfo);
            } else {
                username = colon == 0 ? null : decode(userInfo.substring(0, colon));
                password = decode(userInfo.substring(colon + 1));
            }
            if (password != null && password.isEmpty()) {
                password = null;
            }
        }
        String nodeScheme = tls ? "rediss://" : "redis://";
        List<String> nodes = new ArrayList<>();
        for (String hostPort : rest.split(",")) {
            nodes.add(nodeScheme + checkHostPort(hostPort.trim(), text, sentinel ? 26379 : 6379));
        }
        int database = 0;
        String masterName = null;
        String[] segments = path.isEmpty() ? new String[0] : path.split("/");
        if (sentinel) {
            if (segments.length == 0 || segments[0].isEmpty()) {
                throw invalid(text, "a Sentinel URL names its master: redis-sentinel://host:26379/mymaster");
            }
            masterName = decode(segments[0]);
            if (segments.length > 1) {
                database = parseDatabase(segments[1], text);
            }
        } else if (segments.length > 0) {
            if (segments.length > 1) {
                throw invalid(text, "the path must be a database number such as /0");
            }
            database = parseDatabase(segments[0], text);
        }
        Mode mode = sentinel ? Mode.SENTINEL : nodes.size() > 1 ? Mode.CLUSTER : Mode.STANDALONE_OR_CLUSTER;
        if (mode == Mode.CLUSTER && database != 0) {
            throw invalid(text, "Redis Cluster has only database 0");
        }
        return new RedisUrl(mode, tls, nodes, username, password, database, masterName, parseQuery(query, text), text);
    }

    private static String checkHostPort(String hostPort, String url, int defaultPort) {
        if (hostPort.isEmpty()) {
            throw invalid(url, "a host is missing");
        }
        try {
            URI uri = new URI("redis://" + hostPort);
            if (uri.getHost() == null) {
                throw invalid(url, "'" + hostPort + "' is not host:port");
            }
            int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
            return (uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost())
                    + ":" + port;
        } catch (URISyntaxException e) {
            throw invalid(url, "'" + hostPort + "' is not host:port");
        }
    }

    private static int parseDatabase(String segment, String url) {
        try {
            int database = Integer.parseInt(segment);
            if (database < 0) {
                throw new NumberFormatException();
            }
            return database;
        } catch (NumberFormatException e) {
            throw invalid(url, "the database '" + segment + "' is not a number from 0");
        }
    }

    private static Map<String, String> parseQuery(String query, String url) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            switch (name) {
                case "sslTruststore":
                case "sslTruststorePassword":
                case "sslVerifyHostname":
                    parameters.put(name, value);
                    break;
                default:
                    throw invalid(url, "the parameter '" + name
                            + "' is unknown: expected sslTruststore, sslTruststorePassword or sslVerifyHostname");
            }
        }
        return parameters;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException invalid(String url, String why) {
        return new IllegalArgumentException("Invalid Redis URL '" + BackendUrls.redact(url) + "': " + why
                + ". Expected redis://[[user]:password@]host:6379[/db], rediss://… for TLS, several host:port"
                + " separated by commas for a cluster, or redis-sentinel://host:26379/mastername");
    }

    @Override
    public String toString() {
        return BackendUrls.redact(original);
    }
}
