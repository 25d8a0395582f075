package io.fastlimit.servlet.app;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;

/** Streams three chunks, flushing after each: the response is committed before the servlet ends. */
public class StreamingServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        PrintWriter out = response.getWriter();
        for (int i = 1; i <= 3; i++) {
            out.write("chunk " + i + "\n");
            out.flush();
        }
    }
}
