/** In-framework tests of the platform bundles. */
package org.kumiki.platform.test;
