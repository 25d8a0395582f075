package io.fastlimit.examples.springboot;

import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;

/** The demo as it runs, with its application.yml, over HTTP: five requests a minute to /hello, then 429. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "logging.level.root=warn")
class HelloApplicationTest {

    @LocalServerPort
    int port;

    @Test
    void fiveRequestsPassThenTheSixthGets429() {
        for (int remaining = 4; remaining >= 0; remaining--) {
            RestAssured.given().port(port).get("/hello").then().statusCode(200)
                    .body(equalTo("Hello from Spring Boot!\n"))
                    .header("X-RateLimit-Limit", "5")
                    .header("X-RateLimit-Remaining", Integer.toString(remaining));
        }
        RestAssured.given().port(port).get("/hello").then().statusCode(429)
                .header("Retry-After", matchesPattern("59|60")) // the first request was made up to a second ago
                .body("detail", startsWith("Rate limit exceeded."));
    }
}
