package org.kumiki.lab.api.dto;

/**
 * Watches one numeric signal: the run suspends when it leaves [low, high] and resumes (rewinding
 * to the last checkpoint) once it is back inside [low + hysteresis, high - hysteresis], then
 * after {@code sleepSeconds}. A null bound means unbounded on that side.
 */
public class SuspenderDTO {
    /** Device to read. */
    public String device;
    /** Data key in its reading; null means the first key. */
    public String key;
    public Double low;
    public Double high;
    /** Margin inside the limits required to resume (Bluesky's resume threshold), >= 0. */
    public double hysteresis;
    /** Seconds to wait after the signal is back before resuming. */
    public double sleepSeconds;
}
