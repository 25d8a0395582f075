package io.fastlimit.examples.jaxrs;

import io.fastlimit.jaxrs.RateLimit;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

/** {@code GET /api/hello}: 5 requests a minute per IP for anonymous clients, 20 per signed-in user. */
@Path("hello")
public class HelloResource {

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(ip = "5/min", user = "20/min")
    public String hello(@Context SecurityContext security) {
        String user = security.getUserPrincipal() == null ? "anonymous" : security.getUserPrincipal().getName();
        return "Hello, " + user + "!\n";
    }
}
