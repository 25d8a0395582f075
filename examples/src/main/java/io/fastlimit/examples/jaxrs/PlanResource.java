package io.fastlimit.examples.jaxrs;

import io.fastlimit.examples.DemoPlans;
import io.fastlimit.jaxrs.Plan;
import io.fastlimit.jaxrs.RateLimit;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/plan}: limits per plan. The key {@code demo-free} gets 5 requests a minute,
 * {@code demo-pro} 50 ({@link DemoPlans}); any other key, invented or none, counts against its IP,
 * 2 a minute. The rule is named {@code plan}, so a limits file changes it with {@code rule.plan.…}.
 */
@Path("/")
public class PlanResource {

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(name = "plan", header = "5/min", headerName = DemoPlans.HEADER, headerResolver = DemoPlans.class,
            ip = "2/min", plans = {@Plan(name = "free", limit = "5/min"), @Plan(name = "pro", limit = "50/min")})
    public String plan(@HeaderParam(DemoPlans.HEADER) String apiKey) {
        return apiKey == null ? "Hello, client without a plan!\n" : "Hello, holder of key " + apiKey + "!\n";
    }
}
