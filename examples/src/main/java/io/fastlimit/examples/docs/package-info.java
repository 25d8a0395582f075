/**
 * The code samples of the README and the guides in {@code docs/}, as compiled code. Each quoted
 * region lies between {@code tag::name[]} and {@code end::name[]} comments; the test
 * {@code DocSamplesTest} checks that the Markdown quotes each region exactly, so a sample that no
 * longer compiles, or drifts from the text, fails the build.
 */
package io.fastlimit.examples.docs;
