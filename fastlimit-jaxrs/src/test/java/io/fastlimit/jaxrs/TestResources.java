package io.fastlimit.jaxrs;

import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.RateLimitExceededException;

import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.ext.ExceptionMapper;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The resources and providers the HTTP tests run against. */
final class TestResources {

    private TestResources() {
    }

    /** Method limits of each scope, and every kind of result a resource method can return. */
    @Path("limited")
    public static class Limited {

        @GET
        @Path("ip")
        @RateLimit("3/min")
        public String ip() {
            return "ok";
        }

        @GET
        @Path("user")
        @RateLimit(ip = "2/min", user = "4/min")
        public String user() {
            return "ok";
        }

        @GET
        @Path("key")
        @RateLimit(header = "3/min", headerName = "X-Api-Key", ip = "2/min", headerResolver = IssuedKeys.class)
        public String key() {
            return "ok";
        }

        @GET
        @Path("unverified-key")
        @RateLimit(header = "5/min", headerName = "X-Api-Key", ip = "2/min")
        public String unverifiedKey() {
            return "ok";
        }

        @GET
        @Path("partner")
        @RateLimit(header = "5/min", headerName = "X-Partner-Key", ip = "2/min")
        public String partner() {
            return "ok";
        }

        @GET
        @Path("ceiling")
        @RateLimit(user = "10/min", ip = "2/min", ipCeiling = true)
        public String ceiling() {
            return "ok";
        }

        @GET
        @Path("cost")
        @RateLimit(value = "10/min", cost = 4)
        public String cost() {
            return "ok";
        }

        @GET
        @Path("export-a")
        @RateLimit(value = "3/min", name = "export")
        public String exportA() {
            return "a";
        }

        @POST
        @Path("export-b")
        @RateLimit(value = "3/min", name = "export", cost = 2)
        public String exportB() {
            return "b";
        }

        @GET
        @Path("response")
        @RateLimit("100/min")
        public Response response() {
            return Response.accepted("accepted").header("X-Own", "kept").build();
        }

        @GET
        @Path("stream")
        @Produces(MediaType.TEXT_PLAIN)
        @RateLimit("100/min")
        public StreamingOutput stream() {
            return out -> out.write("streamed".getBytes(StandardCharsets.UTF_8));
        }

        @GET
        @Path("async")
        @RateLimit("100/min")
        public CompletionStage<String> async() {
            return CompletableFuture.supplyAsync(() -> "later");
        }

        @GET
        @Path("suspended")
        @RateLimit("100/min")
        public void suspended(@Suspended AsyncResponse response) {
            CompletableFuture.runAsync(() -> response.resume("resumed"));
        }

        @GET
        @Path("missing")
        @RateLimit("100/min")
        public String missing() {
            throw new NotFoundException("nothing here");
        }

        @GET
        @Path("nothing")
        @RateLimit("100/min")
        public void nothing() {
        }
    }

    /** A class limit shared by every method, and a method limit on one of them. */
    @Path("both")
    @RateLimit("5/min")
    public static class BothLimits {

        @GET
        @Path("a")
        @RateLimit("2/min")
        public String a() {
            return "a";
        }

        @GET
        @Path("b")
        public String b() {
            return "b";
        }

        @GET
        @Path("c")
        public String c() {
            return "c";
        }
    }

    /** JAX-RS annotations on an interface, a class limit beside them, a method limit on the implementation. */
    @Path("greeting")
    @RateLimit("5/min")
    public interface Greeting {
        @GET
        @Path("hello")
        String hello();

        @GET
        @Path("bye")
        String bye();
    }

    public static class PoliteGreeting implements Greeting {
        @Override
        @RateLimit("2/min")
        public String hello() {
            return "hello";
        }

        @Override
        public String bye() {
            return "bye";
        }
    }

    /** No annotation: the feature must leave it alone. */
    @Path("plain")
    public static class Plain {

        @GET
        public String get(@Context HttpServletRequest request) { // both Jersey and RESTEasy keep request properties here
            return "decision=" + request.getAttribute(FastLimitFeature.DECISION_PROPERTY);
        }
    }

    /** The API keys the application issued: {@code key-1} and {@code key-2}, each its own client. */
    public static class IssuedKeys implements HeaderIdentityResolver {

        @Override
        public String clientId(String headerValue) {
            return headerValue.equals("key-1") || headerValue.equals("key-2") ? headerValue : null;
        }
    }

    /** Signs in the user named by {@code X-Test-User}, as an authentication filter would. */
    @PreMatching
    @Priority(Priorities.AUTHENTICATION)
    public static class TestSecurity implements ContainerRequestFilter {

        @Override
        public void filter(ContainerRequestContext request) {
            String user = request.getHeaderString("X-Test-User");
            if (user == null) {
                return;
            }
            Principal principal = () -> user;
            request.setSecurityContext(new SecurityContext() {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }

                @Override
                public boolean isUserInRole(String role) {
                    return false;
                }

                @Override
                public boolean isSecure() {
                    return false;
                }

                @Override
                public String getAuthenticationScheme() {
                    return "test";
                }
            });
        }
    }

    /** An application's own answer to a blocked request, replacing the default mapper. */
    public static class PlainTextMapper implements ExceptionMapper<RateLimitExceededException> {

        @Override
        public Response toResponse(RateLimitExceededException exception) {
            return Response.status(Response.Status.TOO_MANY_REQUESTS)
                    .type(MediaType.TEXT_PLAIN_TYPE)
                    .entity("Slow down: " + exception.retryAfterSeconds() + "s")
                    .build();
        }
    }
}
