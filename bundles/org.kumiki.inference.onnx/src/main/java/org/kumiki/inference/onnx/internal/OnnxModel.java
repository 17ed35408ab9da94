package org.kumiki.inference.onnx.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;

import org.kumiki.inference.api.DataType;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.dto.TensorMetadataDTO;
import org.kumiki.inference.api.spi.LoadedModel;

/** One model version: a pool of sessions, one per instance. */
final class OnnxModel implements LoadedModel {

    /** Inputs up to this size are staged in a direct buffer that the instance keeps. */
    static final int SCRATCH_MAX = 1 << 20;

    /** A session with the direct buffers its inputs are staged in (used by one caller at a time). */
    static final class Instance {
        final OrtSession session;
        final Map<String, ByteBuffer> scratch = new HashMap<>();

        Instance(OrtSession session) {
            this.session = session;
        }

        /**
         * A direct buffer holding exactly {@code data}. Up to {@link #SCRATCH_MAX} it is kept and
         * reused while inputs fit; it grows to twice its size at least, so batches of a few rows
         * more do not allocate again.
         */
        ByteBuffer stage(String input, ByteBuffer data) {
            int n = data.remaining();
            ByteBuffer b;
            if (n > SCRATCH_MAX) {
                b = ByteBuffer.allocateDirect(n);
            } else {
                b = scratch.get(input);
                if (b == null || b.capacity() < n) {
                    int size = Math.min(SCRATCH_MAX, Math.max(n, b == null ? 64 : 2 * b.capacity()));
                    b = ByteBuffer.allocateDirect(size);
                    scratch.put(input, b);
                }
            }
            b.order(ByteOrder.nativeOrder()).clear();
            b.put(data).flip();
            return b;
        }
    }

    private final OrtEnvironment env;
    private final String name;
    private final OrtSession[] sessions;
    private final SessionOptions options;
    private final BlockingQueue<Instance> pool;
    private final String provider;
    private final List<TensorMetadataDTO> inputs;
    private final List<TensorMetadataDTO> outputs;
    private volatile boolean closed;

    OnnxModel(OrtEnvironment env, String name, String version, OrtSession[] sessions, SessionOptions options, String provider) throws OrtException {
        this.env = env;
        this.name = name;
        this.sessions = sessions;
        this.options = options;
        this.provider = provider;
        this.pool = new ArrayBlockingQueue<>(sessions.length);
        for (OrtSession s : sessions) {
            pool.add(new Instance(s));
        }
        this.inputs = describe(sessions[0].getInputInfo());
        this.outputs = describe(sessions[0].getOutputInfo());
    }

    private List<TensorMetadataDTO> describe(Map<String, NodeInfo> infos) {
        List<TensorMetadataDTO> out = new ArrayList<>();
        for (NodeInfo n : infos.values()) {
            if (!(n.getInfo() instanceof TensorInfo)) {
                throw new InferenceException(Kind.UNAVAILABLE, "'" + n.getName() + "' is not a tensor (" + n.getInfo() + "); only tensor inputs and outputs are served");
            }
            TensorInfo ti = (TensorInfo) n.getInfo();
            TensorMetadataDTO d = new TensorMetadataDTO();
            d.name = n.getName();
            d.datatype = toDataType(ti.onnxType, d.name).name();
            long[] shape = ti.getShape();
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0) {
                    shape[i] = -1;
                }
            }
            d.shape = shape;
            out.add(d);
        }
        return out;
    }

    static DataType toDataType(TensorInfo.OnnxTensorType t, String what) {
        switch (t) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: return DataType.BOOL;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: return DataType.UINT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16: return DataType.UINT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32: return DataType.UINT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64: return DataType.UINT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: return DataType.INT8;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: return DataType.INT16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: return DataType.INT32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: return DataType.INT64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: return DataType.FP16;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: return DataType.FP32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: return DataType.FP64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING: return DataType.BYTES;
            default:
                throw new InferenceException(Kind.UNAVAILABLE, "'" + what + "' has element type " + t + ", which Kumiki does not serve");
        }
    }

    static OnnxJavaType toJava(DataType t) {
        switch (t) {
            case BOOL: return OnnxJavaType.BOOL;
            case UINT8: return OnnxJavaType.UINT8;
            case INT8: return OnnxJavaType.INT8;
            case INT16: return OnnxJavaType.INT16;
            case INT32: return OnnxJavaType.INT32;
            case INT64: return OnnxJavaType.INT64;
            case FP16: return OnnxJavaType.FLOAT16;
            case FP32: return OnnxJavaType.FLOAT;
            case FP64: return OnnxJavaType.DOUBLE;
            default:
                throw new InferenceException(Kind.INVALID_ARGUMENT, t + " tensors are not supported by ONNX Runtime's Java API");
        }
    }

    @Override
    public List<TensorMetadataDTO> inputs() {
        return inputs;
    }

    @Override
    public List<TensorMetadataDTO> outputs() {
        return outputs;
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public Map<String, Tensor> execute(Map<String, Tensor> in, Set<String> wanted) throws Exception {
        if (closed) {
            throw new InferenceException(Kind.UNAVAILABLE, "model '" + name + "' is closed");
        }
        Map<String, OnnxTensor> feeds = new HashMap<>();
        Instance instance = pool.take();
        try {
            for (Tensor t : in.values()) {
                feeds.put(t.name(), toOnnx(t, instance));
            }
            try (OrtSession.Result result = instance.session.run(feeds, wanted)) {
                Map<String, Tensor> out = new HashMap<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    out.put(e.getKey(), fromOnnx(e.getKey(), e.getValue()));
                }
                return out;
            }
        } finally {
            for (OnnxTensor t : feeds.values()) {
                t.close();
            }
            pool.add(instance); // only after its staged inputs are released
        }
    }

    private OnnxTensor toOnnx(Tensor t, Instance instance) throws OrtException {
        if (t.type() == DataType.BYTES) {
            byte[][] s = t.strings();
            String[] strings = new String[s.length];
            for (int i = 0; i < s.length; i++) {
                strings[i] = new String(s[i], StandardCharsets.UTF_8);
            }
            return OnnxTensor.createTensor(env, strings, t.shape());
        }
        return OnnxTensor.createTensor(env, instance.stage(t.name(), t.data()), t.shape(), toJava(t.type()));
    }

    private static Tensor fromOnnx(String name, OnnxValue v) throws OrtException {
        if (!(v instanceof OnnxTensor)) {
            throw new InferenceException(Kind.INTERNAL, "output '" + name + "' is not a tensor");
        }
        OnnxTensor t = (OnnxTensor) v;
        TensorInfo info = t.getInfo();
        DataType type = toDataType(info.onnxType, name);
        long[] shape = info.getShape();
        if (type == DataType.BYTES) {
            List<byte[]> flat = new ArrayList<>();
            flatten(t.getValue(), flat);
            return Tensor.ofStrings(name, shape, flat.toArray(new byte[0][]));
        }
        ByteBuffer b = t.getByteBuffer();
        if (b == null) {
            throw new InferenceException(Kind.INTERNAL, "output '" + name + "' of type " + type + " cannot be read");
        }
        b.order(ByteOrder.nativeOrder());
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new InferenceException(Kind.INTERNAL, "big-endian platforms are not supported");
        }
        return Tensor.of(name, type, shape, b);
    }

    private static void flatten(Object o, List<byte[]> out) {
        if (o instanceof String) {
            out.add(((String) o).getBytes(StandardCharsets.UTF_8));
        } else if (o instanceof Object[]) {
            for (Object x : (Object[]) o) {
                flatten(x, out);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        OnnxEngine.closeAll(sessions, options);
    }
}
