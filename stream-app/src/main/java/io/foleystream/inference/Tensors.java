package io.foleystream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/** Small helpers around ONNX Runtime tensors over direct buffers. */
final class Tensors {

  private Tensors() {}

  /**
   * A native-order direct float buffer, which ONNX Runtime uses in place without copying.
   *
   * @param count number of floats
   * @return the buffer, positioned at 0
   */
  static FloatBuffer directFloats(int count) {
    return ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES))
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  /**
   * A buffer's elements repeated, in a new direct buffer.
   *
   * @param data the elements, from position to limit (position unchanged)
   * @param times how often
   * @return the buffer, positioned at 0, {@code times} copies back to back
   */
  static FloatBuffer repeated(FloatBuffer data, int times) {
    FloatBuffer out = directFloats(Math.multiplyExact(data.remaining(), times));
    for (int i = 0; i < times; i++) {
      out.put(data.duplicate());
    }
    return out.flip();
  }

  /**
   * A float tensor over a buffer; direct native-order buffers are shared, others copied.
   *
   * @param environment the ONNX Runtime environment
   * @param data the elements, from position to limit
   * @param shape the shape
   * @return the tensor, to be closed by the caller
   */
  static OnnxTensor floats(OrtEnvironment environment, FloatBuffer data, long... shape) {
    try {
      return OnnxTensor.createTensor(environment, data, shape);
    } catch (OrtException e) {
      throw new InferenceException("cannot create a float tensor: " + e.getMessage(), e);
    }
  }

  /**
   * An int64 tensor copied from an array.
   *
   * @param environment the ONNX Runtime environment
   * @param data the elements
   * @param shape the shape
   * @return the tensor, to be closed by the caller
   */
  static OnnxTensor longs(OrtEnvironment environment, long[] data, long... shape) {
    try {
      return OnnxTensor.createTensor(environment, LongBuffer.wrap(data), shape);
    } catch (OrtException e) {
      throw new InferenceException("cannot create an int64 tensor: " + e.getMessage(), e);
    }
  }

  /**
   * Copies a float output into an array.
   *
   * @param value an output of a run
   * @param what the output's name for messages
   * @return its elements in C order
   */
  static float[] toArray(OnnxValue value, String what) {
    if (!(value instanceof OnnxTensor tensor)) {
      throw new InferenceException(what + ": not a tensor");
    }
    FloatBuffer buffer = tensor.getFloatBuffer();
    if (buffer == null) {
      throw new InferenceException(what + ": not a float tensor");
    }
    float[] out = new float[buffer.remaining()];
    buffer.get(out);
    return out;
  }
}
