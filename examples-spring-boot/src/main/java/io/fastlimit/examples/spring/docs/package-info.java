/**
 * The Spring Boot samples that {@code docs/spring-boot.md} quotes, compiled, and exercised by the tests
 * of this module. Outside the demo application's package, so it does not pick them up.
 */
package io.fastlimit.examples.spring.docs;
