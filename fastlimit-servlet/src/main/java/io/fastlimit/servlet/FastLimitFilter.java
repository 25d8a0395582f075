package io.fastlimit.servlet;

import io.fastlimit.ClientRequest;
import io.fastlimit.Consumption;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.rules.RateLimitRule;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A servlet filter that rate-limits the requests it is mapped to, per user, per request header (an
 * API key) or per client IP. A header value counts as a client of its own only when the
 * {@code header-resolver} init-param names an {@link io.fastlimit.HeaderIdentityResolver} that knows
 * it; otherwise it also counts against the IP rate, so made-up values do not escape it.
 *
 * <h2>From {@code web.xml}</h2>
 * <pre>{@code
 * <filter>
 *   <filter-name>api</filter-name>
 *   <filter-class>io.fastlimit.servlet.FastLimitFilter</filter-class>
 *   <init-param><param-name>ip</param-name><param-value>100/min</param-value></init-param>
 *   <init-param><param-name>user</param-name><param-value>1000/min</param-value></init-param>
 * </filter>
 * <filter-mapping><filter-name>api</filter-name><url-pattern>/api/*</url-pattern></filter-mapping>
 * }</pre>
 * The init-params are listed in {@code docs/servlet.md} and {@code docs/configuration.md}. The rule is named after the
 * filter ({@code api} here) unless the {@code name} init-param says otherwise, so every instance of
 * the application counts into the same keys. All filters of a webapp configured this way share one
 * limiter, and so one backend and one Redis connection pool, closed when the webapp stops; its
 * settings (Redis URL, key prefix, header style, dry run, exempt IPs, trusted proxies, IPv6 prefix,
 * failure policy, limits file) are written as {@code <context-param>}s named {@code fastlimit.<setting>},
 * or, the older form, as init-params of any one filter or alike on several, and fall back to the
 * {@code FASTLIMIT_*} environment variables (see {@link WebappSettings}). An application may instead put a limiter of its own
 * under the context attribute {@link #LIMITER_ATTRIBUTE} before the filters start; they then use it
 * and leave it open.
 *
 * <h2>In code (embedded Jetty)</h2>
 * <pre>{@code
 * FastLimit limiter = FastLimit.builder().trustedProxies(1).build();
 * context.addFilter(new FilterHolder(new FastLimitFilter(limiter, RateLimitRule.ip("api", "100/min"))),
 *         "/api/*", EnumSet.of(DispatcherType.REQUEST));
 * }</pre>
 * A limiter given in code belongs to the caller, who closes it.
 *
 * <h2>What it does to a request</h2>
 * An allowed request gets the rate-limit headers before the rest of the chain runs, so they are
 * there whatever the servlet writes, streamed or asynchronous. A blocked request gets 429,
 * {@code Retry-After}, the headers and the body
 * {@code {"detail": "Rate limit exceeded. Try again in 41s.", "retry_after": 41}}, or what a
 * {@link BlockedHandler} writes; the chain does not run. Exempt clients, CORS preflights
 * ({@code OPTIONS} with {@code Access-Control-Request-Method}) and a request this filter has already
 * counted (an {@code ERROR}, {@code ASYNC} or {@code FORWARD} dispatch of it) pass without being
 * counted.
 *
 * <h2>Without holding the container's thread</h2>
 * With {@link #async(boolean) async} on (the {@code async} init-param), a request that supports async
 * processing is checked without waiting on the container's thread: the filter starts async
 * processing, and when the backend answers writes the 429 there and then, or dispatches the allowed
 * request back to the container. Off by default; see {@code docs/servlet.md} for what it changes.
 *
 * <h2>Several limits on one request</h2>
 * What each limit consumed is recorded in the request attribute
 * {@link io.fastlimit.Consumption#REQUEST_ATTRIBUTE}, which JAX-RS reads and writes too (Jersey on a
 * servlet container keeps its request properties there). A request turned away by a later limit,
 * another {@code FastLimitFilter} or a {@code @RateLimit} resource, does not count against the
 * filters it passed: they give their units back. The headers report the most restrictive limit,
 * whose decision is in the request attribute {@link #DECISION_ATTRIBUTE}.
 *
 * <p>This class is thread-safe once initialised.
 */
public final class FastLimitFilter implements Filter {

    /**
     * Context attribute holding the {@link FastLimit} shared by the filters configured by init-params.
     * Set by the first of them to start, or by the application beforehand to provide its own limiter.
     */
    public static final String LIMITER_ATTRIBUTE = "io.fastlimit.FastLimit";

    /**
     * Request attribute holding the {@link RateLimitDecision} whose headers the response carries: the
     * core's {@link RateLimitDecision#REQUEST_ATTRIBUTE}, shared with JAX-RS.
     */
    public static final String DECISION_ATTRIBUTE = RateLimitDecision.REQUEST_ATTRIBUTE;

    private static final Logger LOG = System.getLogger(FastLimitFilter.class.getName());

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final FastLimit givenLimiter;
    private final RateLimitRule givenRule;
    /** Marks a request this instance has counted, so its other dispatches are not counted again. */
    private final String countedAttribute = FastLimitFilter.class.getName() + ".counted." + INSTANCES.incrementAndGet();
    private volatile UserResolver userResolver;
    private volatile BlockedHandler blockedHandler;
    /** Set in code by {@link #async(boolean)}; null: the {@code async} init-param, else off. */
    private volatile Boolean async;
    private volatile Active active;

    /** A filter configured by its init-params, as {@code web.xml} creates it. */
    public FastLimitFilter() {
        this.givenLimiter = null;
        this.givenRule = null;
    }

    /**
     * A filter that checks {@code rule} with {@code limiter}. Its init-params may only set
     * {@code user-resolver}, {@code user-attribute}, {@code blocked-handler} and {@code async}; the
     * limiter stays the caller's to close.
     */
    public FastLimitFilter(FastLimit limiter, RateLimitRule rule) {
        this.givenLimiter = Objects.requireNonNull(limiter, "limiter");
        this.givenRule = Objects.requireNonNull(rule, "rule");
    }

    /**
     * Finds the user with {@code resolver} instead of {@link HttpServletRequest#getUserPrincipal()}.
     * Takes precedence over the {@code user-resolver} and {@code user-attribute} init-params. Set it
     * before the filter starts.
     */
    public FastLimitFilter userResolver(UserResolver resolver) {
        this.userResolver = Objects.requireNonNull(resolver, "resolver");
        return this;
    }

    /**
     * Answers blocked requests with {@code handler} instead of the JSON body. Takes precedence over
     * the {@code blocked-handler} init-param. Set it before the filter starts.
     */
    public FastLimitFilter blockedHandler(BlockedHandler handler) {
        this.blockedHandler = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /**
     * With {@code true}, lets go of the container's thread while the backend answers: the filter starts
     * async processing, and when the check is answered writes the 429 there and then, or dispatches
     * the allowed request back to the container (an {@code ASYNC} dispatch). Worth it on platform
     * threads with a remote backend; see {@code docs/servlet.md} for what it changes for the rest of the
     * webapp. A request that does not support async processing is checked as without it. Default off.
     * Takes precedence over the {@code async} init-param. Set it before the filter starts.
     */
    public FastLimitFilter async(boolean async) {
        this.async = async;
        return this;
    }

    /**
     * Reads the init-params and, for a filter configured by them, joins the webapp's shared limiter.
     *
     * @throws ServletException naming the init-param and value that are wrong, so the webapp does not start
     */
    @Override
    public void init(FilterConfig config) throws ServletException {
        String filterName = config.getFilterName();
        ServletContext context = config.getServletContext();
        try {
            Map<String, String> params = FilterSettings.read(filterName, config.getInitParameterNames(),
                    config::getInitParameter);
            UserResolver users = userResolver(filterName, params, classLoader(context));
            BlockedHandler blocked = blockedHandler != null ? blockedHandler
                    : params.containsKey(FilterSettings.BLOCKED_HANDLER)
                    ? FilterSettings.instantiate(filterName, params, FilterSettings.BLOCKED_HANDLER, BlockedHandler.class,
                            classLoader(context))
                    : FastLimitFilter::writeJson;
            boolean letsGoOfThreads = async != null ? async
                    : params.containsKey(FilterSettings.ASYNC) && FilterSettings.parseBoolean(filterName, params, FilterSettings.ASYNC);
            if (givenLimiter != null) {
                for (String name : params.keySet()) {
                    if (!FilterSettings.FILTER_PARAMS.contains(name)) {
                        throw new IllegalArgumentException("Init-param " + name + "='" + params.get(name) + "' of filter '"
                                + filterName + "' cannot apply: this filter was given its limiter and rule in code;"
                                + " configure them there");
                    }
                }
                active = new Active(givenLimiter, givenRule, users, blocked, letsGoOfThreads, null, context);
            } else {
                RateLimitRule rule = FilterSettings.rule(filterName, params, classLoader(context));
                WebappSettings webapp = WebappSettings.read(context, filterName, params);
                SharedLimiter shared = SharedLimiter.acquire(context, filterName, rule.name(), webapp, System.getenv());
                active = new Active(shared.limiter(), rule, users, blocked, letsGoOfThreads, shared, context);
            }
            try {
                active.limiter.register(active.rule); // a rule of the same name with other limits fails the start
            } catch (IllegalArgumentException e) {
                Active failed = active;
                active = null;
                if (failed.shared != null) {
                    failed.shared.release(failed.context, failed.rule.name());
                }
                throw e;
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ServletException("FastLimitFilter '" + filterName + "' cannot start: " + e.getMessage(), e);
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        Active a = active;
        if (a == null || !(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || request.getAttribute(countedAttribute) != null || isPreflight(request)) {
            chain.doFilter(req, res); // the ASYNC dispatch of a request checked asynchronously passes here too
            return;
        }
        request.setAttribute(countedAttribute, Boolean.TRUE);
        ClientRequest client = new ServletClientRequest(request, a.users);
        if (a.async && request.isAsyncSupported() && request.getDispatcherType() == DispatcherType.REQUEST) {
            checkAsync(a, request, response, client);
            return;
        }
        if (answer(a, request, response, a.limiter.acquire(a.rule, client))) {
            chain.doFilter(request, response);
        }
    }

    /**
     * Records {@code consumption} in the request and sets the headers; when it blocked, answers 429 (the
     * status, then the blocked handler).
     *
     * @return whether the request may go on to the rest of the chain
     */
    private static boolean answer(Active a, HttpServletRequest request, HttpServletResponse response,
                                  Consumption consumption) throws IOException {
        RateLimitDecision decision = consumption.decision();
        if (!decision.bucketChecked()) {
            return true;
        }
        // one record per request, whatever limits it: when this filter blocks, the limits passed before give back
        RateLimitDecision reported = consumption.recordInRequest(request::getAttribute, request::setAttribute);
        if (reported == decision && !response.isCommitted()) {
            decision.forEachHeader(response::setHeader); // else the tighter limit before has set its own
        }
        if (decision.allowed()) {
            return true;
        }
        if (response.isCommitted()) {
            return false; // an include after output: nothing more can be said, but the target does not run
        }
        response.setStatus(429);
        a.blocked.onBlocked(request, response, decision);
        return false;
    }

    /**
     * Checks without holding the container's thread: async processing starts, the check is sent, and
     * this thread goes back to the container. The client is read from the request before
     * {@link FastLimit#acquireAsync} returns.
     */
    private static void checkAsync(Active a, HttpServletRequest request, HttpServletResponse response,
                                   ClientRequest client) {
        // the request and response as this filter got them, so the servlet sees the wrappers of the filters before
        AsyncContext asyncContext = request.startAsync(request, response);
        a.limiter.acquireAsync(a.rule, client)
                .whenComplete((consumption, failure) -> finishAsync(a, asyncContext, request, response, consumption, failure));
    }

    /**
     * On the thread that completed the check (the backend's): an allowed request is dispatched back to
     * the container, which runs the servlet; a blocked one is answered here, so it never reaches the
     * servlet, even when this filter is not mapped for {@code ASYNC} dispatches.
     */
    private static void finishAsync(Active a, AsyncContext asyncContext, HttpServletRequest request,
                                    HttpServletResponse response, Consumption consumption, Throwable failure) {
        boolean goOn = false;
        try {
            if (failure != null) {
                // acquireAsync fails only where acquire would throw: answered as an exception of the chain would be
                LOG.log(Level.ERROR, "FastLimitFilter could not check " + request.getRequestURI() + " against rule '"
                        + a.rule.name() + "'; answering 500", failure);
                serverError(response);
            } else {
                goOn = answer(a, request, response, consumption);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "The 429 of " + request.getRequestURI() + " could not be written", e); // the client left
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "FastLimitFilter failed answering " + request.getRequestURI() + "; answering 500", e);
            serverError(response);
        }
        try {
            if (goOn) {
                asyncContext.dispatch(); // the container runs the rest of the chain on one of its threads
            } else {
                asyncContext.complete();
            }
        } catch (IllegalStateException e) {
            // the container ended the async cycle first: it timed out, or the client went away
            LOG.log(Level.DEBUG, "The async processing of " + request.getRequestURI() + " had ended before the check"
                    + " was answered", e);
        }
    }

    private static void serverError(HttpServletResponse response) {
        if (!response.isCommitted()) {
            response.resetBuffer();
            response.setStatus(500);
        }
    }

    /** Gives back the shared limiter; the last filter of the webapp closes it. A given limiter stays open. */
    @Override
    public void destroy() {
        Active a = active;
        active = null;
        if (a != null && a.shared != null) {
            a.shared.release(a.context, a.rule.name());
        }
    }

    @Override
    public String toString() {
        Active a = active;
        return "FastLimitFilter[" + (a == null ? "not started" : a.rule + ", " + a.limiter) + "]";
    }

    /** The limiter in use, or {@code null} before the filter starts. */
    FastLimit limiter() {
        Active a = active;
        return a == null ? null : a.limiter;
    }

    /** The rule in use, or {@code null} before the filter starts. */
    RateLimitRule rule() {
        Active a = active;
        return a == null ? null : a.rule;
    }

    private UserResolver userResolver(String filterName, Map<String, String> params, ClassLoader loader) {
        if (userResolver != null) {
            return userResolver;
        }
        if (params.containsKey(FilterSettings.USER_RESOLVER) && params.containsKey(FilterSettings.USER_ATTRIBUTE)) {
            throw new IllegalArgumentException("Filter '" + filterName + "' sets both init-params user-resolver='"
                    + params.get(FilterSettings.USER_RESOLVER) + "' and user-attribute='"
                    + params.get(FilterSettings.USER_ATTRIBUTE) + "': choose one");
        }
        if (params.containsKey(FilterSettings.USER_RESOLVER)) {
            return FilterSettings.instantiate(filterName, params, FilterSettings.USER_RESOLVER, UserResolver.class, loader);
        }
        if (params.containsKey(FilterSettings.USER_ATTRIBUTE)) {
            return ServletClientRequest.attributeThenPrincipal(params.get(FilterSettings.USER_ATTRIBUTE));
        }
        return ServletClientRequest::principal;
    }

    private static ClassLoader classLoader(ServletContext context) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = context.getClassLoader();
        }
        return loader != null ? loader : FastLimitFilter.class.getClassLoader();
    }

    private static boolean isPreflight(HttpServletRequest request) {
        return "OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null;
    }

    /** The default answer to a blocked request: the JSON body, with its length. */
    private static void writeJson(HttpServletRequest request, HttpServletResponse response, RateLimitDecision decision)
            throws IOException {
        byte[] body = decision.errorBody().getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        ServletOutputStream out;
        try {
            out = response.getOutputStream();
        } catch (IllegalStateException writerInUse) {
            response.getWriter().write(decision.errorBody());
            return;
        }
        out.write(body);
    }

    /** What a started filter works with; replaced as a whole so requests never see half of it. */
    private static final class Active {
        final FastLimit limiter;
        final RateLimitRule rule;
        final UserResolver users;
        final BlockedHandler blocked;
        /** Whether requests that support it are checked without holding the container's thread. */
        final boolean async;
        final SharedLimiter shared;
        final ServletContext context;

        Active(FastLimit limiter, RateLimitRule rule, UserResolver users, BlockedHandler blocked, boolean async,
               SharedLimiter shared, ServletContext context) {
            this.limiter = limiter;
            this.rule = rule;
            this.users = users;
            this.blocked = blocked;
            this.async = async;
            this.shared = shared;
            this.context = context;
        }
    }
}
