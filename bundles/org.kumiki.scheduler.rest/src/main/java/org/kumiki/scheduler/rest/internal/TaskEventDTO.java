package org.kumiki.scheduler.rest.internal;

/** A task's state change, as the scheduler posts it on Event Admin. */
public class TaskEventDTO {
    public String id;
    public String name;
    public String state;
    public String backend;
    public Integer exitCode;
}
