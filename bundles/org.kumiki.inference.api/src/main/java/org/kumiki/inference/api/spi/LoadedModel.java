package org.kumiki.inference.api.spi;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.dto.TensorMetadataDTO;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One loaded model version inside an engine. {@link #execute} may be called from as many threads
 * at once as the model's instance count; inputs were already checked against {@link #inputs()}.
 */
@ConsumerType
public interface LoadedModel extends AutoCloseable {

    /** Inputs with their full shapes (batch dimension included, -1 where variable). */
    List<TensorMetadataDTO> inputs();

    List<TensorMetadataDTO> outputs();

    /** The execution provider actually used (e.g. {@code CPUExecutionProvider}). */
    String provider();

    /**
     * Runs the model once.
     *
     * @param outputs the outputs wanted, never empty
     * @return the outputs by name
     */
    Map<String, Tensor> execute(Map<String, Tensor> inputs, Set<String> outputs) throws Exception;

    /** Frees every native resource; called once no execution is running. */
    @Override
    void close();
}
