package io.fastlimit.jaxrs;

import io.fastlimit.FastLimit;
import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.PlanResolver;
import io.fastlimit.RateLimitDecision;

import jakarta.ws.rs.ConstrainedTo;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Enforces {@link RateLimit @RateLimit} on the resources of a JAX-RS application.
 *
 * <pre>{@code
 * FastLimit limiter = FastLimit.builder().trustedProxies(1).build();
 * ResourceConfig app = new ResourceConfig(Reports.class)
 *         .register(new FastLimitFeature(limiter));
 * }</pre>
 *
 * <p>Filters are bound, through a {@link jakarta.ws.rs.container.DynamicFeature}, to annotated
 * resource methods only: the others run exactly as without this feature. Annotations are read once,
 * when the application starts, and a bad value fails the start.
 *
 * <p>For each request to an annotated method the limiter checks the method's rule and its class's
 * rule, in that order, after authentication filters ({@link Priorities#AUTHORIZATION}), so the
 * {@link jakarta.ws.rs.core.SecurityContext} is known. The decision is kept in the request property
 * {@link #DECISION_PROPERTY}; its headers ({@code X-RateLimit-*} by default, see
 * {@link FastLimit.Builder#headers}) are added to every response of the method, whatever the
 * resource returned and including error responses.
 *
 * <p>Behind a {@code io.fastlimit.servlet.FastLimitFilter} of the same webapp, the two work as one:
 * the headers report the tighter of their limits, and a request an annotation turns away gives back
 * what the filter took (see {@link io.fastlimit.Consumption#recordInRequest}). A blocked request throws
 * {@link io.fastlimit.RateLimitExceededException}, which {@link RateLimitExceededMapper} turns into
 * 429 with {@code Retry-After} and a JSON body; register your own
 * {@code ExceptionMapper<RateLimitExceededException>} to answer differently.
 *
 * <p>A {@code header} limit keys a bucket by a header value only when a
 * {@link HeaderIdentityResolver} says it is genuine: the annotation's
 * {@link RateLimit#headerResolver() headerResolver}, or one given here for the header name, which may
 * hold the application's key store:
 *
 * <pre>{@code
 * new FastLimitFeature(limiter).withHeaderResolver("X-Api-Key", apiKeys::clientIdOf)
 * }</pre>
 *
 * <p>The client IP is the peer address of the connection (on a servlet container, such as Jersey on
 * Jetty, {@code HttpServletRequest.getRemoteAddr()}), or behind trusted proxies the address they
 * forwarded, as the limiter is configured. On other containers give a
 * {@link #withRemoteAddress remote address resolver}.
 *
 * <p>Instances are immutable and thread-safe; the {@code with…} methods return a copy.
 */
@ConstrainedTo(RuntimeType.SERVER)
public final class FastLimitFeature implements Feature {

    /**
     * The request property holding the {@link RateLimitDecision} whose headers the response of a
     * limited method carries: the core's {@link RateLimitDecision#REQUEST_ATTRIBUTE}, which a
     * {@code FastLimitFilter} in front writes too, so it is the tighter of the two limits.
     */
    public static final String DECISION_PROPERTY = RateLimitDecision.REQUEST_ATTRIBUTE;

    /** Below user mappers (default {@link Priorities#USER}): an application's own mapper wins. */
    static final int DEFAULT_MAPPER_PRIORITY = Priorities.USER + 1000;

    private final FastLimit limiter;
    private final UserResolver userResolver;
    private final Function<ContainerRequestContext, String> remoteAddress;
    /** Header name (case-insensitive) to the resolver of its values. */
    private final Map<String, HeaderIdentityResolver> headerResolvers;
    /** Null until {@link #withPlanResolver} gives one. */
    private final PlanResolver planResolver;

    /** Limits annotated resources with {@code limiter}; users from the {@code SecurityContext}. */
    public FastLimitFeature(FastLimit limiter) {
        this(Objects.requireNonNull(limiter, "limiter"), UserResolver.securityContext(), null, Map.of(), null);
    }

    private FastLimitFeature(FastLimit limiter, UserResolver userResolver,
                             Function<ContainerRequestContext, String> remoteAddress,
                             Map<String, HeaderIdentityResolver> headerResolvers, PlanResolver planResolver) {
        this.limiter = limiter;
        this.userResolver = userResolver;
        this.remoteAddress = remoteAddress;
        this.headerResolvers = headerResolvers;
        this.planResolver = planResolver;
    }

    /** A copy that finds the user with {@code resolver} instead of the {@code SecurityContext}'s principal. */
    public FastLimitFeature withUserResolver(UserResolver resolver) {
        return new FastLimitFeature(limiter, Objects.requireNonNull(resolver, "resolver"), remoteAddress, headerResolvers,
                planResolver);
    }

    /**
     * A copy in which {@code resolver} says which values of the request header {@code headerName} are
     * genuine, for every {@code header} limit on that header whose annotation names no
     * {@link RateLimit#headerResolver() headerResolver} of its own. Without one, every value of the
     * header also counts against the IP rates (see {@link HeaderIdentityResolver}).
     */
    public FastLimitFeature withHeaderResolver(String headerName, HeaderIdentityResolver resolver) {
        Objects.requireNonNull(headerName, "headerName");
        Map<String, HeaderIdentityResolver> resolvers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        resolvers.putAll(headerResolvers);
        resolvers.put(headerName, Objects.requireNonNull(resolver, "resolver"));
        return new FastLimitFeature(limiter, userResolver, remoteAddress, Collections.unmodifiableMap(resolvers),
                planResolver);
    }

    /**
     * A copy in which {@code resolver} says which plan a request's caller is on, for every annotation
     * that declares {@link RateLimit#plans() plans}; an annotation with plans and no resolver fails the
     * start. The resolver reads what the server knows (the user, a request property your authentication
     * sets, an API key looked up), never a plan the client names: see {@link PlanResolver}.
     */
    public FastLimitFeature withPlanResolver(PlanResolver resolver) {
        return new FastLimitFeature(limiter, userResolver, remoteAddress, headerResolvers,
                Objects.requireNonNull(resolver, "resolver"));
    }

    /**
     * A copy that takes the peer address of a request from {@code resolver} (an IP address, or
     * {@code null} when unknown) instead of the servlet request. Needed on containers other than
     * servlet ones; trusted proxies and exempt addresses still apply to what it returns.
     */
    public FastLimitFeature withRemoteAddress(Function<ContainerRequestContext, String> resolver) {
        return new FastLimitFeature(limiter, userResolver, Objects.requireNonNull(resolver, "resolver"), headerResolvers,
                planResolver);
    }

    /** The limiter this feature checks requests with. */
    public FastLimit limiter() {
        return limiter;
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.register(new RateLimitBinder(limiter, userResolver, remoteAddress, headerResolvers::get, planResolver));
        context.register(RateLimitExceededMapper.class, DEFAULT_MAPPER_PRIORITY);
        return true;
    }
}
