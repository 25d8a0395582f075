package io.fastlimit.examples;

import io.fastlimit.FastLimit;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class DemoServerTest {

    @Test
    void answers429AfterTheFifthRequest() throws Exception {
        try (DemoServer demo = new DemoServer(FastLimit.builder().build(), 0)) {
            demo.start();
            HttpClient client = HttpClient.newHttpClient();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + demo.port() + "/hello")).build();
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> ok = client.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(ok.statusCode()).isEqualTo(200);
                assertThat(ok.headers().firstValue("X-RateLimit-Limit")).contains("5");
                assertThat(ok.headers().firstValue("X-RateLimit-Remaining")).contains(Integer.toString(5 - i));
            }
            HttpResponse<String> blocked = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(blocked.statusCode()).isEqualTo(429);
            assertThat(blocked.headers().firstValue("Content-Type")).contains("application/json");
            assertThat(blocked.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 60L));
            assertThat(blocked.body()).startsWith("{\"detail\": \"Rate limit exceeded. Try again in ").contains("\"retry_after\": ");
        }
    }
}
