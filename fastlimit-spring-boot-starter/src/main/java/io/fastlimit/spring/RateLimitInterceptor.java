package io.fastlimit.spring;

import io.fastlimit.ClientRequest;
import io.fastlimit.Consumption;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitDecision;
import io.fastlimit.UserResolution;
import io.fastlimit.rules.RateLimitRule;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationContext;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * Checks the {@link RateLimit} rules of the handler method a request goes to, before it runs. The
 * annotations of every mapped handler are read when the application has started its beans, so a bad
 * one stops the start. Like the servlet filter, it counts a request once, records what it took in
 * the request (so a request it turns away gives back what filters in front took), sets the headers,
 * and answers a blocked request with 429 and the JSON body.
 */
final class RateLimitInterceptor implements HandlerInterceptor, SmartInitializingSingleton {

    /** Marks a request this interceptor has counted, so its other dispatches (async, error) are not counted again. */
    private static final String COUNTED = RateLimitInterceptor.class.getName() + ".counted";

    private final FastLimit limiter;
    private final HandlerRules rules;
    private final ApplicationContext context;

    RateLimitInterceptor(FastLimit limiter, ApplicationContext context) {
        this.limiter = limiter;
        this.rules = new HandlerRules(limiter);
        this.context = context;
    }

    /** Reads the annotations of every handler method mapped, failing the start on a bad one. */
    @Override
    public void afterSingletonsInstantiated() {
        for (RequestMappingHandlerMapping mapping : context.getBeansOfType(RequestMappingHandlerMapping.class).values()) {
            for (HandlerMethod handler : mapping.getHandlerMethods().values()) {
                rules.of(handler.getBeanType(), handler.getMethod());
            }
        }
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws IOException {
        if (!(handler instanceof HandlerMethod method) || request.getAttribute(COUNTED) != null) {
            return true;
        }
        List<RateLimitRule> limits = rules.of(method.getBeanType(), method.getMethod());
        if (limits.isEmpty()) {
            return true;
        }
        request.setAttribute(COUNTED, Boolean.TRUE);
        Consumption consumption = limiter.acquire(limits, new Request(request));
        RateLimitDecision decision = consumption.decision();
        if (!decision.bucketChecked()) {
            return true; // an exempt client
        }
        RateLimitDecision reported = consumption.recordInRequest(request::getAttribute, request::setAttribute);
        if (reported == decision && !response.isCommitted()) {
            decision.forEachHeader(response::setHeader); // else a tighter limit in front has set its own
        }
        if (decision.allowed()) {
            return true;
        }
        byte[] body = decision.errorBody().getBytes(StandardCharsets.UTF_8);
        response.setStatus(429);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        return false;
    }

    /** The request as the limiter sees it; the user is the principal, read only when a rule asks. */
    private static final class Request implements ClientRequest {
        private final HttpServletRequest request;

        Request(HttpServletRequest request) {
            this.request = request;
        }

        @Override
        public String remoteAddress() {
            return request.getRemoteAddr();
        }

        @Override
        public String header(String name) {
            return request.getHeader(name);
        }

        @Override
        public List<String> headers(String name) {
            Enumeration<String> values = request.getHeaders(name);
            return values == null ? List.of() : Collections.list(values);
        }

        @Override
        public String user() {
            return UserResolution.userOrAnonymous(this, () -> {
                Principal principal = request.getUserPrincipal();
                return principal == null ? null : principal.getName();
            });
        }
    }
}
