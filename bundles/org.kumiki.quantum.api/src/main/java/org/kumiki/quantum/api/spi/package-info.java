/**
 * For backend providers: register a {@link org.kumiki.quantum.api.spi.QuantumBackend} as a
 * service with the property {@code kumiki.quantum.backend.name}; the quantum core tracks them
 * (whiteboard) and routes Sampler and Estimator PUBs to them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.kumiki.quantum.api.spi;
