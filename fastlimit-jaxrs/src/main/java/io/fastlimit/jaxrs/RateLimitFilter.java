package io.fastlimit.jaxrs;

import io.fastlimit.Consumption;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.RateLimitExceededException;
import io.fastlimit.UserResolution;
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
import java.util.function.Function;

/**
 * Checks the requests of one resource method against its rules and adds the headers of the request's
 * decision to the response. One instance per limited method, shared by all its requests; thread-safe.
 *
 * <p>The request's record of what its limits consumed lives in the request properties, under the
 * core's names ({@link Consumption#REQUEST_ATTRIBUTE}, {@link RateLimitDecision#REQUEST_ATTRIBUTE}).
 * On a servlet container Jersey keeps them as servlet request attributes, so a {@code FastLimitFilter}
 * in front and this filter share one: a request this filter blocks gives back what the servlet
 * filter took, and the response reports the tighter of the two limits.
 */
class RateLimitFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final Logger LOG = System.getLogger(FastLimitFeature.class.getName());
    private static final AtomicBoolean WARNED_NO_ADDRESS = new AtomicBoolean();

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
        Consumption consumption = onlyRule != null ? limiter.acquire(onlyRule, client) : limiter.acquire(rules, client);
        consumption.recordInRequest(request::getProperty, request::setProperty);
        RateLimitDecision decision = consumption.decision();
        if (!decision.allowed()) {
            throw new RateLimitExceededException(decision);
        }
    }

    /** The headers of the decision the request's limits came to, this method's or a servlet filter's in front. */
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(RateLimitDecision.REQUEST_ATTRIBUTE) instanceof RateLimitDecision decision) {
            MultivaluedMap<String, Object> headers = response.getHeaders();
            decision.forEachHeader(headers::putSingle);
        }
    }

    /** The user, or {@code null}: a resolver that throws makes the request anonymous, never a 500. */
    String user(ContainerRequestContext request) {
        return UserResolution.userOrAnonymous(users, () -> users.resolveUser(request));
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
