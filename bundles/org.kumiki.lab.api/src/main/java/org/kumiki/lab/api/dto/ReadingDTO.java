package org.kumiki.lab.api.dto;

/** One value read from a device with its timestamp (Unix epoch seconds). */
public class ReadingDTO {
    /** A number, string, boolean or a list/array of those. */
    public Object value;
    /** Unix epoch seconds when the value was measured. */
    public double timestamp;

    public static ReadingDTO of(Object value, double timestamp) {
        ReadingDTO r = new ReadingDTO();
        r.value = value;
        r.timestamp = timestamp;
        return r;
    }

    @Override
    public String toString() {
        return String.valueOf(value) + "@" + timestamp;
    }
}
