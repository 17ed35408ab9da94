package org.kumiki.data.api.spi;

import java.io.IOException;

/** The source file changed while it was being read. */
public class SourceChangedException extends IOException {
    private static final long serialVersionUID = 1L;

    public SourceChangedException(String message) {
        super(message);
    }
}
