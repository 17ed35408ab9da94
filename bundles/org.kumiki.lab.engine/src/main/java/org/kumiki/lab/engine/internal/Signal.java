package org.kumiki.lab.engine.internal;

/** Why the run thread was interrupted. */
enum Signal {
    /** Immediate pause: stop, wait for resume, rewind. */
    PAUSE,
    /** A suspender tripped or an instrument went away: wait until clear, rewind. */
    SUSPEND,
    /** Stop: close the run as success. */
    STOP,
    /** Abort: close the run as abort. */
    ABORT
}
