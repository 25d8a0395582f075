package io.fastlimit.examples.observability;

import io.fastlimit.ClientRequest;
import io.fastlimit.FastLimit;
import io.fastlimit.RateLimitStatus;
import io.fastlimit.rules.RateLimitRule;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/rate_limit}: where the caller stands on each rule, as JSON, read with
 * {@link FastLimit#peek} so asking spends nothing:
 *
 * <pre>{@code
 * {"rules": [{"path": "GET /servlet/hello", "rule": "servlet-hello", "scope": "ip", "limit": 5, "remaining": 3, "reset": 1893456060}, ...]}
 * }</pre>
 *
 * {@code reset} is in epoch seconds, as {@code X-RateLimit-Reset}; a rule that does not limit the
 * caller (an exempt client) has {@code "scope": null}.
 */
public final class RateLimitStatusServlet extends HttpServlet {

    /** One rule to report: the path it limits, the limiter that counts it, and the header naming the user, if any. */
    public record Entry(String path, Supplier<FastLimit> limiter, RateLimitRule rule, String userHeader) {
    }

    private final transient List<Entry> entries;

    public RateLimitStatusServlet(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name, Collections.list(request.getHeaders(name)));
        }
        StringBuilder json = new StringBuilder("{\"rules\": [");
        for (Entry entry : entries) {
            FastLimit limiter = entry.limiter().get();
            if (limiter == null) {
                continue; // its webapp has not started
            }
            String user = entry.userHeader() == null ? null : request.getHeader(entry.userHeader());
            ClientRequest client = ClientRequest.of(request.getRemoteAddr(), headers, user == null ? null : user.trim());
            RateLimitStatus status = limiter.peek(entry.rule(), client);
            json.append(json.charAt(json.length() - 1) == '[' ? "" : ", ")
                    .append("{\"path\": \"").append(entry.path())
                    .append("\", \"rule\": \"").append(status.ruleName())
                    .append("\", \"scope\": ").append(status.limited() ? "\"" + status.scope().keyPart() + "\"" : "null")
                    .append(", \"limit\": ").append(status.limit())
                    .append(", \"remaining\": ").append(status.remaining())
                    .append(", \"reset\": ").append(status.resetEpochSeconds())
                    .append('}');
        }
        json.append("]}\n");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(json.toString());
    }
}
