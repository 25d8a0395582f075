package io.fastlimit.examples.docs;

import io.fastlimit.FastLimit;
import io.fastlimit.HeaderStyle;

/** The samples of docs/headers.md. */
public final class HeaderSamples {

    private HeaderSamples() {
    }

    static FastLimit ietf() {
        // tag::ietf[]
        FastLimit limiter = FastLimit.builder().headers(HeaderStyle.ietf()).build();
        // end::ietf[]
        return limiter;
    }

    static FastLimit custom() {
        // tag::custom[]
        FastLimit limiter = FastLimit.builder()
                .headers(HeaderStyle.custom("RateLimit-Limit", "RateLimit-Remaining", null, "Retry-After"))  // null: no reset field
                .build();
        // end::custom[]
        return limiter;
    }

    static FastLimit none() {
        // tag::none[]
        FastLimit limiter = FastLimit.builder().headers(HeaderStyle.none()).build();   // Retry-After on a 429 only
        // end::none[]
        return limiter;
    }
}
