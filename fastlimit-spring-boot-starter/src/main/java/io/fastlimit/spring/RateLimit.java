package io.fastlimit.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits a Spring MVC handler method, or every handler method of a controller, as the JAX-RS
 * {@code @RateLimit} of {@code fastlimit-jaxrs} limits a resource:
 *
 * <pre>{@code
 * @GetMapping("/export")
 * @RateLimit(user = "10/hour", cost = 2)
 * public Export export() { ... }
 * }</pre>
 *
 * A class limit and a method limit both apply, the method's first; the headers report the tighter,
 * and a request turned away by one does not count against the other, nor against the
 * {@code fastlimit.rules} filters it passed. Rules are named {@code Controller.method} (a method) or
 * {@code Controller} (a class) unless {@link #name()} says otherwise. Annotations are read when the
 * application starts, and a bad value stops it, naming the handler method and the value.
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RateLimit {

    /** Short for {@link #ip()}. */
    String value() default "";

    /** Rate per client IP, such as {@code "100/min"} or {@code "10/s;500/hour"}. */
    String ip() default "";

    /** Rate per signed-in user ({@code HttpServletRequest.getUserPrincipal()}). */
    String user() default "";

    /** Rate per value of the request header {@link #headerName()}; every value also counts against {@link #ip()}. */
    String header() default "";

    /** The header {@link #header()} keys by, such as {@code X-Api-Key}. */
    String headerName() default "";

    /** Units each request consumes; at most the smallest limit. */
    int cost() default 1;

    /** Rule name, part of every key; default {@code Controller.method} or {@code Controller}. */
    String name() default "";
}
