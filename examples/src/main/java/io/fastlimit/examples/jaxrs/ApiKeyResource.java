package io.fastlimit.examples.jaxrs;

import io.fastlimit.examples.DemoApiKeys;
import io.fastlimit.jaxrs.RateLimit;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/key}: 5 requests a minute per API key the demo issued ({@link DemoApiKeys}); a
 * request without one, or with a key nobody issued, counts against its IP, 2 a minute.
 */
@Path("key")
public class ApiKeyResource {

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    @RateLimit(header = "5/min", headerName = "X-Api-Key", headerResolver = DemoApiKeys.class, ip = "2/min")
    public String key(@HeaderParam("X-Api-Key") String apiKey) {
        return apiKey == null ? "Hello, client without an API key!\n" : "Hello, holder of key " + apiKey + "!\n";
    }
}
