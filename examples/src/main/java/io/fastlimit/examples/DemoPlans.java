package io.fastlimit.examples;

import io.fastlimit.ClientRequest;
import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.PlanResolver;

import java.util.Map;

/**
 * The API keys of the demo's plans, and the plan each is on: {@code demo-free} on free,
 * {@code demo-pro} on pro. As a {@link HeaderIdentityResolver} it says which keys are genuine (any
 * other value counts as the client's IP); as a {@link PlanResolver} it looks the plan of a genuine key
 * up, so a client cannot name its own plan. Used by {@code GET /api/plan}.
 */
public final class DemoPlans implements HeaderIdentityResolver, PlanResolver {

    /** The header the keys come in. */
    public static final String HEADER = "X-Api-Key";

    /** Key to its plan. A real application keeps this beside its keys, in its own store. */
    private static final Map<String, String> PLAN_OF_KEY = Map.of("demo-free", "free", "demo-pro", "pro");

    @Override
    public String clientId(String apiKey) {
        return PLAN_OF_KEY.containsKey(apiKey) ? apiKey : null;
    }

    @Override
    public String plan(ClientRequest request) {
        String apiKey = request.header(HEADER);
        return apiKey == null ? null : PLAN_OF_KEY.get(apiKey.trim());
    }
}
