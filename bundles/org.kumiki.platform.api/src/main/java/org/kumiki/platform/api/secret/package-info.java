/**
 * Secrets (tokens, API keys) read from files that only the service's user can read, so that
 * they never sit in a configuration, a service property or a log. A build-time library, not
 * exported: bundles copy it in ({@code -conditionalpackage: org.kumiki.platform.api.secret},
 * with this bundle as a {@code provided} dependency) and need nothing from it at runtime.
 */
package org.kumiki.platform.api.secret;
