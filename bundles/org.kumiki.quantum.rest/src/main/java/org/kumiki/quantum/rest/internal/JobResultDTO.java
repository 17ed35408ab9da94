package org.kumiki.quantum.rest.internal;

import java.util.List;
import java.util.Map;

/** The counts of a job that is DONE: one entry per parameter binding. */
public class JobResultDTO {
    public String id;
    public String backend;
    /** Per binding: shots, counts over all classical bits (highest bit first), per register. */
    public List<Binding> results;
    /** What the backend reported (e.g. its seed and time). */
    public Map<String, Object> metadata;

    public static class Binding {
        public int shots;
        public Map<String, Integer> counts;
        public Map<String, Map<String, Integer>> registers;
    }
}
