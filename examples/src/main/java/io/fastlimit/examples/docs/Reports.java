package io.fastlimit.examples.docs;

import io.fastlimit.jaxrs.RateLimit;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The JAX-RS sample of the README and docs/jaxrs.md. */
// tag::resource[]
@Path("reports")
@RateLimit(ip = "100/min", user = "1000/min")             // one bucket shared by every method of the class
@Produces(MediaType.TEXT_PLAIN)
public class Reports {

    @GET
    public String list() {                                  // the class limit only
        return "2030-q1\n2030-q2\n";
    }

    @POST @Path("export")
    @RateLimit(user = "10/hour", cost = 2, name = "export") // the class limit and this one
    public Response export() {
        return Response.accepted().build();
    }

    @GET @Path("feed")
    @RateLimit(header = "500/min", headerName = "X-Api-Key", ip = "20/min")
    public String feed() {
        return "2030-q2 published\n";
    }
}
// end::resource[]
