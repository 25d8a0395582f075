package io.fastlimit.jaxrs;

import io.fastlimit.RateLimitDecision;
import io.fastlimit.RateLimitExceededException;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * The default answer to a blocked request: {@code 429 Too Many Requests}, the decision's headers
 * ({@code Retry-After} among them) and the JSON body
 * {@code {"detail": "Rate limit exceeded. Try again in 41s.", "retry_after": 41}}.
 *
 * <p>{@link FastLimitFeature} registers it with a lower priority than an application's mappers, so
 * registering your own {@code ExceptionMapper<RateLimitExceededException>} replaces it. The
 * rate-limit headers are added to your answer too.
 */
public class RateLimitExceededMapper implements ExceptionMapper<RateLimitExceededException> {

    @Override
    public Response toResponse(RateLimitExceededException exception) {
        RateLimitDecision decision = exception.decision();
        Response.ResponseBuilder response = Response.status(Response.Status.TOO_MANY_REQUESTS)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(decision.errorBody());
        decision.forEachHeader(response::header);
        return response.build();
    }
}
