/**
 * JAX-RS integration: the {@code @RateLimit} annotation and the feature that binds it to resource methods.
 */
package io.fastlimit.jaxrs;
