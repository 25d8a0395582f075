package io.fastlimit.jaxrs;

import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.RateLimitExceededException;
import io.fastlimit.rules.RateLimitRule;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MultivaluedMap;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Checks the requests of one resource method against its rules and adds the decision's headers to
 * the response. One instance per limited method, shared by all its requests; thread-safe.
 */
class RateLimitFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final Logger LOG = System.getLogger(FastLimitFeature.class.getName());
    private static final AtomicBoolean WARNED_NO_ADDRESS = new AtomicBoolean();
    /** A failing user resolver is logged at most this often, so a flood of requests cannot flood the log. */
    private static final long WARNING_INTERVAL_MS = 10_000;
    private static final AtomicLong lastResolverWarningMs = new AtomicLong(Long.MIN_VALUE / 2);

    private final FastLimit limiter;
    private final List<RateLimitRule> rules;
    private final RateLimitRule onlyRule;
    private final UserResolver users;
    private final Function<ContainerRequestContext, String> remoteAddress;

    RateLimitFilter(FastLimit limiter, List<RateLimitRule> rules, UserResolver users,
                    Function<ContainerRequestContext, String> remoteAddress) {
        this.limiter = limiter;
        this.rules = rules;
        this.onlyRule = rules.size() == 1 ? rules.get(0) : null;
        this.users = users;
        this.remoteAddress = remoteAddress;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        ContainerClientRequest client = new ContainerClientRequest(request, this);
        RateLimitDecision decision = onlyRule != null ? limiter.check(onlyRule, client) : limiter.check(rules, client);
        request.setProperty(FastLimitFeature.DECISION_PROPERTY, decision);
        if (!decision.allowed()) {
            throw new RateLimitExceededException(decision);
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(FastLimitFeature.DECISION_PROPERTY) instanceof RateLimitDecision decision) {
            MultivaluedMap<String, Object> headers = response.getHeaders();
            decision.forEachHeader(headers::putSingle);
        }
    }

    /** The user, or {@code null}: a resolver that throws makes the request anonymous, never a 500. */
    String user(ContainerRequestContext request) {
        try {
            return users.resolveUser(request);
        } catch (RuntimeException e) {
            long nowMs = System.currentTimeMillis();
            long last = lastResolverWarningMs.get();
            if (nowMs - last >= WARNING_INTERVAL_MS && lastResolverWarningMs.compareAndSet(last, nowMs)) {
                LOG.log(Level.WARNING, "User resolver " + users.getClass().getName()
                        + " failed; the request is limited as anonymous", e);
            }
            return null;
        }
    }

    String remoteAddress(ContainerRequestContext request) {
        String address = remoteAddress.apply(request);
        if (address == null && WARNED_NO_ADDRESS.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "The peer address of a request is unknown, so every such client shares one IP"
                    + " bucket: on a container other than a servlet one, give FastLimitFeature.withRemoteAddress(...)");
        }
        return address;
    }
}
