package io.fastlimit.examples.docs;

import io.fastlimit.jaxrs.Plan;
import io.fastlimit.jaxrs.RateLimit;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The sample of docs/jaxrs.md on plans and shadow limits. */
// tag::resource[]
@Path("feeds")
@Produces(MediaType.TEXT_PLAIN)
public class PlanReports {

    @GET
    @RateLimit(ip = "2/min", plans = {@Plan(name = "pro", limit = "50/min"), @Plan(name = "team", limit = "500/min")})
    public String feed() {                                   // the caller's plan, from withPlanResolver
        return "2030-q2 published\n";
    }

    @GET @Path("beta")
    @RateLimit(value = "10/min", shadow = true)              // logged when it would block, never blocking
    public String beta() {
        return "beta\n";
    }
}
// end::resource[]
