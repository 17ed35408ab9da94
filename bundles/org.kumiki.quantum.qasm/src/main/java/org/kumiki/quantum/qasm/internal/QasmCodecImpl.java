package org.kumiki.quantum.qasm.internal;

import java.util.Objects;

import org.kumiki.quantum.api.QasmCodec;
import org.kumiki.quantum.api.QasmException;
import org.kumiki.quantum.api.QasmVersion;
import org.kumiki.quantum.api.QuantumCircuit;
import org.osgi.service.component.annotations.Component;

/** The OpenQASM 2/3 codec service. */
@Component(service = QasmCodec.class)
public class QasmCodecImpl implements QasmCodec {
    /** Largest program text accepted (characters). */
    public static final int MAX_SOURCE = 64 << 20;

    @Override
    public QuantumCircuit parse(String source) {
        if (source == null) throw new QasmException(1, 1, "no program text");
        if (source.length() > MAX_SOURCE) throw new QasmException(1, 1, "program larger than " + MAX_SOURCE + " characters");
        try {
            return new Parser(source).parse();
        } catch (QasmException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new QasmException(1, 1, "expression or program nests too deeply");
        }
    }

    @Override
    public String export(QuantumCircuit circuit, QasmVersion version) {
        Objects.requireNonNull(circuit, "circuit");
        return new Exporter(circuit, version == null ? QasmVersion.V3 : version).export();
    }
}
