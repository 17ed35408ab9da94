package org.kumiki.simulation.md.internal;

/** Run parameters of the integrator, in reduced LJ units (defaults: LAMMPS bench/in.lj). */
final class MdParameters {
    double epsilon = 1.0;
    double sigma = 1.0;
    double cutoff = 2.5;
    double skin = 0.3;
    int neighborEvery = 1;
    int neighborDelay = 0;
    boolean neighborCheck = true;
    double timestep = 0.005;
    long steps = 100;
    /** 0: first and last step only. */
    long thermoEvery = 0;
    boolean nvt;
    double targetTemperature = 1.0;
    double thermostatDamping = 0.5;
    int threads = 1;
    /** Reorder atoms spatially at a neighbour build at most this often (steps); 0 never. */
    long sortEvery = 1000;
}
