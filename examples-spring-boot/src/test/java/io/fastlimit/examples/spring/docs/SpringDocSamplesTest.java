package io.fastlimit.examples.spring.docs;

import io.fastlimit.FastLimit;
import io.fastlimit.HeaderStyle;
import io.fastlimit.spring.FastLimitAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The samples of docs/spring-boot.md do what the page says. */
class SpringDocSamplesTest {

    private final WebApplicationContextRunner web = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FastLimitAutoConfiguration.class));

    @Test
    void theRulesOfThePageBecomeOneFilterEachWithTheApiKeysBean() {
        web.withUserConfiguration(ApiKeysConfiguration.class)
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(docsRules()))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(FastLimit.class).headerStyle()).isEqualTo(HeaderStyle.ietf());
                    FilterRegistrationBean<?> partners = context.getBean("fastlimit.partners.filter", FilterRegistrationBean.class);
                    assertThat(partners.getUrlPatterns()).containsExactly("/partners/*");
                    assertThat(context.getBean("fastlimit.export.filter", FilterRegistrationBean.class).getOrder()).isEqualTo(10);
                });
    }

    @Test
    void anOwnLimiterReplacesTheStartersAndServesTheRules() {
        web.withUserConfiguration(OwnLimiterConfiguration.class)
                .withPropertyValues("fastlimit.rules[0].name=hello", "fastlimit.rules[0].ip=5/min")
                .run(context -> {
                    assertThat(context).hasSingleBean(FastLimit.class);
                    assertThat(context.getBean(FastLimit.class).keyPrefix()).isEqualTo("shop");
                    assertThat(context).hasBean("fastlimit.hello.filter");
                });
    }

    private static PropertySource<?> docsRules() {
        try {
            List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("docs-rules", new ClassPathResource("docs-rules.yml"));
            return sources.get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
