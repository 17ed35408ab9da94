package org.kumiki.quantum.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.rest.ApiException;
import org.kumiki.quantum.api.JobStatus;

class QuantumApiTest {

    @Test
    void theQasmVersionComesFromTheHeaderAfterComments() {
        assertEquals("2", QuantumApi.version("OPENQASM 2.0;\nqreg q[1];"));
        assertEquals("2", QuantumApi.version("// a Bell pair\n  // two lines\nOPENQASM 2.0;"));
        assertEquals("3", QuantumApi.version("OPENQASM 3.0;"));
        assertEquals("3", QuantumApi.version("qubit q;")); // no header: 3, as the codec reads it
    }

    @Test
    void statusFiltersAreCaseInsensitiveAndUnknownOnesAreOneLine() {
        assertEquals(List.of(JobStatus.DONE, JobStatus.ERROR), QuantumApi.statuses("done, Error"));
        assertTrue(QuantumApi.statuses(" ").isEmpty());
        ApiException e = assertThrows(ApiException.class, () -> QuantumApi.statuses("DONE,FINISHED"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("\"FINISHED\""), e.getMessage());
    }

    @Test
    void messagesBecomeOneBoundedLine() {
        assertEquals("a; b", QuantumApi.oneLine("a\r\nb"));
        String l = QuantumApi.oneLine("x".repeat(1000));
        assertFalse(l.contains("\n"));
        assertEquals(403, l.length());
    }
}
