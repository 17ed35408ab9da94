package org.kumiki.campaign.api.dto;

/** The relation of a linear constraint. */
public enum Relation {
    LE("<="), GE(">="), EQ("=");

    private final String symbol;

    Relation(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }
}
