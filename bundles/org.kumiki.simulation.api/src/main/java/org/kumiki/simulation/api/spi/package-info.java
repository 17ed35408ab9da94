/** The engine whiteboard: implement {@link org.kumiki.simulation.api.spi.SimulationEngine}. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.kumiki.simulation.api.spi;
