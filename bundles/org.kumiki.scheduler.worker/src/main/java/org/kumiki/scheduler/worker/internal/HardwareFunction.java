package org.kumiki.scheduler.worker.internal;

import org.kumiki.platform.api.HardwareProfile;
import org.kumiki.scheduler.api.spi.TaskFunction;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code kumiki.hardware}: the hardware profile of the node the task runs on, as JSON. */
@Component(property = TaskFunction.NAME + "=kumiki.hardware")
public class HardwareFunction implements TaskFunction {

    /** Loaded on first call, not when the whiteboard picks the function up at start. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final HardwareProfile hardware;

    @Activate
    public HardwareFunction(@Reference HardwareProfile hardware) {
        this.hardware = hardware;
    }

    @Override
    public String apply(String jsonArguments, Context context) throws Exception {
        return Json.MAPPER.writeValueAsString(hardware.snapshot());
    }
}
