package org.kumiki.lab.api.dto;

/** Soft limits of a numeric set point; a null bound means none. */
public class LimitsDTO {
    public Double low;
    public Double high;

    public static LimitsDTO of(Double low, Double high) {
        LimitsDTO l = new LimitsDTO();
        l.low = low;
        l.high = high;
        return l;
    }
}
