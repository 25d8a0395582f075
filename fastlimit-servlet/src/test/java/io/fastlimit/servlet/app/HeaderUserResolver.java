package io.fastlimit.servlet.app;

import io.fastlimit.servlet.UserResolver;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Takes the user from {@code X-Resolved-User}; {@code X-Resolved-User: huge} makes a 1 MB user id and
 * {@code X-Resolved-User: throw} makes the resolver fail, to test what the filter does with both.
 */
public class HeaderUserResolver implements UserResolver {

    public static final String HEADER = "X-Resolved-User";

    @Override
    public String resolveUser(HttpServletRequest request) {
        String user = request.getHeader(HEADER);
        if ("huge".equals(user)) {
            return "u".repeat(1 << 20);
        }
        if ("throw".equals(user)) {
            throw new IllegalStateException("resolver failure on purpose");
        }
        return user;
    }
}
