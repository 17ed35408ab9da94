package org.kumiki.platform.health.internal;

import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;

/** Tags and small helpers shared by Kumiki's health checks. */
final class Checks {

    /** Every Kumiki check also carries HC's "default" tag, so a bare {@code hc:exec} runs them all. */
    static final String DEFAULT = "default";

    private Checks() {
    }

    /** A result log that starts empty; {@link #result(ResultLog)} says OK when nothing was added. */
    static ResultLog log() {
        return new ResultLog();
    }

    static void add(ResultLog log, Result.Status status, String message) {
        log.add(new ResultLog.Entry(status, oneLine(message)));
    }

    static Result result(ResultLog log, String okMessage) {
        if (!log.iterator().hasNext()) {
            add(log, Result.Status.OK, okMessage);
        }
        return new Result(log);
    }

    /** Control characters (a device name or reason from outside) shown escaped, on one line. */
    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
