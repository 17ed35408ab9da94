package org.kumiki.campaign.api.spi;

import java.util.List;

/**
 * A problem with a step's options, found by {@link Evaluator#validate}: a one-line message and
 * the path of keys (and list indexes, as decimal strings) from the step's {@code options} to the
 * value at fault, so the file reader can say {@code file:line:col}.
 *
 * @since 1.1
 */
public class OptionProblem {
    /** Keys from the options object down to the value at fault; empty for the options as a whole. */
    public List<String> path = List.of();
    /** One line, without the file position. */
    public String message;

    public static OptionProblem of(String message, String... path) {
        OptionProblem p = new OptionProblem();
        p.message = message;
        p.path = List.of(path);
        return p;
    }

    @Override
    public String toString() {
        return (path.isEmpty() ? "" : String.join(".", path) + ": ") + message;
    }
}
