using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace ArrowQuant.Tests {

/// <summary>Tests of the C# binding: tensor round trip, status -> exception, handle lifetime, progress callback
/// and cancellation, and the golden conformance vectors. Prints `N passed, M failed`; exit code 1 on failure.
/// Usage: ArrowQuantTests.exe VECTORS_DIR TMP_DIR</summary>
public static class BindingTests {
  static int passed, failed;
  static string tmp;
  static string manifest;

  /// <summary>aq_quantize_format -> QuantizeFormat (the rename rule of arrowquant_csharp.swg).</summary>
  static string Pascal(string c) {
    var b = new StringBuilder();
    foreach (string part in c.Substring(3).Split('_'))
      if (part.Length > 0) b.Append(char.ToUpperInvariant(part[0])).Append(part.Substring(1));
    return b.ToString();
  }

  static void Check(bool condition, string what) {
    if (!condition) throw new Exception("check failed: " + what);
  }

  static T Expect<T>(Action body) where T : Exception {
    try {
      body();
    } catch (T e) {
      return e;
    } catch (Exception e) {
      throw new Exception("expected " + typeof(T).Name + ", got " + e.GetType().Name + ": " + e.Message);
    }
    throw new Exception("expected " + typeof(T).Name + ", nothing was thrown");
  }

  static void Test(string name, Action body) {
    long before = Aq.LiveHandles;
    try {
      body();
      long after = Aq.LiveHandles;
      Check(after == before, "live handles " + before + " -> " + after + " (leak or double free)");
      passed++;
      Console.WriteLine("ok    " + name);
    } catch (Exception e) {
      failed++;
      Console.WriteLine("FAIL  " + name + ": " + e);
    }
  }

  static float[] Weights(int n, int seed) {
    var r = new Random(seed);
    var w = new float[n];
    for (int k = 0; k < n; k++) {
      double u1 = 1.0 - r.NextDouble(), u2 = r.NextDouble();
      w[k] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
    return w;
  }

  /// <summary>A tiny safetensors file: count F32 weights [rows, cols].</summary>
  static string WriteModel(string path, int count, int rows, int cols) {
    var header = new StringBuilder("{");
    long offset = 0, bytes = 4L * rows * cols;
    for (int t = 0; t < count; t++) {
      if (t > 0) header.Append(',');
      header.AppendFormat("\"blocks.{0}.proj.weight\":{{\"dtype\":\"F32\",\"shape\":[{1},{2}],\"data_offsets\":[{3},{4}]}}",
                          t, rows, cols, offset, offset + bytes);
      offset += bytes;
    }
    header.Append('}');
    while (header.Length % 8 != 0) header.Append(' ');
    byte[] h = Encoding.UTF8.GetBytes(header.ToString());
    using (var f = new BinaryWriter(File.Create(path))) {
      f.Write((ulong)h.Length);
      f.Write(h);
      for (int t = 0; t < count; t++)
        foreach (float v in Weights(rows * cols, t)) f.Write(v * 0.05f);
    }
    return path;
  }

  public static int Main(string[] args) {
    string vectors = args.Length > 0 ? args[0] : "conformance/vectors";
    tmp = args.Length > 1 ? args[1] : "csharp_test_tmp";
    manifest = args.Length > 2 ? args[2] : null;
    Directory.CreateDirectory(tmp);

    Test("round trip error is within half a step and shape/info/codes are consistent", () => {
      float[] w = Weights(8 * 256, 1);
      using (Quantized q = Aq.Quantize(w, 8, 256, 4, 128, Mode.RTN)) {
        ulong rows, cols;
        ArrowQuantNative.QuantizedShape(q, out rows, out cols);
        Check(rows == 8 && cols == 256, "shape");
        int bits, gs, f32;
        Mode mode;
        Format format;
        ArrowQuantNative.QuantizedInfo(q, out bits, out gs, out mode, out format, out f32);
        Check(bits == 4 && gs == 128 && mode == Mode.RTN && format == Format.FLAT, "info");
        Check(Aq.Codes(q).Length == 8 * 128, "packed INT4 codes");
        float[] back = Aq.Dequantize(q);
        for (int g = 0; g < 16; g++) {
          float mn = float.MaxValue, mx = float.MinValue, err = 0;
          for (int k = g * 128; k < (g + 1) * 128; k++) {
            mn = Math.Min(mn, w[k]);
            mx = Math.Max(mx, w[k]);
            err = Math.Max(err, Math.Abs(back[k] - w[k]));
          }
          Check(err <= (mx - mn) / 15 * 0.5 + 1e-3, "group " + g + " error " + err);
        }
        double bpw = ArrowQuantNative.QuantizedBitsPerWeight(q);
        Check(bpw > 4.0 && bpw < 4.5, "bits per weight " + bpw);
      }
    });

    Test("any blittable array is a byte buffer: float16 bits as ushort[]", () => {
      var half = new ushort[2 * 64];
      for (int k = 0; k < half.Length; k++) half[k] = 0x3C00; // 1.0 in fp16
      Quantized q;
      ArrowQuantNative.Quantize(half, Dtype.F16, 2, 64, 8, 64, Mode.RTN, out q);
      using (q) {
        float[] back = Aq.Dequantize(q);
        foreach (float v in back) Check(Math.Abs(v - 1.0f) < 1e-3, "value " + v);
      }
    });

    Test("unsupported bits throw AqUnsupportedException with status and message", () => {
      var e = Expect<AqUnsupportedException>(() => Aq.Quantize(new float[64], 1, 64, 3, 64, Mode.RTN));
      Check(e.Status == 5 && e.StatusName == "AQ_ERR_UNSUPPORTED", "status " + e.Status);
      Check(e.Message.Contains("bits") && e.Message.Contains("3"), "message " + e.Message);
    });

    Test("NaN weights throw AqInvalidArgumentException naming the index", () => {
      var w = new float[128];
      w[70] = float.NaN;
      var e = Expect<AqInvalidArgumentException>(() => Aq.Quantize(w, 2, 64, 4, 64, Mode.RTN));
      Check(e.Message.Contains("70") && e is AqException && e.Status == (int)Status.ERR_INVALID_ARGUMENT, e.Message);
    });

    Test("each status has its class: format, io, invalid argument", () => {
      Expect<AqFormatException>(() => Aq.Config("{not json").Dispose());
      Expect<AqIoException>(() => { Model m; ArrowQuantNative.ModelOpen("/nonexistent.safetensors", out m); });
      Expect<AqInvalidArgumentException>(() => ArrowQuantNative.SetNumThreads(-1));
      using (Config c = Aq.Config("{}")) {
        var e = Expect<AqInvalidArgumentException>(() => ArrowQuantNative.ConfigSet(c, "no_such_key", "1"));
        Check(e.Message.Contains("no_such_key"), e.Message);
      }
    });

    Test("Dispose frees once, twice is harmless, use after Dispose is an exception", () => {
      long before = Aq.LiveHandles;
      Quantized q = Aq.Quantize(new float[64], 1, 64, 8, 64, Mode.RTN);
      Check(Aq.LiveHandles == before + 1, "one live handle");
      q.Dispose();
      q.Close();
      Check(q.IsClosed && Aq.LiveHandles == before, "freed once");
      Expect<AqInvalidArgumentException>(() => Aq.Codes(q));
    });

    Test("using closes on exception", () => {
      long before = Aq.LiveHandles;
      Quantized seen = null;
      Expect<InvalidOperationException>(() => {
        using (Quantized q = Aq.Quantize(new float[64], 1, 64, 8, 64, Mode.RTN)) {
          seen = q;
          throw new InvalidOperationException("boom");
        }
      });
      Check(seen.IsClosed && Aq.LiveHandles == before, "closed");
    });

    Test("a view keeps its parent alive after the parent is dropped", () => {
      TgParams view = MakeView();
      for (int k = 0; k < 5; k++) {
        GC.Collect();
        GC.WaitForPendingFinalizers();
      }
      Check(ArrowQuantNative.TgParamsCount(view) == 4, "view still valid");
      float[] scales;
      ArrowQuantNative.TgParamsScales(view, out scales);
      Check(scales.Length == 4 && scales[0] > 0, "scales");
      Check(view.Parent is LayerResult, "parent recorded");
      ((LayerResult)view.Parent).Dispose(); // free the parent now so the leak check holds
      view.Dispose();
    });

    Test("owned outputs of failed calls are freed, not leaked", () => {
      long before = Aq.LiveHandles;
      for (int k = 0; k < 3; k++) {
        Expect<AqInvalidArgumentException>(() => {
          MarkovReport r;
          ArrowQuantNative.MarkovValidate(new float[] {1f, -1f}, new float[] {0f, 0f}, 0.3f, out r);
        });
      }
      Check(Aq.LiveHandles == before, "no handle left");
    });

    Test("activation parameters: lookup by sampler time, quantize equal to affine_u8, errors", () => {
      string model = WriteModel(Path.Combine(tmp, "act.safetensors"), 2, 32, 256);
      string output = Path.Combine(tmp, "act-q.safetensors");
      File.Delete(output);
      Aq.QuantizeModel(model, output, null, null);
      Model m;
      ArrowQuantNative.ModelOpen(output, out m);
      using (m) {
        ulong T = Aq.ActivationNumTimesteps(m, "blocks.0.proj.weight");
        Check(T == 1000, "num_timesteps " + T);
        Check(Aq.TimestepIndex(1.0, 0.0, 1.0, T) == T - 1, "noise end");
        float scale, zp;
        int bits;
        Aq.ActivationParams(m, "blocks.0.proj.weight", Aq.TimestepIndex(0.5, 0.0, 1.0, T), out scale, out zp, out bits);
        Check(bits == 8 && scale > 0, "params");
        float[] x = Weights(300, 9);
        byte[] codes = Aq.QuantizeActivations(x, scale, zp, 8);
        float[] y = Aq.FakeQuantizeActivations(x, scale, zp, 8);
        byte[] refCodes = new byte[x.Length];
        float[] refY = new float[x.Length];
        ArrowQuantNative.AffineU8(x, scale, zp, refCodes, refY);
        for (int k = 0; k < x.Length; k++) Check(codes[k] == refCodes[k] && y[k] == refY[k], "element " + k);
        var e = Expect<AqInvalidArgumentException>(() => Aq.ActivationParams(m, "blocks.0.proj.weight", T, out scale, out zp, out bits));
        Check(e.Message.Contains("blocks.0.proj.weight"), e.Message);
        x[4] = float.NaN;
        Expect<AqInvalidArgumentException>(() => Aq.QuantizeActivations(x, 0.1f, 0f, 8));
        Expect<AqUnsupportedException>(() => Aq.QuantizeActivations(new float[] { 1f }, 0.1f, 0f, 12));
        Check(Aq.IntegerZeroPoint(2.5f, 8) == 2 && Aq.IntegerZeroPoint(3.5f, 8) == 4, "half to even");
      }
    });

    Test("progress handler sees every tensor in order", () => {
      string model = WriteModel(Path.Combine(tmp, "tiny.safetensors"), 4, 32, 256);
      string output = Path.Combine(tmp, "q.safetensors");
      File.Delete(output);
      var calls = new List<ulong[]>();
      string report = Aq.QuantizeModel(model, output, null, (done, total, b, bt) => {
        calls.Add(new[] {done, total, b, bt});
        return true;
      });
      Check(File.Exists(output) && report.StartsWith("{"), "output and report");
      Check(calls.Count >= 4, "calls " + calls.Count);
      ulong[] last = calls[calls.Count - 1];
      Check(last[0] == last[1] && last[2] == last[3], "final counts");
    });

    Test("returning false cancels with AqCancelledException and leaves no output", () => {
      string model = WriteModel(Path.Combine(tmp, "tiny2.safetensors"), 4, 32, 256);
      string output = Path.Combine(tmp, "cancelled.safetensors");
      File.Delete(output);
      ulong seen = 0;
      var e = Expect<AqCancelledException>(() => Aq.QuantizeModel(model, output, null, (done, total, b, bt) => {
        seen = done;
        return done < 2;
      }));
      Check(e.Status == 6 && seen == 2 && !File.Exists(output), "cancelled after 2");
    });

    Test("an exception thrown by the handler cancels and is rethrown", () => {
      string model = WriteModel(Path.Combine(tmp, "tiny3.safetensors"), 3, 32, 256);
      string output = Path.Combine(tmp, "thrown.safetensors");
      File.Delete(output);
      var e = Expect<NotSupportedException>(() => Aq.QuantizeModel(model, output, null, (done, total, b, bt) => {
        throw new NotSupportedException("stop");
      }));
      Check(e.Message == "stop" && !File.Exists(output), "rethrown");
    });

    Test("configuration layers and sources", () => {
      Config c;
      ArrowQuantNative.ConfigFromProfile("edge", out c);
      using (c) {
        string value, source;
        ArrowQuantNative.ConfigGet(c, "bit_width", out value);
        ArrowQuantNative.ConfigGetSource(c, "bit_width", out source);
        Check(value == "2" && source == "profile:edge", value + " " + source);
      }
    });

    Test("every function of the header is a method of ArrowQuantNative", () => {
      Check(manifest != null, "no manifest argument");
      var m = (Dictionary<string, object>)Json.Parse(File.ReadAllText(manifest));
      var handles = (Dictionary<string, object>)m["handles"];
      var methods = new HashSet<string>();
      foreach (var method in typeof(ArrowQuantNative).GetMethods()) methods.Add(method.Name);
      var missing = new List<string>();
      foreach (string c in (List<object>)m["functions"]) {
        if (c.EndsWith("_free") && handles.ContainsKey(c.Substring(0, c.Length - 5))) continue; // Dispose()
        if (!methods.Contains(Pascal(c))) missing.Add(c);
      }
      Check(missing.Count == 0, "not wrapped: " + string.Join(", ", missing));
      foreach (string cls in handles.Values) {
        Type t = typeof(ArrowQuantNative).Assembly.GetType("ArrowQuant." + cls);
        Check(t != null && typeof(IDisposable).IsAssignableFrom(t), cls + " is IDisposable");
      }
    });

    Test("conformance vectors", () => {
      var c = new Conformance();
      c.RunAll(vectors);
      foreach (string f in c.Failures) Console.WriteLine("  FAIL " + f);
      Console.WriteLine("conformance (csharp): " + c.Passed + " passed, " + c.Failed + " failed");
      Check(c.Passed > 0 && c.Failed == 0, c.Failed + " conformance cases failed");
    });

    Console.WriteLine(passed + " passed, " + failed + " failed");
    return failed == 0 ? 0 : 1;
  }

  // A separate method so that no local of the caller keeps the parent reachable.
  static TgParams MakeView() {
    TimeawareConfig cfg;
    LayerResult result;
    ArrowQuantNative.TimeawareConfigCreate(out cfg);
    using (cfg) {
      ArrowQuantNative.TimeawareConfigSetNumber(cfg, "num_time_groups", 4);
      CalibStats stats;
      ArrowQuantNative.CalibStatsDataFree(cfg, 7, out stats);
      using (stats) ArrowQuantNative.TimeawareLayer(stats, cfg, 7, out result);
    }
    TgParams view;
    ArrowQuantNative.LayerResultParams(result, out view);
    return view;
  }
}

}
