package io.fastlimit;

import java.util.Objects;
import java.util.function.Function;

/**
 * Says which plan a request's caller is on ({@code "free"}, {@code "pro"}), so that a rule with
 * {@linkplain io.fastlimit.rules.RateLimitRule.Builder#plan(String, String) plans} applies that plan's
 * rates instead of its default ones.
 *
 * <pre>{@code
 * RateLimitRule api = RateLimitRule.builder("api")
 *         .header("X-Api-Key", "100/hour").headerResolver(apiKeys)
 *         .plan("pro", "10000/hour;500/min")
 *         .planResolver(PlanResolver.fromHeader("X-Api-Key", apiKeys::planOf))   // looked up, never taken as sent
 *         .ip("20/min")
 *         .build();
 * }</pre>
 *
 * <h2>The plan is the server's word, never the client's</h2>
 * A plan gives a caller more, so a client must not be able to name its own: answer from what the
 * server knows (the authenticated user's account or role, a request attribute your authentication
 * sets, the record of an API key you issued), never from a header taken as sent. Whatever the
 * resolver answers, a caller can only reach the plans the rule declares: {@code null}, a blank name,
 * a name the rule does not declare, or an exception all mean the rule's default rates.
 *
 * <h2>What a plan changes</h2>
 * Only the rates of the bucket the request counts against (its user, its genuine header value, or
 * its IP address); the key stays the same, and an {@linkplain io.fastlimit.rules.RateLimitRule.Builder#ipCeiling
 * IP ceiling} keeps the rule's IP rates. Backends count each set of rates of a key apart, so a caller
 * whose plan changes starts counting in the bucket of its new rates, and finds its earlier count
 * again if it comes back to the old ones within their window: a caller on no more than the declared
 * plans has no more than one bucket per plan.
 *
 * <p>Called for every request checked against a rule with plans, concurrently: implementations must
 * be thread-safe and fast. Named in {@code web.xml} by the {@code plan-resolver} init-param, an
 * implementation needs a public no-argument constructor.
 */
@FunctionalInterface
public interface PlanResolver {

    /**
     * The name of the plan {@code request}'s caller is on, or {@code null} for the rule's default
     * rates.
     */
    String plan(ClientRequest request);

    /**
     * The plan is the value of request attribute {@code name} (its {@code toString()}), set by
     * authentication in front; in JAX-RS, the request property of that name.
     */
    static PlanResolver fromAttribute(String name) {
        Objects.requireNonNull(name, "name");
        return request -> {
            Object value = request.attribute(name);
            return value == null ? null : value.toString();
        };
    }

    /**
     * The plan is what {@code planOfValue} answers for the value of request header {@code headerName}
     * (an API key looked up in your key store); {@code null} for a value it does not know. The header's
     * value is never a plan by itself.
     */
    static PlanResolver fromHeader(String headerName, Function<String, String> planOfValue) {
        Objects.requireNonNull(headerName, "headerName");
        Objects.requireNonNull(planOfValue, "planOfValue");
        return request -> {
            String value = request.header(headerName);
            return value == null || (value = value.trim()).isEmpty() ? null : planOfValue.apply(value);
        };
    }
}
