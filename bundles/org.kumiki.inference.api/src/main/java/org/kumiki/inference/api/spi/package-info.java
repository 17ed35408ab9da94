/**
 * The engine whiteboard: an {@link org.kumiki.inference.api.spi.InferenceEngine} registered as a
 * service with the property {@code kumiki.inference.platform} (e.g. {@code onnxruntime_onnx})
 * serves the models whose configuration names that platform.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.kumiki.inference.api.spi;
