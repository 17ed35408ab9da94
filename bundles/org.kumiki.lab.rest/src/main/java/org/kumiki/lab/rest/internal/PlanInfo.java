package org.kumiki.lab.rest.internal;

import java.util.ArrayList;
import java.util.List;

/** A plan {@code POST /api/lab/runs} can run, with its parameters (fields of the request). */
public class PlanInfo {
    public String name;
    public String description;
    public List<Parameter> parameters = new ArrayList<>();

    /** One parameter: the request field, its JSON type, whether it is required, its default. */
    public static class Parameter {
        public String name;
        public String type;
        public boolean required;
        public Object defaultValue;
        public String description;
    }

    PlanInfo param(String name, String type, boolean required, Object dflt, String description) {
        Parameter p = new Parameter();
        p.name = name;
        p.type = type;
        p.required = required;
        p.defaultValue = dflt;
        p.description = description;
        parameters.add(p);
        return this;
    }

    static PlanInfo of(String name, String description) {
        PlanInfo p = new PlanInfo();
        p.name = name;
        p.description = description;
        return p;
    }
}
