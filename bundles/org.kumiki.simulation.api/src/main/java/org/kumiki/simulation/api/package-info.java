/**
 * Kumiki simulation: submit {@link org.kumiki.simulation.api.dto.SimulationSpec simulation
 * specs} to the {@link org.kumiki.simulation.api.SimulationService}, which picks a
 * {@link org.kumiki.simulation.api.spi.SimulationEngine} (the embedded {@code md} engine, the
 * real {@code lammps}), runs it with progress and cancellation and keeps its thermodynamic
 * time series and final state files. Sweeps are grid campaigns: one simulation per grid point
 * as a scheduler task, journaled and re-attached after a restart, collected into one dataset.
 *
 * <p>State changes are posted to Event Admin on {@code org/kumiki/simulation/<STATE>} with
 * the properties {@code run.id}, {@code run.name}, {@code run.engine}, {@code run.state}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.kumiki.simulation.api;
