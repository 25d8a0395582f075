package io.fastlimit.examples.springboot;

import org.apache.commons.logging.LogFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot application whose only limit, {@code GET /hello} at 5 per minute per client IP, is
 * written in its {@code application.yml}: fastlimit-spring-boot-starter turns it into a servlet filter.
 * Run it with {@code ./mvnw -q -pl examples-spring-boot -am compile exec:java}; it listens on
 * {@code PORT} (8080 by default).
 */
@SpringBootApplication
@RestController
public class HelloApplication {

    public static void main(String[] args) {
        SpringApplication.run(HelloApplication.class, args);
    }

    @GetMapping("/hello")
    public String hello() {
        return "Hello from Spring Boot!\n";
    }

    @EventListener
    public void ready(ApplicationReadyEvent event) {
        Environment environment = event.getApplicationContext().getEnvironment();
        LogFactory.getLog(HelloApplication.class).info("fastlimit Spring Boot demo on http://localhost:" + environment.getProperty("local.server.port")
                + "/hello: 5/min per IP (fastlimit.rules in application.yml). Ctrl-C stops it.");
    }
}
