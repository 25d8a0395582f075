package io.fastlimit.jaxrs;

import io.fastlimit.HeaderIdentityResolver;
import io.fastlimit.rules.Rate;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.rules.Scope;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnnotationRulesTest {

    @RateLimit("10/min")
    static class Orders {
        @RateLimit(ip = "5/min", user = "50/min;1000/day", cost = 2)
        public void export() {
        }

        @RateLimit(header = "500/min", headerName = "X-Api-Key", name = "orders-by-key")
        public void byKey() {
        }

        public void get() {
        }

        public void get(long id) {
        }

        public void get(String[] ids, int page) {
        }

        @RateLimit(value = "1/s", ip = "2/s")
        public void both() {
        }

        @RateLimit(headerName = "X-Api-Key")
        public void nameWithoutRate() {
        }

        @RateLimit
        public void nothing() {
        }

        @RateLimit(header = "500/min", headerName = "X-Api-Key", ip = "10/min", ipCeiling = true,
                headerResolver = IssuedKeys.class)
        public void issuedKeys() {
        }

        @RateLimit(header = "500/min", headerName = "X-Partner")
        public void partners() {
        }

        @RateLimit(ip = "10/min", headerResolver = IssuedKeys.class)
        public void resolverWithoutHeader() {
        }

        @RateLimit(user = "10/min", ipCeiling = true)
        public void ceilingWithoutIp() {
        }

        @RateLimit(header = "500/min", headerName = "X-Api-Key", headerResolver = NoDefaultConstructor.class)
        public void resolverThatCannotBeCreated() {
        }

        @RateLimit(value = "5/min", name = "has space")
        public void badName() {
        }
    }

    static class Bücher {
    }

    public static class IssuedKeys implements HeaderIdentityResolver {
        @Override
        public String clientId(String headerValue) {
            return headerValue.equals("key-a") ? "acme" : null;
        }
    }

    public static class NoDefaultConstructor implements HeaderIdentityResolver {
        public NoDefaultConstructor(String keys) {
        }

        @Override
        public String clientId(String headerValue) {
            return null;
        }
    }

    @Test
    void readsTheHeaderResolverAndTheIpCeiling() throws Exception {
        RateLimitRule issued = rule("issuedKeys");
        assertThat(issued.headerResolver()).containsInstanceOf(IssuedKeys.class);
        assertThat(issued.ipCeiling()).isTrue();
        assertThat(rule("export").ipCeiling()).isFalse();
        assertThat(rule("export").headerResolver()).isEmpty();

        // the application's resolver for a header applies where the annotation names none
        HeaderIdentityResolver partners = HeaderIdentityResolver.validatedBy("p-1"::equals);
        assertThat(rule("partners", header -> header.equals("X-Partner") ? partners : null).headerResolver()).containsSame(partners);
        assertThat(rule("issuedKeys", header -> partners).headerResolver()).containsInstanceOf(IssuedKeys.class);
        assertThat(rule("partners").headerResolver()).isEmpty();
    }

    @Test
    void aResolverOrACeilingWithoutItsRateFailsNamingTheElement() {
        assertThatThrownBy(() -> rule("resolverWithoutHeader"))
                .hasMessageStartingWith("Invalid @RateLimit(ip = \"10/min\", headerResolver = IssuedKeys.class) on where")
                .hasMessageContaining("header, its rate, is not set");
        assertThatThrownBy(() -> rule("ceilingWithoutIp"))
                .hasMessageContaining("ipCeiling = true").hasMessageContaining("ip, the rate that is the ceiling, is not");
        assertThatThrownBy(() -> rule("resolverThatCannotBeCreated"))
                .hasMessageContaining(NoDefaultConstructor.class.getName())
                .hasMessageContaining("public no-argument constructor");
    }

    @Test
    void readsEveryScopeAndTheCost() throws Exception {
        RateLimitRule rule = rule("export");
        assertThat(rule.name()).isEqualTo("Orders.export");
        assertThat(rule.rates(Scope.IP)).containsExactlyElementsOf(Rate.parse("5/min"));
        assertThat(rule.rates(Scope.USER)).containsExactlyElementsOf(Rate.parse("50/min;1000/day"));
        assertThat(rule.limits(Scope.HEADER)).isFalse();
        assertThat(rule.cost()).isEqualTo(2);

        RateLimitRule byKey = rule("byKey");
        assertThat(byKey.name()).isEqualTo("orders-by-key");
        assertThat(byKey.headerName()).isEqualTo("X-Api-Key");
        assertThat(byKey.rates(Scope.HEADER)).containsExactlyElementsOf(Rate.parse("500/min"));
        assertThat(byKey.limits(Scope.IP)).isFalse();

        RateLimitRule classRule = AnnotationRules.rule(Orders.class.getAnnotation(RateLimit.class),
                AnnotationRules.className(Orders.class), "Orders", header -> null);
        assertThat(classRule.name()).isEqualTo("Orders");
        assertThat(classRule.rates(Scope.IP)).containsExactlyElementsOf(Rate.parse("10/min"));
    }

    @Test
    void defaultNamesAreStableAndReadableAndTellOverloadsApart() throws Exception {
        assertThat(AnnotationRules.methodName(Orders.class, Orders.class.getMethod("export"))).isEqualTo("Orders.export");
        assertThat(AnnotationRules.methodName(Orders.class, Orders.class.getMethod("get"))).isEqualTo("Orders.get");
        assertThat(AnnotationRules.methodName(Orders.class, Orders.class.getMethod("get", long.class)))
                .isEqualTo("Orders.get-long");
        assertThat(AnnotationRules.methodName(Orders.class, Orders.class.getMethod("get", String[].class, int.class)))
                .isEqualTo("Orders.get-StringArray-int");
        assertThat(AnnotationRules.className(Bücher.class)).isEqualTo("B_cher");
        Object anonymous = new Object() { };
        assertThat(AnnotationRules.className(anonymous.getClass())).isEqualTo("AnnotationRulesTest_1");
    }

    @Test
    void badAnnotationsNameTheElementAndTheValue() {
        assertThatThrownBy(() -> rule("both")).hasMessage("Invalid @RateLimit(value = \"1/s\", ip = \"2/s\") on where: "
                + "value \"1/s\" and ip \"2/s\" are the same setting: set one of them");
        assertThatThrownBy(() -> rule("nameWithoutRate")).hasMessageContaining("headerName \"X-Api-Key\" is set but header");
        assertThatThrownBy(() -> rule("nothing")).hasMessageContaining("no rate is set");
        assertThatThrownBy(() -> rule("badName")).hasMessageContaining("Invalid rule name 'has space'");
    }

    @Test
    void whereNamesTheClassTheMethodAndItsParameterTypes() throws Exception {
        assertThat(AnnotationRules.where(Orders.class, Orders.class.getMethod("get", String[].class, int.class)))
                .isEqualTo("io.fastlimit.jaxrs.AnnotationRulesTest$Orders#get(String[], int)");
    }

    private static RateLimitRule rule(String methodName) throws Exception {
        return rule(methodName, header -> null);
    }

    private static RateLimitRule rule(String methodName, Function<String, HeaderIdentityResolver> headerResolvers)
            throws Exception {
        Method method = Arrays.stream(Orders.class.getMethods()).filter(m -> m.getName().equals(methodName))
                .findFirst().orElseThrow();
        return AnnotationRules.rule(method.getAnnotation(RateLimit.class),
                AnnotationRules.methodName(Orders.class, method), "where", headerResolvers);
    }

    @RateLimit(ip = "2/min", plans = @Plan(name = "pro", limit = "50/min"), shadow = true)
    public void planned() {
    }

    @Test
    void plansNeedTheFeaturesPlanResolverAndAreDescribed() throws Exception {
        RateLimit annotation = AnnotationRulesTest.class.getMethod("planned").getAnnotation(RateLimit.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AnnotationRules.rule(annotation, "planned", "here",
                        header -> null, null))
                .hasMessageContaining("Invalid @RateLimit(ip = \"2/min\", plans = {@Plan(name = \"pro\", limit = \"50/min\")},"
                        + " shadow = true) on here: plans need a plan resolver");
        io.fastlimit.rules.RateLimitRule rule = AnnotationRules.rule(annotation, "planned", "here", header -> null,
                request -> "pro");
        org.assertj.core.api.Assertions.assertThat(rule.plans()).containsOnlyKeys("pro");
        org.assertj.core.api.Assertions.assertThat(rule.shadow()).isTrue();
    }
}
