package org.kumiki.lab.api.dto;

/** One dimension of a grid scan: a movable from start to stop in num points. */
public class AxisDTO {
    public String device;
    public double start;
    public double stop;
    public int num;

    public static AxisDTO of(String device, double start, double stop, int num) {
        AxisDTO a = new AxisDTO();
        a.device = device;
        a.start = start;
        a.stop = stop;
        a.num = num;
        return a;
    }
}
