/** Hybrid quantum-classical algorithms as services: VQE and QAOA for MaxCut. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.kumiki.quantum.api.algorithms;
