/** In-framework tests of the inference domain, and the ONNX writer they (and the benchmark) use. */
package org.kumiki.inference.test;
