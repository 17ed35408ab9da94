package org.kumiki.lab.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.kumiki.lab.api.dto.DeviceDTO;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.kumiki.lab.api.dto.SuspenderDTO;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Executes plans, one at a time (Bluesky's RunEngine). Checks soft limits before any motion,
 * owns the instruments a run uses, persists and publishes its documents.
 */
@ProviderType
public interface RunEngine {

    /**
     * Starts a plan in the background. Planned set points are checked against soft limits
     * first.
     *
     * @return a handle that completes with the summary of the last run the plan closed
     * @throws RunRejectedException when the engine is not IDLE, the emergency stop is active,
     *         a device the plan names ({@link Plan#devices()}) is unknown or a planned set point
     *         is outside limits
     */
    CompletionStage<RunSummaryDTO> submit(Plan plan) throws RunRejectedException;

    EngineState state();

    /**
     * Waits until the engine is in one of {@code states}, at most {@code timeoutMillis}: control
     * calls ({@link #pause(boolean)}, {@link #stop()}, {@link #abort(String)}) only signal the
     * run, so a caller that must see their effect (the next submit, say) waits here.
     *
     * @return whether the engine reached one of the states in time
     * @throws IllegalArgumentException when no state is given
     * @since 1.1
     */
    boolean awaitState(long timeoutMillis, EngineState... states) throws InterruptedException;

    /** The uid of the open run, if any. */
    Optional<String> currentRun();

    /**
     * Requests a pause. Deferred: at the next checkpoint, resuming continues where it stopped.
     * Immediate: now (moving devices are stopped), resuming rewinds to the last checkpoint.
     */
    void pause(boolean deferred);

    /** Resumes a paused run. */
    void resume() throws RunRejectedException;

    /** Ends the run cleanly: the stop document says success. */
    void stop();

    /** Ends the run: moving devices are stopped, the stop document says abort. */
    void abort(String reason);

    /**
     * Emergency stop: stops every stoppable device at once, aborts the run and refuses every
     * motion until {@link #reset()}.
     *
     * @return names of devices whose stop failed or did not return in time (empty when all stopped)
     */
    List<String> emergencyStop(String reason);

    /** Clears the emergency stop. */
    void reset();

    boolean emergencyStopActive();

    /**
     * Why the emergency stop is latched (the reason given to {@link #emergencyStop(String)}),
     * or empty when it is not active.
     *
     * @since 1.2
     */
    default Optional<String> emergencyStopReason() {
        return emergencyStopActive() ? Optional.of("emergency stop") : Optional.empty();
    }

    /** Reads a device outside a run. */
    Map<String, ReadingDTO> read(String device) throws DeviceException;

    /**
     * Moves a device outside a run and waits until it arrived: limits, locks and the emergency
     * stop are enforced as for plans.
     */
    void set(String device, Object value, long timeoutMillis) throws DeviceException;

    List<DeviceDTO> devices();

    /** Subscribes to every document of later runs; close the handle to unsubscribe. */
    AutoCloseable subscribe(DocumentListener listener);

    /** Adds a suspender; returns its id. */
    String addSuspender(SuspenderDTO suspender) throws RunRejectedException;

    void removeSuspender(String id);

    Map<String, SuspenderDTO> suspenders();

    /** Runs in the store, newest first. */
    List<RunSummaryDTO> runs();

    /** Every persisted document of a run, in order. */
    List<DocumentDTO> documents(String runUid) throws RunRejectedException;
}
