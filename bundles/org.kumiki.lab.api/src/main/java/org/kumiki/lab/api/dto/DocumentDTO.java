package org.kumiki.lab.api.dto;

import java.util.Map;

/** A named event-model document: name is start, descriptor, event, resource, datum or stop. */
public class DocumentDTO {
    public String name;
    public Map<String, Object> doc;

    public static DocumentDTO of(String name, Map<String, Object> doc) {
        DocumentDTO d = new DocumentDTO();
        d.name = name;
        d.doc = doc;
        return d;
    }
}
