package org.arrowquant;

import java.nio.ByteBuffer;

/**
 * Convenience entry points over {@link ArrowQuantNative} (which has every C function: outputs are one-element
 * arrays, handles are AutoCloseable). Every method throws the {@link AqException} subclass of the C status.
 */
public final class ArrowQuant {
  private ArrowQuant() {}

  /** Library version "MAJOR.MINOR.PATCH". */
  public static String version() {
    return ArrowQuantNative.versionString();
  }

  /** Quantize a row-major [rows, cols] float tensor group-wise along each row (format AUTO). */
  public static Quantized quantize(float[] weights, long rows, long cols, int bits, int groupSize, Mode mode) {
    Quantized[] out = new Quantized[1];
    ArrowQuantNative.quantize(Buffers.of(weights), Dtype.F32, rows, cols, bits, groupSize, mode, out);
    return out[0];
  }

  /** The dequantized tensor as floats (row-major). */
  public static float[] dequantize(Quantized q) {
    long[] rows = new long[1];
    long[] cols = new long[1];
    ArrowQuantNative.quantizedShape(q, rows, cols);
    ByteBuffer dst = Buffers.allocate(4L * rows[0] * cols[0]);
    ArrowQuantNative.dequantize(q, Dtype.F32, dst);
    float[] out = new float[(int) (rows[0] * cols[0])];
    dst.asFloatBuffer().get(out);
    return out;
  }

  /** A copy of the packed codes (rows start on a byte boundary, little-endian within a byte). */
  public static byte[] codes(Quantized q) {
    byte[][] data = new byte[1][];
    ArrowQuantNative.quantizedCodes(q, data);
    return data[0];
  }

  /** 8 * (code bytes + parameter bytes) / elements. */
  public static double bitsPerWeight(Quantized q) {
    return ArrowQuantNative.quantizedBitsPerWeight(q);
  }

  /** A configuration from JSON text ({"bit_width": 4, ...}); close it when done. */
  public static Config config(String json) {
    Config[] out = new Config[1];
    ArrowQuantNative.configFromJson(json, out);
    return out[0];
  }

  /**
   * Quantize a safetensors model; returns the quality report as JSON text. config and progress may be null.
   * The listener returns false to cancel (AqCancelledException).
   */
  public static String quantizeModel(String input, String output, Config config, ProgressListener progress) {
    Report[] report = new Report[1];
    ArrowQuantNative.quantizeModel(input, output, config, progress, report);
    try (Report r = report[0]) {
      String[] json = new String[1];
      ArrowQuantNative.reportJson(r, json);
      return json[0];
    }
  }

  /** Handles created through the binding and not freed yet (tests use it to prove there is no leak). */
  public static long liveHandles() {
    return ArrowQuantNative.bindingLiveHandles();
  }
}
