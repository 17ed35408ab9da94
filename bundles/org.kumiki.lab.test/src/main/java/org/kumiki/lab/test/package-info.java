/** In-framework tests of the lab domain. */
package org.kumiki.lab.test;
