package org.kumiki.quantum.api.dto;

import java.util.Map;

import org.osgi.dto.DTO;

/**
 * Samples of one binding. Bitstrings put the highest bit first (Qiskit's order): over all
 * classical bits in {@code counts}, and per classical register in {@code registers}.
 */
public class SampleDTO extends DTO {
    public int shots;
    public Map<String, Integer> counts;
    public Map<String, Map<String, Integer>> registers;
    /** Each shot's classical bits as an integer (bit i = classical bit i), when at most 63 bits. */
    public long[] samples;
}
