package io.fastlimit.spring;

import io.fastlimit.Algorithm;
import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.rules.RateLimitRule;
import org.springframework.beans.factory.BeanFactory;

import java.util.function.Supplier;

/** One rule of {@code fastlimit.rules}, built by the core's rule builder, every error naming its property. */
final class RuleSettings {

    private RuleSettings() {
    }

    /**
     * The rule at {@code index}; a {@code header-resolver} is looked up in {@code beans}.
     *
     * @throws IllegalArgumentException naming the property, such as {@code fastlimit.rules[0].ip}, and its value
     */
    static RateLimitRule rule(int index, FastLimitProperties.Rule rule, BeanFactory beans) {
        String where = FastLimitProperties.PREFIX + ".rules[" + index + "]";
        String name = rule.getName();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(where + ".name is not set: every rule needs a name, part of its keys,"
                    + " so that every instance of the application counts into the same ones");
        }
        RateLimitRule.Builder builder = named(where + ".name", name, () -> RateLimitRule.builder(name));
        if (rule.getIp() != null) {
            named(where + ".ip", rule.getIp(), () -> builder.ip(rule.getIp()));
        }
        if (rule.getUser() != null) {
            named(where + ".user", rule.getUser(), () -> builder.user(rule.getUser()));
        }
        if (rule.getHeader() != null || rule.getHeaderName() != null) {
            if (rule.getHeader() == null || rule.getHeaderName() == null) {
                throw new IllegalArgumentException(where + ": header and header-name go together (header='"
                        + rule.getHeader() + "', header-name='" + rule.getHeaderName() + "')");
            }
            named(where + ".header", rule.getHeader(), () -> builder.header(rule.getHeaderName(), rule.getHeader()));
        }
        if (rule.getHeaderResolver() != null) {
            HeaderIdentityResolver resolver = named(where + ".header-resolver", rule.getHeaderResolver(),
                    () -> headerResolver(beans, rule.getHeaderResolver()));
            builder.headerResolver(resolver);
        }
        if (rule.getAlgorithm() != null) {
            named(where + ".algorithm", rule.getAlgorithm(), () -> builder.algorithm(Algorithm.parse(rule.getAlgorithm())));
        }
        builder.ipCeiling(rule.isIpCeiling());
        named(where + ".cost", Integer.toString(rule.getCost()), () -> builder.cost(rule.getCost()));
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid " + where + ": " + e.getMessage(), e);
        }
    }

    private static HeaderIdentityResolver headerResolver(BeanFactory beans, String beanName) {
        try {
            return beans.getBean(beanName, HeaderIdentityResolver.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("expected the name of a HeaderIdentityResolver bean (" + e.getMessage() + ")", e);
        }
    }

    /** Runs {@code step}, naming {@code property} and {@code value} when the core refuses the value. */
    private static <T> T named(String property, String value, Supplier<T> step) {
        try {
            return step.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid " + property + "='" + value + "': " + e.getMessage(), e);
        }
    }
}
