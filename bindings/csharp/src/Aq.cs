using System;

namespace ArrowQuant {

/// <summary>Convenience entry points over ArrowQuantNative (which has every C function: outputs are out
/// parameters, handles are IDisposable). Every method throws the AqException subclass of the C status.</summary>
public static class Aq {
  /// <summary>Library version "MAJOR.MINOR.PATCH".</summary>
  public static string Version {
    get { return ArrowQuantNative.VersionString(); }
  }

  /// <summary>Quantize a row-major [rows, cols] float tensor group-wise along each row (format AUTO).</summary>
  public static Quantized Quantize(float[] weights, ulong rows, ulong cols, int bits, int groupSize, Mode mode) {
    Quantized q;
    ArrowQuantNative.Quantize(weights, Dtype.F32, rows, cols, bits, groupSize, mode, out q);
    return q;
  }

  /// <summary>The dequantized tensor as floats (row-major).</summary>
  public static float[] Dequantize(Quantized q) {
    ulong rows, cols;
    ArrowQuantNative.QuantizedShape(q, out rows, out cols);
    float[] output = new float[rows * cols];
    ArrowQuantNative.Dequantize(q, Dtype.F32, output);
    return output;
  }

  /// <summary>A copy of the packed codes.</summary>
  public static byte[] Codes(Quantized q) {
    byte[] data;
    ArrowQuantNative.QuantizedCodes(q, out data);
    return data;
  }

  /// <summary>A configuration from JSON text; dispose it when done.</summary>
  public static Config Config(string json) {
    Config c;
    ArrowQuantNative.ConfigFromJson(json, out c);
    return c;
  }

  /// <summary>Quantize a safetensors model; returns the quality report as JSON text. config and progress may
  /// be null; the handler returns false to cancel (AqCancelledException).</summary>
  public static string QuantizeModel(string input, string output, Config config, ProgressHandler progress) {
    Report report;
    ArrowQuantNative.QuantizeModel(input, output, config, progress, out report);
    using (report) {
      string json;
      ArrowQuantNative.ReportJson(report, out json);
      return json;
    }
  }

  /// <summary>Index of sampler time t on an axis of numTimesteps points (0 at tClean, numTimesteps - 1 at
  /// tNoise); docs/time-aware.md.</summary>
  public static ulong TimestepIndex(double t, double tClean, double tNoise, ulong numTimesteps) {
    ulong index;
    ArrowQuantNative.TimestepIndex(t, tClean, tNoise, numTimesteps, out index);
    return index;
  }

  /// <summary>num_timesteps of a quantized tensor's parameter table (the axis TimestepIndex needs).</summary>
  public static ulong ActivationNumTimesteps(Model model, string tensorName) {
    ulong t, groups;
    int bits, synthetic;
    ArrowQuantNative.ModelActivationInfo(model, tensorName, out t, out groups, out bits, out synthetic);
    return t;
  }

  /// <summary>Scale, zero point and bits of a quantized tensor's input at timestepIndex.</summary>
  public static void ActivationParams(Model model, string tensorName, ulong timestepIndex, out float scale,
                                      out float zeroPoint, out int bits) {
    ArrowQuantNative.ModelActivationParams(model, tensorName, timestepIndex, out scale, out zeroPoint, out bits);
  }

  /// <summary>Codes clamp(round(src / scale + zeroPoint), 0, 2^bits - 1); bits 2..8.</summary>
  public static byte[] QuantizeActivations(float[] src, float scale, float zeroPoint, int bits) {
    byte[] codes = new byte[src.Length];
    ArrowQuantNative.QuantizeActivations(src, scale, zeroPoint, bits, codes);
    return codes;
  }

  /// <summary>(code - zeroPoint) * scale with the codes of QuantizeActivations; bits 2..16.</summary>
  public static float[] FakeQuantizeActivations(float[] src, float scale, float zeroPoint, int bits) {
    float[] dst = new float[src.Length];
    ArrowQuantNative.FakeQuantizeActivations(src, scale, zeroPoint, bits, dst);
    return dst;
  }

  /// <summary>zeroPoint rounded half to even and clamped to [0, 2^bits - 1] (ONNX QuantizeLinear).</summary>
  public static int IntegerZeroPoint(float zeroPoint, int bits) {
    int z;
    ArrowQuantNative.IntegerZeroPoint(zeroPoint, bits, out z);
    return z;
  }

  /// <summary>Handles created through the binding and not freed yet (tests use it to prove there is no leak).</summary>
  public static long LiveHandles {
    get { return ArrowQuantNative.BindingLiveHandles(); }
  }
}

}
