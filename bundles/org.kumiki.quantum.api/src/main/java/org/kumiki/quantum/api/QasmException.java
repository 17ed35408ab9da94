package org.kumiki.quantum.api;

/** OpenQASM text that cannot be read; the message starts with {@code line:column:}. */
public class QasmException extends QuantumException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int column;
    private final String reason;

    public QasmException(int line, int column, String reason) {
        super(line + ":" + column + ": " + reason);
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    /** 1-based line. */
    public int line() { return line; }
    /** 1-based column. */
    public int column() { return column; }
    public String reason() { return reason; }

    /** No stack trace: the position is what matters. */
    @Override
    public synchronized Throwable fillInStackTrace() { return this; }
}
