package io.fastlimit.servlet.app;

import io.fastlimit.ClientRequest;
import io.fastlimit.PlanResolver;

import java.util.Map;

/**
 * The plan of each API key the test application issued ({@link KnownApiKeys}), looked up on the
 * server: {@code key-a} is on pro, {@code key-b} on free, {@code k1} on gold (a plan no test rule
 * declares); any other value is on no plan.
 */
public class KeyPlans implements PlanResolver {

    public static final Map<String, String> PLAN_OF_KEY = Map.of("key-a", "pro", "key-b", "free", "k1", "gold");

    private final PlanResolver lookup = PlanResolver.fromHeader("X-Api-Key", PLAN_OF_KEY::get);

    @Override
    public String plan(ClientRequest request) {
        return lookup.plan(request);
    }
}
