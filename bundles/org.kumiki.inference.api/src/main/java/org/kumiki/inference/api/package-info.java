/**
 * Kumiki inference: typed {@link org.kumiki.inference.api.Tensor tensors}, the
 * {@link org.kumiki.inference.api.InferenceService} (synchronous and asynchronous inference by
 * model and optional version) and the {@link org.kumiki.inference.api.ModelRepository}
 * (Triton-layout model folders: list, load, unload, versions, readiness).
 *
 * <p>Load and unload are posted to Event Admin on {@code org/kumiki/inference/LOADED},
 * {@code org/kumiki/inference/UNLOADED} and {@code org/kumiki/inference/FAILED} with the
 * properties {@code model}, {@code version}, {@code provider} and {@code reason} (when known).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.kumiki.inference.api;
