package org.kumiki.lab.api;

import java.util.Map;

import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.osgi.annotation.versioning.ConsumerType;

/** A device whose values can be read (Ophyd's {@code read()} / {@code describe()}). */
@ConsumerType
public interface Readable extends Device {

    /** Current values, keyed by data key (e.g. {@code m1}, {@code det1}), each with a timestamp. */
    Map<String, ReadingDTO> read() throws DeviceException;

    /** The data keys {@link #read()} returns: dtype, shape, units, limits, source. Same keys, same order. */
    Map<String, DataKeyDTO> describe();
}
