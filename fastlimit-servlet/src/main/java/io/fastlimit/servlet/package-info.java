/**
 * Jakarta Servlet integration: {@link io.fastlimit.servlet.FastLimitFilter}, a {@code Filter} that
 * applies a fastlimit rule to every request it is mapped to, configured from {@code web.xml}
 * init-params or in code. {@link io.fastlimit.servlet.UserResolver} tells it who the user is, and
 * {@link io.fastlimit.servlet.BlockedHandler} replaces its answer to a blocked request.
 */
package io.fastlimit.servlet;
