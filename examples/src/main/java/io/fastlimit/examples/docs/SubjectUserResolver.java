package io.fastlimit.examples.docs;

import io.fastlimit.servlet.UserResolver;
import jakarta.servlet.http.HttpServletRequest;

// tag::user-resolver[]
/**
 * The user id an authentication filter in front left in the request attribute {@code auth.subject};
 * named in web.xml by the {@code user-resolver} init-param, or given in code to
 * {@code FastLimitFilter.userResolver}.
 */
public final class SubjectUserResolver implements UserResolver {

    @Override
    public String resolveUser(HttpServletRequest request) {
        Object subject = request.getAttribute("auth.subject");
        return subject == null ? null : subject.toString();
    }
}
// end::user-resolver[]
