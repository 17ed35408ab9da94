package org.kumiki.campaign.api.spi;

import org.kumiki.campaign.api.dto.SurrogateDTO;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every surrogate the campaign engine fits (a whiteboard service; e.g. the bundle that
 * serves surrogates through the inference domain). Called on the engine's thread: return
 * quickly and hand slow work to a thread of your own. Exceptions are logged and ignored.
 */
@ConsumerType
public interface SurrogateListener {

    /** A campaign's proposer fitted a new surrogate; the DTO is the listener's to keep. */
    void fitted(SurrogateDTO surrogate);
}
