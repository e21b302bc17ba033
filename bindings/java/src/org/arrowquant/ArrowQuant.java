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

  /** A tensor's activation parameters at one timestep (docs/time-aware.md). */
  public static final class ActivationParams {
    public final float scale;
    public final float zeroPoint;
    public final int bits;

    ActivationParams(float scale, float zeroPoint, int bits) {
      this.scale = scale;
      this.zeroPoint = zeroPoint;
      this.bits = bits;
    }
  }

  /** Index of sampler time t on an axis of numTimesteps points (0 at tClean, numTimesteps - 1 at tNoise). */
  public static long timestepIndex(double t, double tClean, double tNoise, long numTimesteps) {
    long[] index = new long[1];
    ArrowQuantNative.timestepIndex(t, tClean, tNoise, numTimesteps, index);
    return index[0];
  }

  /** num_timesteps of a quantized tensor's parameter table (the axis timestepIndex needs). */
  public static long activationNumTimesteps(Model model, String tensorName) {
    long[] t = new long[1];
    ArrowQuantNative.modelActivationInfo(model, tensorName, t, null, null, null);
    return t[0];
  }

  /** Scale, zero point and bits of a quantized tensor's input at timestepIndex. */
  public static ActivationParams activationParams(Model model, String tensorName, long timestepIndex) {
    float[] scale = new float[1];
    float[] zeroPoint = new float[1];
    int[] bits = new int[1];
    ArrowQuantNative.modelActivationParams(model, tensorName, timestepIndex, scale, zeroPoint, bits);
    return new ActivationParams(scale[0], zeroPoint[0], bits[0]);
  }

  /** Codes clamp(round(src / scale + zeroPoint), 0, 2^bits - 1) as unsigned bytes; bits 2..8. */
  public static byte[] quantizeActivations(float[] src, float scale, float zeroPoint, int bits) {
    byte[] codes = new byte[src.length];
    ArrowQuantNative.quantizeActivations(src, scale, zeroPoint, bits, codes);
    return codes;
  }

  /** (code - zeroPoint) * scale with the codes of quantizeActivations; bits 2..16. */
  public static float[] fakeQuantizeActivations(float[] src, float scale, float zeroPoint, int bits) {
    float[] dst = new float[src.length];
    ArrowQuantNative.fakeQuantizeActivations(src, scale, zeroPoint, bits, dst);
    return dst;
  }

  /** zeroPoint rounded half to even and clamped to [0, 2^bits - 1] (ONNX QuantizeLinear). */
  public static int integerZeroPoint(float zeroPoint, int bits) {
    int[] z = new int[1];
    ArrowQuantNative.integerZeroPoint(zeroPoint, bits, z);
    return z[0];
  }

  /** Handles created through the binding and not freed yet (tests use it to prove there is no leak). */
  public static long liveHandles() {
    return ArrowQuantNative.bindingLiveHandles();
  }
}
