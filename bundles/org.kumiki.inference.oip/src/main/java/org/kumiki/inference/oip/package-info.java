/**
 * The Open Inference Protocol v2 (KServe v2) codec: request and response bodies in JSON and
 * with binary tensor data ({@code Inference-Header-Content-Length}), to and from
 * {@link org.kumiki.inference.api.Tensor tensors}, and IEEE 754 half precision
 * ({@link org.kumiki.inference.oip.Fp16}). No servlet, no HTTP client: used by the OIP servlet
 * ({@code org.kumiki.inference.http}), the remote engine ({@code org.kumiki.inference.remote})
 * and the commands ({@code org.kumiki.inference.command}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.kumiki.inference.oip;
