/**
 * What every HTTP front-end (REST, OIP v2, metrics, the web console) checks the same way: the
 * token of an {@code Authorization: Bearer} header and whether a client address is loopback. A
 * build-time library, not exported: bundles copy it in
 * ({@code -conditionalpackage: org.kumiki.platform.api.http}), like {@code org.kumiki.platform.api.secret}.
 */
package org.kumiki.platform.api.http;
