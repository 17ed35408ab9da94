package org.kumiki.campaign.internal.file;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A JSON/YAML value with the line and column it was read at. */
final class Node {
    enum Kind { OBJECT, ARRAY, STRING, INTEGER, NUMBER, BOOLEAN, NULL }

    final Kind kind;
    final int line;
    final int column;
    final Map<String, Node> fields = new LinkedHashMap<>();
    final Map<String, int[]> keyLocations = new LinkedHashMap<>();
    final List<Node> items = new ArrayList<>();
    String text;
    double number;
    boolean bool;

    Node(Kind kind, int line, int column) {
        this.kind = kind;
        this.line = line;
        this.column = column;
    }

    /** How the kind reads in an error message. */
    String describe() {
        switch (kind) {
            case OBJECT: return "an object";
            case ARRAY: return "a list";
            case STRING: return "a string";
            case INTEGER: case NUMBER: return "a number";
            case BOOLEAN: return "a boolean";
            default: return "null";
        }
    }

    /** The value as plain Java (Map, List, String, Long, Double, Boolean, null), for step options. */
    Object toPlain() {
        switch (kind) {
            case OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                fields.forEach((k, v) -> m.put(k, v.toPlain()));
                return m;
            }
            case ARRAY: {
                List<Object> l = new ArrayList<>();
                items.forEach(i -> l.add(i.toPlain()));
                return l;
            }
            case STRING: return text;
            case INTEGER: return (long) number;
            case NUMBER: return number;
            case BOOLEAN: return bool;
            default: return null;
        }
    }
}
