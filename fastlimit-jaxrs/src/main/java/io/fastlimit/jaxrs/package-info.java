/**
 * JAX-RS integration: annotate resource classes and methods with {@link io.fastlimit.jaxrs.RateLimit}
 * and register {@link io.fastlimit.jaxrs.FastLimitFeature}.
 */
package io.fastlimit.jaxrs;
