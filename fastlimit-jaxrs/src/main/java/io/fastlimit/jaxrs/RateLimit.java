package io.fastlimit.jaxrs;

import io.fastlimit.HeaderIdentityResolver;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits the requests a resource method, or every method of a resource class, accepts from one client.
 *
 * <pre>{@code
 * @Path("reports")
 * @RateLimit(ip = "100/min", user = "1000/min")        // shared by every method of the class
 * public class Reports {
 *
 *     @GET
 *     public List<Report> list() { ... }                // the class limit only
 *
 *     @POST @Path("export")
 *     @RateLimit(user = "10/hour", cost = 2, name = "export")   // the class limit and this one
 *     public Response export() { ... }
 * }
 * }</pre>
 *
 * <p>Nothing happens until {@link FastLimitFeature} is registered. A request is counted against the
 * most specific identity present: the authenticated user (when {@link #user()} is set), then the
 * value of {@link #headerName()} (when {@link #header()} is set), then the client's IP address. A
 * request no scope of the annotation applies to (say, an anonymous one on a user-only limit) passes
 * without being counted. A header value is the client's own claim: it keys a bucket of its own only
 * when a {@link #headerResolver()} (or one given to {@link FastLimitFeature#withHeaderResolver}) says
 * it is genuine; see {@link HeaderIdentityResolver} for what happens otherwise.
 *
 * <p>When both the class and the method carry the annotation, both limits apply: the class limit is
 * one bucket shared by all methods of the class, the method limit one for that method alone, and the
 * response headers report the more restrictive. As with JAX-RS annotations, an annotation on an
 * interface or superclass of the resource, or on the method a resource method implements, applies
 * when the resource itself has none. The annotation is read on resource methods (not on sub-resource
 * locators: annotate the methods of the located resource).
 *
 * <p>Every value is checked when the application starts; a bad one fails the start with a message
 * naming the resource method and the value.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface RateLimit {

    /** Shorthand for {@link #ip()}: {@code @RateLimit("10/min")}. */
    String value() default "";

    /**
     * Rates per client IP address, e.g. {@code "10/min"}, {@code "3/5min"} or {@code "10/s;500/hour"}
     * (all must hold). Empty: no IP limit.
     */
    String ip() default "";

    /** Rates per authenticated user; an anonymous request falls back to the other scopes. Empty: none. */
    String user() default "";

    /** Rates per distinct value of the request header {@link #headerName()}, such as an API key. Empty: none. */
    String header() default "";

    /** The request header that {@link #header()} counts by, e.g. {@code "X-Api-Key"}; needed with it. */
    String headerName() default "";

    /**
     * Which values of {@link #headerName()} are genuine, and whose: a class with a public no-argument
     * constructor, created once when the application starts, e.g. {@code ApiKeys.class}, or
     * {@code HeaderIdentityResolver.TrustAny.class} for a header an authenticating gateway sets. Default
     * (the interface itself): the one given to {@link FastLimitFeature#withHeaderResolver} for this
     * header, else none, and every value then also counts against the IP rates.
     */
    Class<? extends HeaderIdentityResolver> headerResolver() default HeaderIdentityResolver.class;

    /**
     * Whether the {@link #ip()} rates apply to every request as a ceiling, also to those keyed by user
     * or by a genuine header. Needs {@link #ip()}. Default {@code false}.
     */
    boolean ipCeiling() default false;

    /** Units one request consumes, from 1 to the smallest limit. Default 1. */
    int cost() default 1;

    /**
     * Other rates for callers on a plan, e.g. {@code plans = {@Plan(name = "pro", limit = "50/min")}}:
     * a caller on one of them gets its rates instead of the default ones of the bucket it counts
     * against; a caller on no plan, or on another, gets the default ones. Needs the plan resolver given
     * to {@link FastLimitFeature#withPlanResolver}. Default none.
     */
    Plan[] plans() default {};

    /**
     * Whether this limit runs in shadow mode: counted, and logged when it would have blocked (at most
     * every 10 s), but never blocking, while the other limits enforce theirs. Default {@code false}.
     */
    boolean shadow() default false;

    /**
     * The rule name written into every key. Default: derived from the resource, {@code Orders} for a
     * class limit and {@code Orders.export} for a method limit, so every instance of the application
     * shares the same buckets. Two annotations with the same name share their buckets, and must then
     * declare the same rates. Letters, digits and {@code . _ - /}, at most 128.
     */
    String name() default "";
}
