package io.fastlimit.examples.docs;

import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.rules.RateLimitRule;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The core API on its own, as the README's quickstart shows it: a limiter, a rule, and a check per
 * request. Written as a servlet here; any HTTP stack works the same, through {@link ClientRequest}.
 */
public final class CoreQuickstart extends HttpServlet {

    private static final long serialVersionUID = 1L;

    // tag::setup[]
    private final FastLimit limiter = FastLimit.builder()   // in memory, sliding window, X-RateLimit-* headers
            .trustedProxies(1)                               // one load balancer of ours in front
            .exemptIps("10.0.0.0/8")
            .build();

    private final RateLimitRule api = RateLimitRule.builder("api")  // the name is part of every key: keep it stable
            .ip("100/min")                                           // anonymous clients, per IP
            .user("1000/min;20000/day")                              // signed-in users, per user id
            .build();
    // end::setup[]

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String remoteAddr = request.getRemoteAddr();
        Map<String, List<String>> headers = Map.of("X-Forwarded-For", Collections.list(request.getHeaders("X-Forwarded-For")));
        String userId = request.getRemoteUser();
        // tag::check[]
        RateLimitDecision decision = limiter.check(api, ClientRequest.of(remoteAddr, headers, userId));
        decision.forEachHeader(response::setHeader);
        if (!decision.allowed()) {
            response.setStatus(429);                          // Retry-After is among the headers
            response.getWriter().write(decision.errorBody()); // {"detail": "Rate limit exceeded. Try again in 41s.", "retry_after": 41}
            return;
        }
        // end::check[]
        response.getWriter().write("ok\n");
    }

    @Override
    public void destroy() {
        limiter.close();
    }
}
