package io.fastlimit;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the limiter needs to know of an HTTP request: who sent it. The Servlet and JAX-RS adapters
 * implement this over their own request types; {@link #of} builds one for tests and custom
 * integrations.
 */
public interface ClientRequest {

    /** The address of the socket peer as the server reports it; may be {@code null} or not an IP. */
    String remoteAddress();

    /** The first value of request header {@code name} (case-insensitive), or {@code null}. */
    String header(String name);

    /**
     * Every value of request header {@code name}, in the order received. Only needed for headers that
     * may repeat, such as {@code X-Forwarded-For}; the default returns {@link #header(String)}'s value.
     */
    default List<String> headers(String name) {
        String value = header(name);
        return value == null ? List.of() : List.of(value);
    }

    /** The authenticated user's stable id, or {@code null} for an anonymous request. */
    String user();

    /**
     * The value of request attribute {@code name} (in JAX-RS, the request property), set by the
     * application on the server side, such as the plan its authentication found; {@code null} when
     * absent. Read by {@link PlanResolver#fromAttribute}. The default has no attributes.
     */
    default Object attribute(String name) {
        return null;
    }

    /**
     * A request with the given peer address, headers (names case-insensitive) and user.
     *
     * @param headers header name to values; may be empty
     * @param user    the authenticated user, or {@code null}
     */
    static ClientRequest of(String remoteAddress, Map<String, List<String>> headers, String user) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> byName.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return new ClientRequest() {
            @Override
            public String remoteAddress() {
                return remoteAddress;
            }

            @Override
            public String header(String name) {
                List<String> values = byName.get(name);
                return values == null || values.isEmpty() ? null : values.get(0);
            }

            @Override
            public List<String> headers(String name) {
                return byName.getOrDefault(name, List.of());
            }

            @Override
            public String user() {
                return user;
            }
        };
    }

    /** An anonymous request from {@code remoteAddress} with no headers. */
    static ClientRequest of(String remoteAddress) {
        return of(remoteAddress, Map.of(), null);
    }
}
