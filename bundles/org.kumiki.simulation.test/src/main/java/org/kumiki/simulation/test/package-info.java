/** In-framework tests of the simulation domain. */
package org.kumiki.simulation.test;
