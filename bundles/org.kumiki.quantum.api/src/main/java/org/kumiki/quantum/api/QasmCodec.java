package org.kumiki.quantum.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads and writes OpenQASM 2.0 (with qelib1.inc) and 3.0 (with stdgates.inc). Custom gate
 * definitions and gate modifiers are expanded into the circuit model on import; export writes
 * the standard gates, so {@code parse(export(c))} equals {@code c}.
 */
@ProviderType
public interface QasmCodec {
    /** Parses a program; the version comes from its {@code OPENQASM} header (3.0 when absent). */
    QuantumCircuit parse(String source) throws QasmException;

    /** Writes a program; throws {@link QuantumException} when the circuit uses something the version cannot say. */
    String export(QuantumCircuit circuit, QasmVersion version);
}
