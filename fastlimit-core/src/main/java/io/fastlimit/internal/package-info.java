/**
 * Not API: helpers the fastlimit modules share, public only because the Servlet and JAX-RS adapters
 * live in other jars. Anything here may change or disappear in any release; applications should
 * not use it.
 */
package io.fastlimit.internal;
