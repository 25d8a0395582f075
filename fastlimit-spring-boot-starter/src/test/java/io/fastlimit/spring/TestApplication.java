package io.fastlimit.spring;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A Spring MVC application with a few endpoints, for the starter's tests. */
@SpringBootApplication
public class TestApplication {

    @RestController
    static class Endpoints {

        @GetMapping("/hello")
        String hello() {
            return "hello";
        }

        @GetMapping("/api/items")
        String items() {
            return "items";
        }

        @GetMapping("/open")
        String open() {
            return "open";
        }

        /** The dispatch this request reached the application in: REQUEST, or ASYNC behind an async rule. */
        @GetMapping("/dispatch")
        String dispatch(HttpServletRequest request) {
            return request.getDispatcherType().name();
        }
    }
}
