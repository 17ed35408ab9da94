/** In-framework tests of runtime assembly. */
package org.kumiki.platform.assembly.test;
