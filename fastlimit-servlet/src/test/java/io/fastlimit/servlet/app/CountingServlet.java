package io.fastlimit.servlet.app;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts the requests that reach it, in {@link #CALLS}, notes the dispatch type of the last one in
 * {@link #LAST_DISPATCH}, and answers {@code counted}.
 */
public class CountingServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** Requests served by every instance; a test sets it to 0 before it counts. */
    public static final AtomicInteger CALLS = new AtomicInteger();
    public static final AtomicReference<DispatcherType> LAST_DISPATCH = new AtomicReference<>();

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        LAST_DISPATCH.set(request.getDispatcherType());
        CALLS.incrementAndGet();
        response.setContentType("text/plain");
        response.getWriter().write("counted");
    }
}
