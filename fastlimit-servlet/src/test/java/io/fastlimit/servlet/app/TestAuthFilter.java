package io.fastlimit.servlet.app;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.IOException;
import java.security.Principal;

/**
 * Stands for an application's authentication filter: {@code X-Test-User} becomes the request's
 * principal (as a container login would), {@code X-Test-Attribute-User} the request attribute
 * {@code auth.user} (as a token filter of the application's own would).
 */
public class TestAuthFilter implements Filter {

    public static final String USER_HEADER = "X-Test-User";
    public static final String ATTRIBUTE_USER_HEADER = "X-Test-Attribute-User";
    public static final String USER_ATTRIBUTE = "auth.user";

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        String attributeUser = request.getHeader(ATTRIBUTE_USER_HEADER);
        if (attributeUser != null) {
            request.setAttribute(USER_ATTRIBUTE, attributeUser);
        }
        String user = request.getHeader(USER_HEADER);
        if (user == null) {
            chain.doFilter(req, res);
            return;
        }
        Principal principal = () -> user;
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
                return principal;
            }

            @Override
            public String getRemoteUser() {
                return user;
            }
        }, res);
    }
}
