/** In-framework tests of the quantum domain. */
package org.kumiki.quantum.test;
