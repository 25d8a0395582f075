package io.fastlimit.servlet.app;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Starts async processing, then dispatches the request back to itself from another thread (an
 * {@code ASYNC} dispatch through the filters), which writes {@code async}.
 */
public class AsyncServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            response.setContentType("text/plain");
            response.getWriter().write("async");
            return;
        }
        AsyncContext async = request.startAsync();
        async.start(async::dispatch);
    }
}
