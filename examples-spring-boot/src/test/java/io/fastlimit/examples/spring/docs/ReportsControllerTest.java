package io.fastlimit.examples.spring.docs;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The annotated controller of docs/spring-boot.md, over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = ReportsControllerTest.App.class)
class ReportsControllerTest {

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(ReportsController.class)
    static class App {
    }

    @LocalServerPort
    int port;

    private RequestSpecification http() {
        return RestAssured.given().baseUri("http://127.0.0.1").port(port);
    }

    @Test
    void theControllerLimitAndTheExportLimitBothApply() {
        http().get("/reports").then().statusCode(200)
                .header("X-RateLimit-Limit", "100").header("X-RateLimit-Remaining", "99");
        // an export takes 1 of the controller's 100 (each limit has its own cost) and 2 of its own 2/min: the tighter is reported
        http().post("/reports/export").then().statusCode(202)
                .header("X-RateLimit-Limit", "2").header("X-RateLimit-Remaining", "0");
        http().post("/reports/export").then().statusCode(429);
        // the export turned away took nothing from the controller's bucket
        http().get("/reports").then().statusCode(200).header("X-RateLimit-Remaining", "97");
    }
}
