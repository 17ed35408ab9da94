/** In-framework tests of the health checks. */
package org.kumiki.platform.health.test;
