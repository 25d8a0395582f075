package io.fastlimit.examples.docs;

import io.fastlimit.RateLimitExceededException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

// tag::mapper[]
/** Answers a blocked request in plain text; the rate-limit headers are added to this response too. */
@Provider
public final class PlainTextRateLimitMapper implements ExceptionMapper<RateLimitExceededException> {

    @Override
    public Response toResponse(RateLimitExceededException exception) {
        return Response.status(Response.Status.TOO_MANY_REQUESTS)
                .type(MediaType.TEXT_PLAIN_TYPE)
                .entity("Slow down: retry in " + exception.retryAfterSeconds() + " s\n")
                .build();
    }
}
// end::mapper[]
