package io.fastlimit.spring;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.hamcrest.Matchers.equalTo;

/** {@link RateLimit} on Spring MVC handler methods and controllers, over HTTP, behind a rule of the properties. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = AnnotatedHandlersTest.App.class,
        properties = {"fastlimit.rules[0].name=everything", "fastlimit.rules[0].url-patterns=/*", "fastlimit.rules[0].ip=10/min"})
class AnnotatedHandlersTest {

    /** The controllers below and nothing else: the auto-configurations, without scanning. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import({Reports.class, Plain.class})
    static class App {
    }

    @RestController
    @RateLimit("4/min")
    static class Reports {

        @GetMapping("/reports")
        String list() {
            return "reports";
        }

        @GetMapping("/reports/export")
        @RateLimit(ip = "1/min", name = "export")
        String export() {
            return "export";
        }
    }

    @RestController
    static class Plain {
        @GetMapping("/plain")
        String plain() {
            return "plain";
        }
    }

    @LocalServerPort
    int port;

    private RequestSpecification http() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(port);
    }

    @Test
    void theMethodAndClassLimitsApplyBehindTheFilterAndABlockedRequestCountsNowhere() {
        http().get("/reports/export").then().statusCode(200).body(equalTo("export"))
                .header("X-RateLimit-Limit", "1").header("X-RateLimit-Remaining", "0");
        http().get("/reports/export").then().statusCode(429).body("retry_after", equalTo(60));
        // the class limit and the filter counted the export they let through, not the one turned away
        http().get("/reports").then().statusCode(200)
                .header("X-RateLimit-Limit", "4").header("X-RateLimit-Remaining", "2");
        http().get("/plain").then().statusCode(200)
                .header("X-RateLimit-Limit", "10").header("X-RateLimit-Remaining", "7");
    }
}
