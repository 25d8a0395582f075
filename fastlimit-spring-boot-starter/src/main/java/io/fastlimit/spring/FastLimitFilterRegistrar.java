package io.fastlimit.spring;

import io.fastlimit.FastLimit;
import io.fastlimit.rules.RateLimitRule;
import io.fastlimit.servlet.FastLimitFilter;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

import java.util.List;

/**
 * Registers a {@link FilterRegistrationBean} of a {@link FastLimitFilter} for each rule of
 * {@code fastlimit.rules}, named {@code fastlimit.<rule>.filter}, on the rule's URL patterns and in
 * its order. The filters check their rules with the application's {@link FastLimit} bean. A bean the
 * application already defines under one of these names is left as it is.
 *
 * <p>The rules are read when the context registers its beans, so that there is one bean per rule;
 * each is built, and a bad value fails the start naming its property, when its bean is created.
 */
final class FastLimitFilterRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

    private Environment environment;
    private BeanFactory beans;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beans = beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata importingClass, BeanDefinitionRegistry registry) {
        List<FastLimitProperties.Rule> rules = Binder.get(environment)
                .bindOrCreate(FastLimitProperties.PREFIX, FastLimitProperties.class).getRules();
        for (int i = 0; i < rules.size(); i++) {
            int index = i;
            FastLimitProperties.Rule settings = rules.get(i);
            String beanName = FastLimitProperties.PREFIX + "." + (settings.getName() != null ? settings.getName() : "rules[" + i + "]")
                    + ".filter";
            if (registry.containsBeanDefinition(beanName)) {
                continue;
            }
            RootBeanDefinition definition = new RootBeanDefinition(FilterRegistrationBean.class,
                    () -> registration(index, settings));
            definition.setTargetType(ResolvableType.forClassWithGenerics(FilterRegistrationBean.class, FastLimitFilter.class));
            registry.registerBeanDefinition(beanName, definition);
        }
    }

    private FilterRegistrationBean<FastLimitFilter> registration(int index, FastLimitProperties.Rule settings) {
        RateLimitRule rule = RuleSettings.rule(index, settings, beans);
        FastLimitFilter filter = new FastLimitFilter(beans.getBean(FastLimit.class), rule).async(settings.isAsync());
        FilterRegistrationBean<FastLimitFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setName("fastlimit-" + rule.name());
        registration.setUrlPatterns(settings.getUrlPatterns());
        registration.setOrder(settings.getOrder());
        // a request is counted once: the filter passes the other dispatches of a request it has counted
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.setAsyncSupported(true);
        return registration;
    }
}
