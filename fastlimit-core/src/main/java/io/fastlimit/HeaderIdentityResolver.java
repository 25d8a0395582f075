package io.fastlimit;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * Says whether the value of a rule's header (an API key, say) is genuine, and which client it
 * belongs to. A header is written by the client, so without this check a client could send a new
 * made-up value with every request and get a fresh bucket each time.
 *
 * <pre>{@code
 * RateLimitRule api = RateLimitRule.builder("api")
 *         .header("X-Api-Key", "500/min")
 *         .headerResolver(apiKey -> keyStore.clientIdOf(apiKey))   // null for a key we never issued
 *         .ip("20/min")
 *         .build();
 * }</pre>
 *
 * <h2>What the limiter does with the answer</h2>
 * <ul>
 *   <li>A client id: the request counts against the header bucket of that id (two keys of one
 *       client may share a bucket by resolving to one id).</li>
 *   <li>{@code null} or blank, or an exception: the value is unknown, and the request counts against
 *       the rule's IP bucket, as if it had sent no header; for a rule without IP rates, against its
 *       header rates per client IP.</li>
 * </ul>
 *
 * <h2>Without a resolver (the default)</h2>
 * A rule with a header rate and no resolver treats every value as unverified: a value gets a bucket
 * of its own, and the request also counts against the rule's IP rates (for a rule without IP rates,
 * its header rates per client IP). So made-up values never lift a client above its IP limit. When
 * the header is set by something you trust, such as an authenticating gateway that removes the
 * client's own, say so with {@link #trustAny()}.
 *
 * <p>Called for every request that carries the header, concurrently: implementations must be
 * thread-safe and fast (look keys up in memory or in a cache, not in a database on every call).
 * Named in {@code web.xml} by the {@code header-resolver} init-param, or in
 * {@code @RateLimit(headerResolver = ...)}, an implementation needs a public no-argument constructor.
 */
@FunctionalInterface
public interface HeaderIdentityResolver {

    /**
     * The stable id of the client that {@code headerValue} belongs to, or {@code null} when the value
     * is not one the application issued.
     *
     * @param headerValue the header's value, trimmed, never empty
     */
    String clientId(String headerValue);

    /** Every value is genuine and is its own client id: for a header set by a proxy or gateway you trust. */
    static HeaderIdentityResolver trustAny() {
        return new TrustAny();
    }

    /**
     * Values that {@code isGenuine} accepts are their own client id; others are unknown.
     *
     * <pre>{@code
     * HeaderIdentityResolver.validatedBy(Set.of("key-of-acme", "key-of-globex")::contains)
     * }</pre>
     */
    static HeaderIdentityResolver validatedBy(Predicate<String> isGenuine) {
        Objects.requireNonNull(isGenuine, "isGenuine");
        return value -> isGenuine.test(value) ? value : null;
    }

    /**
     * {@link #trustAny()} as a class, for {@code web.xml}
     * ({@code io.fastlimit.HeaderIdentityResolver$TrustAny}) and annotations
     * ({@code headerResolver = HeaderIdentityResolver.TrustAny.class}).
     */
    final class TrustAny implements HeaderIdentityResolver {

        @Override
        public String clientId(String headerValue) {
            return headerValue;
        }
    }
}
