package io.fastlimit.examples.spring.docs;

import io.fastlimit.spring.RateLimit;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Limits on Spring MVC handler methods, as docs/spring-boot.md shows them. */
// tag::annotated[]
@RestController
@RateLimit(ip = "100/min", user = "1000/min")             // one bucket for every handler of the controller
public class ReportsController {

    @GetMapping("/reports")
    public String list() {                                  // the controller's limit only
        return "2030-q1\n2030-q2\n";
    }

    @PostMapping("/reports/export")
    @RateLimit(ip = "2/min", user = "10/hour", cost = 2, name = "export") // the controller's limit and this one
    public ResponseEntity<Void> export() {
        return ResponseEntity.accepted().build();
    }
}
// end::annotated[]
