package org.kumiki.campaign.api;

import java.util.List;

/**
 * A campaign request was refused: a malformed campaign file (one {@code file:line:col: message}
 * line per problem in {@link #problems()}), an unknown campaign, or an operation its state does
 * not allow.
 */
public class CampaignException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public CampaignException(String message) {
        super(message);
        this.problems = List.of(message);
    }

    /** One line per problem; the message is the lines joined by newlines. */
    public CampaignException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, one line each. */
    public List<String> problems() {
        return problems;
    }
}
