/**
 * Kumiki quantum computing: the circuit model ({@link org.kumiki.quantum.api.QuantumCircuit}),
 * observables as Pauli sums ({@link org.kumiki.quantum.api.Observable}), the
 * {@link org.kumiki.quantum.api.Sampler} and {@link org.kumiki.quantum.api.Estimator}
 * primitives (modelled on Qiskit's V2 primitives and their PUBs), asynchronous
 * {@link org.kumiki.quantum.api.QuantumJob jobs} and the OpenQASM 2/3
 * {@link org.kumiki.quantum.api.QasmCodec codec}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.kumiki.quantum.api;
