/** In-framework tests of /metrics (org.kumiki.platform.metrics). */
package org.kumiki.platform.metrics.test;
