package io.fastlimit.examples.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * Answers {@code Hello from <where>!} in plain text; {@code <where>} is the init-param
 * {@code where}, or the servlet's name.
 */
public final class HelloServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String where = getInitParameter("where");
        response.setContentType("text/plain; charset=utf-8");
        response.getWriter().write("Hello from " + (where != null ? where : getServletName()) + "!\n");
    }
}
