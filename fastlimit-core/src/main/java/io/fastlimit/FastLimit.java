package io.fastlimit;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendFactory;
import io.fastlimit.backends.BackendUrls;
import io.fastlimit.backends.BackendResult;
import io.fastlimit.backends.BackendUnavailableException;
import io.fastlimit.backends.CircuitBreakingBackend;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.event.RateLimitListener;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.RuleLimits;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

/**
 * The rate limiter: decides, for each request and rule, whether the client may go on.
 *
 * <pre>{@code
 * FastLimit limiter = FastLimit.builder().build();            // in memory, sliding window
 * RateLimitRule rule = RateLimitRule.builder("api").ip("100/min").user("1000/min").build();
 *
 * RateLimitDecision decision = limiter.check(rule, request);
 * decision.forEachHeader(response::setHeader);
 * if (!decision.allowed()) {
 *     response.setStatus(429);
 *     response.getWriter().write(decision.errorBody());
 * }
 * }</pre>
 *
 * <h2>How a request is keyed</h2>
 * A rule names a bucket per scope. For one request the most specific identity present wins: the
 * authenticated user, then the rule's header (an API key, say), then the client's IP address, taken
 * from the socket peer or, behind {@link Builder#trustedProxies(int) trusted proxies}, from
 * {@code X-Forwarded-For}. The key is {@code <prefix>:<rule>:<scope>:{<id>}}: the id is kept verbatim
 * when short and plain, otherwise digested, and the braces keep every key of one check on one Redis
 * Cluster slot.
 *
 * <h2>Identities a client cannot invent its way out of</h2>
 * <ul>
 *   <li>A header value counts as its own identity only when the rule's
 *       {@link HeaderIdentityResolver} says it is genuine; an unknown value counts against the IP
 *       bucket, and without a resolver every value also counts against the IP rates.</li>
 *   <li>IPv6 clients are keyed by their network ({@link Builder#ipv6Prefix(int) /64} by default),
 *       since one client holds many addresses.</li>
 *   <li>A request whose client a trusted proxy did not name shares a bucket with all such requests
 *       through that proxy, and is never exempt.</li>
 * </ul>
 *
 * <h2>Several rules, and giving back</h2>
 * {@link #check(List, ClientRequest)} checks rules in order and stops at the first that blocks; the
 * rules checked before it give their units back, so a request is counted by all of its rules or by
 * none. When all allow, the decision reports the most restrictive (fewest remaining). The rates of
 * one scope ({@code "10/s;500/hour"}) are always checked in one atomic step: all consume, or none
 * does. When something else may still turn the request away, {@link #acquire(RateLimitRule,
 * ClientRequest) acquire} instead of {@code check}: its {@link Consumption} carries the decision and
 * can {@link Consumption#giveBack() give back} what the check took.
 *
 * <h2>Plans, shadow rules, and limits changed while running</h2>
 * A rule may give callers on a plan other rates ({@link RateLimitRule.Builder#plan}, chosen by a
 * {@link PlanResolver}), and may run in shadow mode ({@link RateLimitRule.Builder#shadow}): counted and
 * logged, never blocking, while the other rules enforce. The limits of a rule can be replaced while the
 * limiter runs, by {@link #replaceLimits} or a {@linkplain Builder#limitsFile limits file} an operator
 * edits; a check sees a rule's old limits or its new ones, never a mix.
 *
 * <p>This class is thread-safe; build one per application and share it.
 */
public final class FastLimit implements AutoCloseable {

    private static final Logger LOG = System.getLogger(FastLimit.class.getName());

    /** Throttled log messages are written at most this often. */
    private static final long LOG_INTERVAL_MS = 10_000;

    private static final Pattern KEY_PREFIX = Pattern.compile("[A-Za-z0-9._:/\\-]{1,64}");

    /** The schemes of io.fastlimit:fastlimit-redis, named when that module is missing. */
    private static final Set<String> REDIS_SCHEMES = Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel");

    private final Backend backend;
    private final boolean ownsBackend;
    private final Algorithm algorithm;
    private final String keyPrefix;
    private final HeaderStyle headerStyle;
    private final boolean dryRun;
    private final List<IpRange> exemptIps;
    private final ClientIpResolver clientIps;
    private final FailurePolicy failurePolicy;
    private final Clock clock;
    private final RuleBindings rules;
    private final BackendFailureHandler failures;
    /** Null without a limits file. */
    private final LimitsFile limitsFile;
    private final LogThrottle wouldHaveBlockedLog = new LogThrottle(LOG, Level.INFO, LOG_INTERVAL_MS);
    private final LogThrottle headerResolverLog = new LogThrottle(LOG, Level.WARNING, LOG_INTERVAL_MS);
    private final LogThrottle planResolverLog = new LogThrottle(LOG, Level.WARNING, LOG_INTERVAL_MS);
    /** Listeners and the events they are told; a check with none registered pays one volatile read. */
    private final LimiterEvents events;

    private FastLimit(Builder b, Backend backend, boolean ownsBackend) {
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.algorithm = b.algorithm;
        this.keyPrefix = b.keyPrefix;
        this.headerStyle = b.headerStyle;
        this.dryRun = b.dryRun;
        this.exemptIps = List.copyOf(b.exemptIps);
        this.clientIps = new ClientIpResolver(b.trustedProxyHops, b.trustedProxyRanges, b.clientIpHeader,
                b.ipv6PrefixBits);
        this.failurePolicy = b.failurePolicy;
        this.clock = b.clock;
        this.rules = new RuleBindings(algorithm, keyPrefix);
        this.failures = new BackendFailureHandler(failurePolicy, backend, clock);
        this.limitsFile = b.limitsFile == null ? null : new LimitsFile(b.limitsFile, rules, b.limitsFileCheckInterval);
        this.events = new LimiterEvents(backend.getClass().getSimpleName(), clock);
        b.listeners.forEach(events::add);
        if (backend instanceof CircuitBreakingBackend circuitBreaking) {
            circuitBreaking.addCircuitListener(events);
        }
    }

    /** Starts a limiter; with no further settings it keeps its counters in memory. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A limiter configured from the {@code FASTLIMIT_*} environment variables (see
     * {@link Builder#env(Map)}), with defaults for the rest.
     *
     * @throws IllegalArgumentException naming the variable whose value is invalid
     */
    public static FastLimit fromEnv() {
        return builder().env(System.getenv()).build();
    }

    /**
     * Checks {@code request} against {@code rule}, consuming the rule's cost when it fits.
     * Never throws for anything the request carries.
     */
    public RateLimitDecision check(RateLimitRule rule, ClientRequest request) {
        return acquire(rule, request).decision();
    }

    /**
     * Checks {@code request} against {@code rule} like {@link #check(RateLimitRule, ClientRequest)},
     * and answers what the check consumed with its decision, to be given back if the request is
     * turned away afterwards. Never throws for anything the request carries.
     */
    public Consumption acquire(RateLimitRule rule, ClientRequest request) {
        return route(bind(rule), request, acquiring);
    }

    /**
     * Checks {@code request} against {@code rule} like {@link #acquire(RateLimitRule, ClientRequest)},
     * the same decision, without making the caller wait for a remote backend
     * ({@link Backend#checkAndIncrementAsync}). The client is identified from {@code request} before
     * this method returns, so the request need not be read afterwards. A backend that fails is answered
     * by the failure policy, as for {@code acquire}, and listeners are told the same events.
     *
     * <p>The stage completes once the backend's does (a Redis backend's by its timeout at the latest):
     * normally with the consumption, or exceptionally only for what {@code acquire} would throw (a rule
     * that clashes with one of the same name, a bug), never by a backend failure. It completes
     * on the thread that completed the backend's call, a remote backend's I/O thread: do not block in
     * the stages that depend on it.
     */
    public CompletionStage<Consumption> acquireAsync(RateLimitRule rule, ClientRequest request) {
        try {
            return route(bind(rule), request, acquiringAsync);
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e); // one way to fail, so a caller cannot be left waiting
        }
    }

    /**
     * What a request is counted as under one rule, told to a {@link Route}: the one place that
     * decides between user, a header value and the IP, so that checking and peeking always agree.
     */
    private <R> R route(BoundRule bound, ClientRequest request, Route<R> route) {
        String ip = null;
        if (!exemptIps.isEmpty()) {
            ip = clientIps.resolve(request);
            // a client that cannot be determined is never exempt, whatever the proxy it came through
            if (ip != null && IpRange.anyContains(exemptIps, IpAddresses.parse(ip))) {
                return route.exempt(bound);
            }
        }
        ScopeBinding scope = null;
        String id = null;
        boolean ipCeiling = bound.rule.ipCeiling();
        if (bound.user != null) {
            String user = request.user();
            if (user != null && !user.isEmpty()) {
                scope = bound.user;
                id = KeyIds.of(user);
            }
        }
        if (scope == null && bound.header != null) {
            String value = request.header(bound.rule.headerName());
            if (value != null && !(value = value.trim()).isEmpty()) {
                if (bound.headerResolver == null) {
                    // nobody vouches for the value: its own bucket, but never above the IP limit
                    scope = bound.header;
                    id = KeyIds.of(value);
                    ipCeiling = true;
                } else {
                    String clientId = clientIdOf(bound, value);
                    if (clientId != null) {
                        scope = bound.header;
                        id = KeyIds.of(clientId);
                    } else {
                        scope = bound.perIp; // an unknown value is no identity: the client is its IP
                    }
                }
            }
        }
        if (scope == null) {
            scope = bound.ip;
        }
        if (scope == null) {
            return route.unlimited(bound);
        }
        ScopeBinding counted = bound.planResolver == null ? scope : withPlan(bound, scope, request);
        if (scope == bound.perIp) {
            return route.one(bound, counted, ipBucketId(ip, request));
        }
        if (!ipCeiling) {
            return route.one(bound, counted, id);
        }
        return route.withIpCeiling(bound, counted, id, ipBucketId(ip, request));
    }

    /**
     * What to do with the bucket a request counts against. Implemented for checks, checks that do not
     * wait, and peeks; all are fields, so routing a request allocates nothing.
     */
    private interface Route<R> {
        /** The client's address is exempt. */
        R exempt(BoundRule bound);

        /** The rule limits no identity this request has. */
        R unlimited(BoundRule bound);

        /** One bucket: {@code scope}'s, for {@code id}. */
        R one(BoundRule bound, ScopeBinding scope, String id);

        /** {@code scope}'s bucket for {@code id}, and the rule's IP bucket for {@code ipId} as a ceiling. */
        R withIpCeiling(BoundRule bound, ScopeBinding scope, String id, String ipId);
    }

    /** Checks and consumes. */
    private final Route<Consumption> acquiring = new Route<>() {
        @Override
        public Consumption exempt(BoundRule bound) {
            if (events.listening()) {
                events.exempt(bound.rule.name(), bound.cost);
            }
            return Consumption.nothing();
        }

        @Override
        public Consumption unlimited(BoundRule bound) {
            return Consumption.nothing();
        }

        @Override
        public Consumption one(BoundRule bound, ScopeBinding scope, String id) {
            return decide(bound, scope, id);
        }

        @Override
        public Consumption withIpCeiling(BoundRule bound, ScopeBinding scope, String id, String ipId) {
            // the ceiling first: once an address is spent, its made-up values do not even create buckets
            Consumption ceiling = decide(bound, bound.perIp, ipId);
            if (!ceiling.decision().allowed()) {
                return ceiling;
            }
            return underCeiling(ceiling, decide(bound, scope, id));
        }
    };

    /** Checks and consumes, without waiting for the backend: {@link #acquiring}'s decisions, as stages. */
    private final Route<CompletionStage<Consumption>> acquiringAsync = new Route<>() {
        @Override
        public CompletionStage<Consumption> exempt(BoundRule bound) {
            return CompletableFuture.completedFuture(acquiring.exempt(bound));
        }

        @Override
        public CompletionStage<Consumption> unlimited(BoundRule bound) {
            return CompletableFuture.completedFuture(acquiring.unlimited(bound));
        }

        @Override
        public CompletionStage<Consumption> one(BoundRule bound, ScopeBinding scope, String id) {
            return decideAsync(bound, scope, id);
        }

        @Override
        public CompletionStage<Consumption> withIpCeiling(BoundRule bound, ScopeBinding scope, String id, String ipId) {
            // the ceiling first, as acquiring does; the own bucket is checked only once the ceiling allowed
            return decideAsync(bound, bound.perIp, ipId).thenCompose(ceiling -> !ceiling.decision().allowed()
                    ? CompletableFuture.completedFuture(ceiling)
                    : decideAsync(bound, scope, id).thenApply(own -> underCeiling(ceiling, own)));
        }
    };

    /**
     * The consumption of a request whose IP ceiling allowed it ({@code ceiling}) and whose own bucket
     * decided {@code own}: the ceiling gives back what it took when the own bucket blocks.
     */
    private static Consumption underCeiling(Consumption ceiling, Consumption own) {
        if (!own.decision().allowed()) {
            ceiling.giveBack(); // all buckets of one check consume, or none does
            return own;
        }
        return own.and(ceiling); // reports the tighter, and the own bucket on a tie
    }

    /** The IP bucket id of {@code request}, whose client address is {@code ip} when already resolved. */
    private String ipBucketId(String ip, ClientRequest request) {
        return clientIps.bucketId(ip != null ? ip : clientIps.resolve(request), request);
    }

    /**
     * {@code scope} with the rates of the plan the rule's resolver names for {@code request}; as it is
     * for no plan, a plan the rule does not declare, or a resolver that fails.
     */
    private ScopeBinding withPlan(BoundRule bound, ScopeBinding scope, ClientRequest request) {
        String plan;
        try {
            plan = bound.planResolver.plan(request);
        } catch (RuntimeException e) {
            planResolverLog.log(clock.millis(), "Plan resolver " + bound.planResolver.getClass().getName()
                    + " of rule '" + bound.rule.name() + "' failed; the request gets the rule's default rates", e);
            return scope;
        }
        return plan == null ? scope : bound.withPlan(plan, scope);
    }

    /** The client id the rule's resolver gives {@code value}, or {@code null} when unknown or the resolver fails. */
    private String clientIdOf(BoundRule bound, String value) {
        String clientId;
        try {
            clientId = bound.headerResolver.clientId(value);
        } catch (RuntimeException e) {
            headerResolverLog.log(clock.millis(), "Header resolver " + bound.headerResolver.getClass().getName()
                    + " of rule '" + bound.rule.name() + "' failed; the request is limited by its IP", e);
            return null;
        }
        return clientId == null || clientId.isBlank() ? null : clientId;
    }

    /**
     * Checks {@code request} against several rules in order, stopping at the first that blocks; the
     * rules checked before it give back what they consumed, so a request is counted by all of its
     * rules or by none. When all allow, the decision reports the most restrictive one.
     */
    public RateLimitDecision check(List<RateLimitRule> rules, ClientRequest request) {
        return acquire(rules, request).decision();
    }

    /**
     * Checks {@code request} against several rules like {@link #check(List, ClientRequest)}, and
     * answers what the checks consumed with their decision: nothing when one blocked, since the
     * rules before it have given their units back by then.
     */
    public Consumption acquire(List<RateLimitRule> rules, ClientRequest request) {
        Consumption all = Consumption.nothing();
        for (RateLimitRule rule : rules) {
            Consumption one = acquire(rule, request);
            if (!one.decision().allowed()) {
                all.giveBack(); // the request is turned away: the rules that let it through give their units back
                return one;
            }
            all = all.and(one);
        }
        return all;
    }

    /**
     * Like {@link #check(RateLimitRule, ClientRequest)}, but throws when the request is blocked.
     *
     * @throws RateLimitExceededException carrying the decision, when blocked
     */
    public RateLimitDecision checkOrThrow(RateLimitRule rule, ClientRequest request) {
        RateLimitDecision decision = check(rule, request);
        if (!decision.allowed()) {
            throw new RateLimitExceededException(decision);
        }
        return decision;
    }

    /**
     * Where {@code request}'s client stands on {@code rule}: the limit, the units free now and when
     * the bucket is whole again, for the bucket a check would count the request against, without
     * consuming anything or creating a bucket. The client is identified exactly as by
     * {@link #check(RateLimitRule, ClientRequest) check}; when the rule also holds it to its IP
     * rates (a header value nobody vouches for), the tighter of the two buckets is reported. Dry run
     * plays no part: this is the backend's own count. When the backend fails, the answer is what the
     * failure policy would see (the local count, a full bucket when open, an empty one when closed),
     * so asking never fails.
     *
     * @return the status; {@link RateLimitStatus#limited()} is false for an exempt client or a rule
     *         with no rate for it
     * @throws UnsupportedOperationException when the backend cannot peek (see {@link Backend#peek})
     */
    public RateLimitStatus peek(RateLimitRule rule, ClientRequest request) {
        return route(bind(rule), request, peeking);
    }

    /** Reads without consuming. */
    private final Route<RateLimitStatus> peeking = new Route<>() {
        @Override
        public RateLimitStatus exempt(BoundRule bound) {
            return new RateLimitStatus(bound.rule.name(), null, 0, 0, 0, 0);
        }

        @Override
        public RateLimitStatus unlimited(BoundRule bound) {
            return exempt(bound);
        }

        @Override
        public RateLimitStatus one(BoundRule bound, ScopeBinding scope, String id) {
            return status(bound, scope, id);
        }

        @Override
        public RateLimitStatus withIpCeiling(BoundRule bound, ScopeBinding scope, String id, String ipId) {
            RateLimitStatus own = status(bound, scope, id);
            RateLimitStatus ceiling = status(bound, bound.perIp, ipId);
            return ceiling.remaining() < own.remaining() ? ceiling : own;
        }
    };

    private RateLimitStatus status(BoundRule bound, ScopeBinding scope, String id) {
        String key = scope.key(id);
        BackendResult peeked;
        try {
            peeked = backend.peek(key, scope.buckets);
        } catch (BackendUnavailableException e) {
            peeked = failures.onPeekFailure(key, scope.buckets, e); // asking where one stands never fails a request
        }
        return new RateLimitStatus(bound.rule.name(), scope.scope, peeked.limit(), peeked.remaining(), peeked.resetMs(),
                peeked.retryAfterMs());
    }

    /**
     * The client's address in canonical form, as the socket peer and the trusted proxies tell, or
     * {@code null} when it cannot be determined (a trusted proxy did not name a usable client, or the
     * peer is no IP address). The IP bucket of an IPv6 client is its network ({@link Builder#ipv6Prefix}).
     */
    public String clientIp(ClientRequest request) {
        return clientIps.resolve(request);
    }

    /**
     * Forgets every bucket of {@code rule} that {@code request}'s identities (user, header, IP) count
     * against, as after a successful sign-in. The limiter names the buckets, so a remote backend
     * deletes them in one call, under the same timeout as a check. When the backend fails, the
     * failure is logged (throttled) and nothing is thrown: the buckets then expire by themselves.
     */
    public void reset(RateLimitRule rule, ClientRequest request) {
        BoundRule bound = bind(rule);
        if (bound.user != null) {
            String user = request.user();
            if (user != null && !user.isEmpty()) {
                reset(bound, bound.user, KeyIds.of(user), request);
            }
        }
        if (bound.header != null) {
            String value = request.header(rule.headerName());
            if (value != null && !(value = value.trim()).isEmpty()) {
                String id = bound.headerResolver == null ? value : clientIdOf(bound, value);
                if (id != null) {
                    reset(bound, bound.header, KeyIds.of(id), request);
                }
            }
        }
        if (bound.perIp != null) {
            reset(bound, bound.perIp, ipBucketId(null, request), request);
        }
    }

    /** Resets the bucket of {@code id} in {@code scope}, and the one of the request's plan, counted apart. */
    private void reset(BoundRule bound, ScopeBinding scope, String id, ClientRequest request) {
        reset(scope, id);
        ScopeBinding planned = bound.planResolver == null ? scope : withPlan(bound, scope, request);
        if (planned != scope) {
            reset(planned, id);
        }
    }

    private void reset(ScopeBinding scope, String id) {
        String key = scope.key(id);
        failures.resetLocal(key, scope.buckets);
        try {
            backend.reset(key, scope.buckets);
        } catch (RuntimeException e) {
            failures.onResetFailure(key, e);
        }
    }

    public Backend backend() {
        return backend;
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    public HeaderStyle headerStyle() {
        return headerStyle;
    }

    public boolean dryRun() {
        return dryRun;
    }

    /**
     * Replaces the limits of the rule named {@code ruleName} (declared in code, {@code web.xml} or an
     * annotation) with {@code limits}, for every check from now on; {@link RuleLimits#NONE} gives it
     * back its declared limits. The replacement holds for a rule of that name checked later, too.
     * A check sees the old limits or the new ones, never a mix. A limits file, when there is one,
     * replaces all replaced limits when it changes.
     *
     * @throws IllegalArgumentException when the limits do not fit the rule of that name seen so far (a
     *                                  header rate for a rule without one, plans without a plan
     *                                  resolver, a cost larger than a new limit); nothing changes then
     */
    public void replaceLimits(String ruleName, RuleLimits limits) {
        Objects.requireNonNull(ruleName, "ruleName");
        rules.replace(ruleName, Objects.requireNonNull(limits, "limits"));
    }

    /** Rule name to the limits that replace its declared ones now, from {@link #replaceLimits} or the limits file. */
    public Map<String, RuleLimits> replacedLimits() {
        return rules.replaced();
    }

    /** The limits file this limiter reads, if any ({@link Builder#limitsFile}). */
    public Optional<Path> limitsFile() {
        return limitsFile == null ? Optional.empty() : Optional.of(limitsFile.path());
    }

    /**
     * Reads the limits file now and applies it, as its periodic check does when it changes.
     *
     * @return whether the file's limits are in force; {@code false} when the file cannot be read or is
     *         bad: the reason is logged, naming the line, and the limits in force stay
     * @throws IllegalStateException when this limiter has no limits file
     */
    public boolean reloadLimitsFile() {
        if (limitsFile == null) {
            throw new IllegalStateException("This limiter has no limits file: set one with FastLimit.builder()"
                    + ".limitsFile(path), the limits-file setting or " + FastLimitSettings.envVariable(FastLimitSettings.LIMITS_FILE));
        }
        return limitsFile.check(true);
    }

    public FailurePolicy failurePolicy() {
        return failurePolicy;
    }

    /**
     * Checks the failure policy has answered instead of the backend since this limiter was built:
     * 0 while the backend answered every check (what a benchmark under load should report).
     */
    public long failurePolicyDecisions() {
        return failures.decisions();
    }

    /**
     * Tells {@code listener} of every decision, failure-policy answer and circuit change from now
     * on, after the listeners registered before it. For listeners that come after the limiter (a
     * metrics binding, say); the builder's {@link Builder#listener} is the usual way. Thread-safe.
     */
    public void addListener(RateLimitListener listener) {
        events.add(listener);
    }

    /** Stops telling {@code listener}; returns whether it was registered. */
    public boolean removeListener(RateLimitListener listener) {
        return events.remove(listener);
    }

    /** The listeners registered now, in the order they are told. */
    public List<RateLimitListener> listeners() {
        return events.all();
    }

    /** Closes the backend this limiter created; a backend handed to {@link Builder#backend} stays open. */
    @Override
    public void close() {
        if (limitsFile != null) {
            limitsFile.close();
        }
        if (backend instanceof CircuitBreakingBackend circuitBreaking) {
            circuitBreaking.removeCircuitListener(events);
        }
        failures.close();
        if (ownsBackend) {
            backend.close();
        }
    }

    @Override
    public String toString() {
        return "FastLimit[backend=" + backend.getClass().getSimpleName() + ", algorithm=" + algorithm
                + ", keyPrefix=" + keyPrefix + ", headers=" + headerStyle + ", dryRun=" + dryRun
                + ", failurePolicy=" + failurePolicy + "]";
    }

    private Consumption decide(BoundRule bound, ScopeBinding scope, String id) {
        if (events.listening()) {
            return decideTellingListeners(bound, scope, id); // apart, so this path stays as small as it was
        }
        String key = scope.key(id);
        BackendResult result;
        try {
            result = scope.single != null
                    ? backend.checkAndIncrement(key, scope.single, bound.cost)
                    : backend.checkAndIncrement(key, scope.buckets, bound.cost);
        } catch (RuntimeException e) {
            return decideByFailurePolicy(bound, scope, key, e, -1);
        }
        return consumption(bound, scope, key, result, backend);
    }

    /** {@link #decide}, telling the listeners what was decided, and timing the backend for those that ask. */
    private Consumption decideTellingListeners(BoundRule bound, ScopeBinding scope, String id) {
        String key = scope.key(id);
        boolean timed = events.timing(); // the clock is read only for a listener that asks
        long startNanos = timed ? System.nanoTime() : 0;
        BackendResult result;
        try {
            result = scope.single != null
                    ? backend.checkAndIncrement(key, scope.single, bound.cost)
                    : backend.checkAndIncrement(key, scope.buckets, bound.cost);
        } catch (RuntimeException e) {
            return decideByFailurePolicy(bound, scope, key, e, timed ? System.nanoTime() - startNanos : -1);
        }
        return decideByResult(bound, scope, key, result, timed ? System.nanoTime() - startNanos : -1);
    }

    /**
     * {@link #decide} without waiting: the backend's asynchronous check, its failure (a stage completed
     * exceptionally, or a throw) answered by the failure policy, the listeners told as by
     * {@link #decideTellingListeners}.
     */
    private CompletionStage<Consumption> decideAsync(BoundRule bound, ScopeBinding scope, String id) {
        String key = scope.key(id);
        boolean timed = events.listening() && events.timing();
        long startNanos = timed ? System.nanoTime() : 0;
        CompletionStage<BackendResult> call;
        try {
            call = Objects.requireNonNull(backend.checkAndIncrementAsync(key, scope.buckets, bound.cost),
                    "checkAndIncrementAsync answered no stage");
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((result, error) -> {
            long backendNanos = timed ? System.nanoTime() - startNanos : -1;
            return error == null ? decideByResult(bound, scope, key, result, backendNanos)
                    : decideByFailurePolicy(bound, scope, key, backendFailure(error), backendNanos);
        });
    }

    /**
     * What a stage of the backend failed with, as the synchronous call would have thrown it: the cause
     * of a {@link CompletionException}, an {@link Error} rethrown (it is no backend failure), a checked
     * exception (a timeout) as a {@link BackendUnavailableException}.
     */
    private static RuntimeException backendFailure(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error fatal) {
            throw fatal;
        }
        return new BackendUnavailableException("Rate-limit backend failed: " + cause, cause);
    }

    /** The decision the backend's {@code result} makes, told to the listeners, if any. */
    private Consumption decideByResult(BoundRule bound, ScopeBinding scope, String key, BackendResult result,
                                       long backendNanos) {
        Consumption decided = consumption(bound, scope, key, result, backend);
        if (events.listening()) {
            events.decided(bound.rule.name(), scope.scope, key, decided.decision(), bound.cost, backendNanos, null);
        }
        return decided;
    }

    /** The decision the failure policy makes when the backend failed with {@code failure}, told to the listeners, if any. */
    private Consumption decideByFailurePolicy(BoundRule bound, ScopeBinding scope, String key, RuntimeException failure,
                                              long backendNanos) {
        BackendFailureHandler.Answer answer = failures.onCheckFailure(key, scope.buckets, bound.cost, failure);
        Consumption decided = answer == null ? Consumption.nothing()
                : consumption(bound, scope, key, answer.result(), answer.consumedFrom());
        if (events.listening()) {
            events.failurePolicyAnswered(bound.rule.name(), scope.scope, failurePolicy, failure);
            events.decided(bound.rule.name(), scope.scope, key, decided.decision(), bound.cost, backendNanos, failurePolicy);
        }
        return decided;
    }

    /** The decision {@code result} makes, with what {@code consumedFrom} (null: nothing) consumed for it. */
    private Consumption consumption(BoundRule bound, ScopeBinding scope, String key, BackendResult result,
                                    Backend consumedFrom) {
        long nowMs = headerStyle == HeaderStyle.ietf() || !result.allowed() ? clock.millis() : 0;
        long windowMillis = scope.windowFor(result);
        String ruleName = bound.rule.name();
        if (result.allowed()) {
            RateLimitDecision allowed = RateLimitDecision.allowed(ruleName, result, windowMillis, headerStyle, nowMs);
            return consumedFrom == null ? Consumption.of(allowed)
                    : Consumption.took(allowed, consumedFrom, key, scope.buckets, bound.cost, failures);
        }
        if (dryRun || bound.shadow) {
            return wouldHaveBlocked(bound, key, result, windowMillis, nowMs);
        }
        return Consumption.of(RateLimitDecision.blocked(ruleName, result, windowMillis, headerStyle, nowMs));
    }

    /**
     * The one place where a request a limit would have blocked is let through: the limiter runs in dry
     * run, or the rule in shadow mode. Logged at most every 10 s; what reports such decisions elsewhere
     * belongs here.
     */
    private Consumption wouldHaveBlocked(BoundRule bound, String key, BackendResult result, long windowMillis,
                                         long nowMs) {
        String ruleName = bound.rule.name();
        wouldHaveBlockedLog.log(nowMs, "Rate limit '" + ruleName + "' would have blocked " + key
                + (dryRun ? " (dry run: let through)" : " (shadow rule: let through)"), null);
        return Consumption.of(RateLimitDecision.wouldHaveBlocked(ruleName, result, windowMillis, headerStyle, nowMs));
    }

    /**
     * Makes {@code rule} known to this limiter now rather than at its first check, so that a clash
     * fails the application's start: adapters call it for the rules they are configured with.
     *
     * @throws IllegalArgumentException when a rule of the same name with other limits was seen
     */
    public void register(RateLimitRule rule) {
        bind(rule);
    }

    private BoundRule bind(RateLimitRule rule) {
        return rules.bind(rule);
    }

    /**
     * Builds a {@link FastLimit}. Every setter validates its argument and throws
     * {@link IllegalArgumentException} naming the bad value.
     */
    public static final class Builder {
        private Backend backend;
        private String redisUrl;
        private Algorithm algorithm = Algorithm.SLIDING_WINDOW;
        private String keyPrefix = "fastlimit";
        private HeaderStyle headerStyle = HeaderStyle.xRateLimit();
        private boolean dryRun;
        private final List<IpRange> exemptIps = new ArrayList<>();
        private int trustedProxyHops;
        private final List<IpRange> trustedProxyRanges = new ArrayList<>();
        private String clientIpHeader = ClientIpResolver.X_FORWARDED_FOR;
        private int ipv6PrefixBits = ClientIpResolver.DEFAULT_IPV6_PREFIX_BITS;
        private FailurePolicy failurePolicy = FailurePolicy.LOCAL;
        private Clock clock = Clock.systemUTC();
        private Path limitsFile;
        private Duration limitsFileCheckInterval = LimitsFile.DEFAULT_CHECK_INTERVAL;
        private final List<RateLimitListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * Tells {@code listener} of every decision, every check the failure policy answers, and the
         * backend's circuit opening and closing; see {@link RateLimitListener}. Several listeners are
         * told in the order added. Default none, and then checks build no event at all.
         */
        public Builder listener(RateLimitListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Where buckets live. Default: a {@link MemoryBackend} created by the limiter. */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /**
         * Keeps buckets in Redis at {@code url} ({@code redis://host:6379}, {@code rediss://…} for TLS);
         * needs the Redis backend on the class path.
         */
        public Builder redisUrl(String url) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("Invalid Redis URL '" + url + "': expected redis://host:6379 or rediss://host:6380");
            }
            this.redisUrl = url.trim();
            return this;
        }

        /** The algorithm of rules that do not name one. Default {@link Algorithm#SLIDING_WINDOW}. */
        public Builder algorithm(Algorithm algorithm) {
            this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
            return this;
        }

        /** The first part of every key. Default {@code fastlimit}. Letters, digits and {@code . _ - : /}, at most 64. */
        public Builder keyPrefix(String keyPrefix) {
            if (keyPrefix == null || !KEY_PREFIX.matcher(keyPrefix).matches()) {
                throw new IllegalArgumentException("Invalid key prefix '" + keyPrefix
                        + "': expected 1 to 64 letters, digits or . _ - : /");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** Which headers describe the limit. Default {@link HeaderStyle#xRateLimit()}. */
        public Builder headers(HeaderStyle headerStyle) {
            this.headerStyle = Objects.requireNonNull(headerStyle, "headerStyle");
            return this;
        }

        /** Counts and logs, but never blocks ("would have blocked", at most every 10 s). Default off. */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /**
         * Clients never limited: addresses ({@code 192.0.2.7}, {@code ::1}) or CIDR ranges
         * ({@code 10.0.0.0/8}). Matched against the client's own address, not its IPv6 network: to
         * exempt a whole network, give its range ({@code 2001:db8:1:2::/64}). A client that trusted
         * proxies did not name is never exempt. Default none.
         */
        public Builder exemptIps(String... addressesOrRanges) {
            return exemptIps(Arrays.asList(addressesOrRanges));
        }

        /** Clients never limited: addresses or CIDR ranges, IPv4 or IPv6. */
        public Builder exemptIps(Collection<String> addressesOrRanges) {
            for (String spec : addressesOrRanges) {
                exemptIps.add(IpRange.parse(spec));
            }
            return this;
        }

        /**
         * How many proxies of your own stand in front of the application. With {@code hops} of them
         * the client is the {@code hops}-th address from the right of {@code X-Forwarded-For}; the
         * addresses to its left are the client's own claim and are ignored. A request with fewer
         * entries, or an entry there that is no address, is limited in a bucket shared by such requests
         * through the same proxy. Default 0: the socket peer, forwarding headers ignored. Replaces
         * trusted proxy addresses set before.
         */
        public Builder trustedProxies(int hops) {
            if (hops < 0 || hops > ClientIpResolver.MAX_HOPS) {
                throw new IllegalArgumentException("Invalid trusted proxy count " + hops + ": expected 0 to "
                        + ClientIpResolver.MAX_HOPS);
            }
            this.trustedProxyHops = hops;
            this.trustedProxyRanges.clear();
            return this;
        }

        /**
         * The addresses and CIDR ranges of your own proxies ({@code 10.0.0.0/8}, {@code 192.168.1.5}).
         * Forwarding headers are read only when the socket peer is one of them; the chain is then walked
         * from the right, skipping proxies of yours, and the first address that is not one is the
         * client. A request on which a proxy of yours named no usable client is limited in a bucket
         * shared by such requests through that proxy. Replaces a hop count set before.
         *
         * @throws IllegalArgumentException naming an entry that is neither an address nor a range
         */
        public Builder trustedProxies(String... addressesOrRanges) {
            return trustedProxies(Arrays.asList(addressesOrRanges));
        }

        /** The addresses and CIDR ranges of your own proxies; see {@link #trustedProxies(String...)}. */
        public Builder trustedProxies(Collection<String> addressesOrRanges) {
            List<IpRange> ranges = new ArrayList<>();
            for (String spec : addressesOrRanges) {
                ranges.add(IpRange.parse(spec));
            }
            this.trustedProxyHops = 0;
            this.trustedProxyRanges.clear();
            this.trustedProxyRanges.addAll(ranges);
            return this;
        }

        /**
         * The IPv6 prefix length clients are keyed by: every address of one network of that size
         * counts as one client, since a client usually holds a whole /64 and can send each request
         * from another address of it. 128 keys each address on its own. IPv4 and IPv4-mapped
         * addresses are always keyed per address. Default 64.
         *
         * @throws IllegalArgumentException for a length outside 16 to 128
         */
        public Builder ipv6Prefix(int prefixBits) {
            if (prefixBits < ClientIpResolver.MIN_IPV6_PREFIX_BITS || prefixBits > 128) {
                throw new IllegalArgumentException("Invalid IPv6 prefix length " + prefixBits + ": expected "
                        + ClientIpResolver.MIN_IPV6_PREFIX_BITS + " to 128, such as 64 (the default) or 128 for"
                        + " each address on its own");
            }
            this.ipv6PrefixBits = prefixBits;
            return this;
        }

        /** The header trusted proxies write: {@code X-Forwarded-For} (default) or RFC 7239 {@code Forwarded}. */
        public Builder clientIpHeader(String headerName) {
            if (!io.fastlimit.internal.HeaderNames.isValid(headerName)) {
                throw new IllegalArgumentException("Invalid client IP header '" + headerName
                        + "': expected a header name such as X-Forwarded-For or Forwarded");
            }
            this.clientIpHeader = headerName;
            return this;
        }

        /**
         * What happens when the backend fails. Default {@link FailurePolicy#LOCAL}: each instance keeps
         * enforcing the limit in its own memory, so a failing Redis lets no flood through.
         */
        public Builder failurePolicy(FailurePolicy failurePolicy) {
            this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy");
            return this;
        }

        /** The clock of backends the limiter creates and of its headers. Default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * A limits file ({@code java.util.Properties}, UTF-8) whose entries replace, by rule name, the
         * rates, plans, algorithm and shadow mode of rules declared elsewhere:
         * {@code rule.api.ip=50/min}, {@code rule.api.plan.pro=10000/hour}, {@code rule.api.algorithm=fixed_window},
         * {@code rule.api.shadow=true}. Read when the limiter is built, then every 5 s
         * ({@link #limitsFileCheckInterval}) and applied when it changed; a bad edit keeps the limits in
         * force and is logged with its line. Default: none.
         *
         * @throws IllegalArgumentException from {@link #build()}, naming the file and line, when the file
         *                                  is missing or bad at start-up
         */
        public Builder limitsFile(Path path) {
            this.limitsFile = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * How often the limits file is looked at for changes. Default 5 s; {@link Duration#ZERO} reads
         * it at start-up only, and then when {@link FastLimit#reloadLimitsFile()} is called.
         *
         * @throws IllegalArgumentException for a negative interval
         */
        public Builder limitsFileCheckInterval(Duration interval) {
            if (interval == null || interval.isNegative()) {
                throw new IllegalArgumentException("Invalid limits file check interval " + interval
                        + ": expected zero (no automatic check) or more, such as 5s");
            }
            this.limitsFileCheckInterval = interval;
            return this;
        }

        /**
         * Applies one setting written as text, by its name as {@code web.xml} init-params write it
         * ({@code key-prefix}, {@code trusted-proxies}, …); {@link FastLimitSettings} lists the names and
         * the values each takes.
         *
         * @throws IllegalArgumentException for an unknown name, or a value, saying what is accepted
         */
        public Builder set(String name, String value) {
            return FastLimitSettings.apply(this, name, value);
        }

        /**
         * Applies the {@code FASTLIMIT_*} variables found in {@code env} (usually
         * {@code System.getenv()}); variables not set keep what the builder has. Each setting of
         * {@link FastLimitSettings} has its variable: {@code key-prefix} is read from
         * {@code FASTLIMIT_KEY_PREFIX}, with the values {@link #set(String, String)} takes.
         *
         * @throws IllegalArgumentException naming the variable and its bad value
         */
        public Builder env(Map<String, String> env) {
            return FastLimitSettings.applyEnv(this, env);
        }

        /**
         * Builds the limiter, connecting to Redis when a Redis URL was given.
         *
         * @throws IllegalArgumentException when both a backend and a Redis URL are set, or the limits
         *                                  file is missing or bad (naming the file and line)
         * @throws IllegalStateException when a Redis URL is set but the Redis backend is not available
         */
        public FastLimit build() {
            if (backend != null && redisUrl != null) {
                throw new IllegalArgumentException("Both a backend and a Redis URL are set: choose one");
            }
            if (backend != null) {
                return new FastLimit(this, backend, false);
            }
            Backend created = redisUrl != null ? backendFor(redisUrl, keyPrefix) : MemoryBackend.builder().clock(clock).build();
            try {
                return new FastLimit(this, created, true);
            } catch (RuntimeException e) {
                created.close(); // a bad limits file: the backend created for the limiter goes with it
                throw e;
            }
        }

        /**
         * The backend for {@code url}, made by the {@link BackendFactory} that claims its scheme, found
         * with {@link ServiceLoader} through this class's loader and the thread's context loader (a
         * webapp may hold the backend module while a container holds the core).
         */
        private static Backend backendFor(String url, String keyPrefix) {
            String scheme = BackendUrls.scheme(url);
            for (ClassLoader loader : new ClassLoader[] {FastLimit.class.getClassLoader(),
                    Thread.currentThread().getContextClassLoader()}) {
                if (loader == null) {
                    continue;
                }
                for (BackendFactory factory : ServiceLoader.load(BackendFactory.class, loader)) {
                    if (factory.schemes().contains(scheme)) {
                        return factory.create(url, keyPrefix);
                    }
                }
            }
            if (REDIS_SCHEMES.contains(scheme)) {
                throw new IllegalStateException("A Redis URL is set (" + BackendUrls.redact(url) + ") but the Redis backend"
                        + " is not on the class path: add the dependency io.fastlimit:fastlimit-redis to your application");
            }
            throw new IllegalArgumentException("Invalid backend URL '" + BackendUrls.redact(url) + "': no backend on the"
                    + " class path handles the scheme '" + scheme + "'; expected redis://, rediss:// or redis-sentinel://"
                    + " with io.fastlimit:fastlimit-redis");
        }
    }
}
