package org.kumiki.lab.rest.internal;

import java.util.List;
import java.util.Map;

import org.kumiki.lab.api.dto.SuspenderDTO;

/** {@code GET /api/lab/engine} and the answer of every control call. */
public class EngineStatus {
    /** IDLE, RUNNING, PAUSED, SUSPENDED or ABORTING. */
    public String state;
    /** The open run's uid, absent when none. */
    public String run;
    public boolean emergencyStop;
    /** Devices whose stop failed or did not return in time (only in the answer of POST /estop). */
    public List<String> stopFailed;
    public Map<String, SuspenderDTO> suspenders;
}
