/** In-framework tests of data movement. */
package org.kumiki.data.test;
