/**
 * Jakarta Servlet integration: a {@code Filter} that applies fastlimit rules to every request it sees.
 */
package io.fastlimit.servlet;
