package org.kumiki.simulation.api.dto;

import org.osgi.dto.DTO;

/**
 * One thermo row, with LAMMPS's meaning of each column in LJ units ({@code thermo_modify norm
 * yes}): temperature from 3N-3 degrees of freedom, energies per atom, pressure including the
 * virial.
 */
public class ThermoDTO extends DTO {
    public long step;
    public double temperature;
    public double pairEnergy;
    public double totalEnergy;
    public double pressure;

    public static ThermoDTO of(long step, double temperature, double pairEnergy, double totalEnergy, double pressure) {
        ThermoDTO t = new ThermoDTO();
        t.step = step;
        t.temperature = temperature;
        t.pairEnergy = pairEnergy;
        t.totalEnergy = totalEnergy;
        t.pressure = pressure;
        return t;
    }
}
