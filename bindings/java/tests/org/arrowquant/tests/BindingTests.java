package org.arrowquant.tests;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.arrowquant.*;

/**
 * Tests of the Java binding: tensor round trip, status -> exception, handle lifetime, progress callback and
 * cancellation, and the golden conformance vectors. Prints `N passed, M failed` and exits non-zero on failure.
 * Usage: BindingTests VECTORS_DIR TMP_DIR
 */
public final class BindingTests {
  interface Body {
    void run() throws Exception;
  }

  static int passed;
  static int failed;
  static Path tmp;
  static Path manifest;

  /** aq_quantize_format -> quantizeFormat (the rename rule of arrowquant_java.swg). */
  static String camel(String c) {
    String[] parts = c.substring(3).split("_");
    StringBuilder b = new StringBuilder(parts[0]);
    for (int k = 1; k < parts.length; k++) {
      if (!parts[k].isEmpty()) b.append(Character.toUpperCase(parts[k].charAt(0))).append(parts[k].substring(1));
    }
    return b.toString();
  }

  static void check(boolean condition, String what) {
    if (!condition) throw new AssertionError(what);
  }

  static <T extends Throwable> T expect(Class<T> type, Body body) throws Exception {
    try {
      body.run();
    } catch (Throwable t) {
      if (type.isInstance(t)) return type.cast(t);
      throw new AssertionError("expected " + type.getSimpleName() + ", got " + t, t);
    }
    throw new AssertionError("expected " + type.getSimpleName() + ", nothing was thrown");
  }

  static void test(String name, Body body) {
    long before = ArrowQuant.liveHandles();
    try {
      body.run();
      long after = ArrowQuant.liveHandles();
      check(after == before, "live handles " + before + " -> " + after + " (leak or double free)");
      passed++;
      System.out.println("ok    " + name);
    } catch (Throwable t) {
      failed++;
      System.out.println("FAIL  " + name + ": " + t);
      t.printStackTrace(System.out);
    }
  }

  static float[] weights(int n, long seed) {
    Random r = new Random(seed);
    float[] w = new float[n];
    for (int k = 0; k < n; k++) w[k] = (float) r.nextGaussian();
    return w;
  }

  /** A tiny safetensors file: `count` F32 weights [rows, cols]. */
  static Path writeModel(Path path, int count, int rows, int cols) throws IOException {
    StringBuilder header = new StringBuilder("{");
    long offset = 0, bytes = 4L * rows * cols;
    for (int t = 0; t < count; t++) {
      if (t > 0) header.append(',');
      header.append(String.format("\"blocks.%d.proj.weight\":{\"dtype\":\"F32\",\"shape\":[%d,%d],"
          + "\"data_offsets\":[%d,%d]}", t, rows, cols, offset, offset + bytes));
      offset += bytes;
    }
    header.append('}');
    while (header.length() % 8 != 0) header.append(' ');
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = Files.newOutputStream(path)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
      out.write(len.array());
      out.write(h);
      for (int t = 0; t < count; t++) {
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : weights(rows * cols, t)) b.putFloat(v * 0.05f);
        out.write(b.array());
      }
    }
    return path;
  }

  public static void main(String[] args) throws Exception {
    Path vectors = Paths.get(args.length > 0 ? args[0] : "conformance/vectors");
    tmp = Files.createDirectories(Paths.get(args.length > 1 ? args[1] : "java_test_tmp"));
    manifest = args.length > 2 ? Paths.get(args[2]) : null;

    test("round trip error is within half a step and shape/info/codes are consistent", () -> {
      float[] w = weights(8 * 256, 1);
      try (Quantized q = ArrowQuant.quantize(w, 8, 256, 4, 128, Mode.RTN)) {
        long[] rows = new long[1], cols = new long[1];
        ArrowQuantNative.quantizedShape(q, rows, cols);
        check(rows[0] == 8 && cols[0] == 256, "shape");
        int[] bits = new int[1], gs = new int[1], f32 = new int[1];
        Mode[] mode = new Mode[1];
        Format[] format = new Format[1];
        ArrowQuantNative.quantizedInfo(q, bits, gs, mode, format, f32);
        check(bits[0] == 4 && gs[0] == 128 && mode[0] == Mode.RTN && format[0] == Format.FLAT, "info");
        check(ArrowQuant.codes(q).length == 8 * 128, "packed INT4 codes");
        float[] back = ArrowQuant.dequantize(q);
        for (int g = 0; g < 16; g++) {
          float mn = Float.MAX_VALUE, mx = -Float.MAX_VALUE, err = 0;
          for (int k = g * 128; k < (g + 1) * 128; k++) {
            mn = Math.min(mn, w[k]);
            mx = Math.max(mx, w[k]);
            err = Math.max(err, Math.abs(back[k] - w[k]));
          }
          check(err <= (mx - mn) / 15 * 0.5 + 1e-3, "group " + g + " error " + err);
        }
        double bpw = ArrowQuant.bitsPerWeight(q);
        check(bpw > 4.0 && bpw < 4.5, "bits per weight " + bpw);
      }
    });

    test("heap buffers are copied in and out like direct ones", () -> {
      float[] w = weights(2 * 64, 2);
      ByteBuffer heap = ByteBuffer.allocate(4 * w.length).order(ByteOrder.nativeOrder());
      heap.asFloatBuffer().put(w);
      Quantized[] out = new Quantized[1];
      ArrowQuantNative.quantize(heap, Dtype.F32, 2, 64, 8, 64, Mode.RTN, out);
      try (Quantized q = out[0]) {
        ByteBuffer dst = ByteBuffer.allocate(4 * w.length).order(ByteOrder.nativeOrder());
        ArrowQuantNative.dequantize(q, Dtype.F32, dst);
        float[] direct = ArrowQuant.dequantize(q);
        for (int k = 0; k < w.length; k++) check(dst.getFloat(4 * k) == direct[k], "element " + k);
      }
    });

    test("unsupported bits throw AqUnsupportedException with status and message", () -> {
      AqUnsupportedException e = expect(AqUnsupportedException.class,
          () -> ArrowQuant.quantize(new float[64], 1, 64, 3, 64, Mode.RTN));
      check(e.getStatus() == 5 && e.getStatusEnum() == Status.ERR_UNSUPPORTED, "status " + e.getStatus());
      check(e.getMessage().contains("bits") && e.getMessage().contains("3"), "message " + e.getMessage());
      check(e.getStatusName().equals("AQ_ERR_UNSUPPORTED"), e.getStatusName());
    });

    test("NaN weights throw AqInvalidArgumentException naming the index", () -> {
      float[] w = new float[128];
      w[70] = Float.NaN;
      AqInvalidArgumentException e = expect(AqInvalidArgumentException.class,
          () -> ArrowQuant.quantize(w, 2, 64, 4, 64, Mode.RTN));
      check(e.getMessage().contains("70"), e.getMessage());
      check(e instanceof AqException && e.getStatus() == Status.ERR_INVALID_ARGUMENT.swigValue(), "hierarchy");
    });

    test("each status has its class: format, io, invalid argument", () -> {
      expect(AqFormatException.class, () -> ArrowQuant.config("{not json").close());
      expect(AqIoException.class, () -> ArrowQuantNative.modelOpen("/nonexistent.safetensors", new Model[1]));
      expect(AqInvalidArgumentException.class, () -> ArrowQuantNative.setNumThreads(-1));
      try (Config c = ArrowQuant.config("{}")) {
        AqInvalidArgumentException e = expect(AqInvalidArgumentException.class,
            () -> ArrowQuantNative.configSet(c, "no_such_key", "1"));
        check(e.getMessage().contains("no_such_key"), e.getMessage());
      }
    });

    test("close frees once, twice is harmless, use after close is an exception", () -> {
      long before = ArrowQuant.liveHandles();
      Quantized q = ArrowQuant.quantize(new float[64], 1, 64, 8, 64, Mode.RTN);
      check(ArrowQuant.liveHandles() == before + 1, "one live handle");
      q.close();
      q.close();
      check(q.isClosed() && ArrowQuant.liveHandles() == before, "freed once");
      expect(AqInvalidArgumentException.class, () -> ArrowQuant.codes(q));
    });

    test("try-with-resources closes on exception", () -> {
      long before = ArrowQuant.liveHandles();
      Quantized[] seen = new Quantized[1];
      expect(IllegalStateException.class, () -> {
        try (Quantized q = ArrowQuant.quantize(new float[64], 1, 64, 8, 64, Mode.RTN)) {
          seen[0] = q;
          throw new IllegalStateException("boom");
        }
      });
      check(seen[0].isClosed() && ArrowQuant.liveHandles() == before, "closed");
    });

    test("a view keeps its parent alive after the parent is dropped", () -> {
      TimeawareConfig[] cfg = new TimeawareConfig[1];
      ArrowQuantNative.timeawareConfigCreate(cfg);
      LayerResult[] result = new LayerResult[1];
      try (TimeawareConfig c = cfg[0]) {
        ArrowQuantNative.timeawareConfigSetNumber(c, "num_time_groups", 4);
        CalibStats[] stats = new CalibStats[1];
        ArrowQuantNative.calibStatsDataFree(c, 7, stats);
        try (CalibStats s = stats[0]) {
          ArrowQuantNative.timeawareLayer(s, c, 7, result);
        }
      }
      TgParams[] view = new TgParams[1];
      ArrowQuantNative.layerResultParams(result[0], view);
      result[0] = null; // only the view refers to the result now
      for (int k = 0; k < 5; k++) {
        System.gc();
        System.runFinalization();
      }
      check(ArrowQuantNative.tgParamsCount(view[0]) == 4, "view still valid");
      float[][] scales = new float[1][];
      ArrowQuantNative.tgParamsScales(view[0], scales);
      check(scales[0].length == 4 && scales[0][0] > 0, "scales");
      ((LayerResult) view[0].parent()).close(); // free the parent now so the leak check holds
      view[0].close();
    });

    test("owned outputs of failed calls are freed, not leaked", () -> {
      long before = ArrowQuant.liveHandles();
      for (int k = 0; k < 3; k++) {
        expect(AqInvalidArgumentException.class, () -> ArrowQuantNative.markovValidate(
            new float[] {1f, -1f}, new float[] {0f, 0f}, 0.3f, new MarkovReport[1]));
      }
      check(ArrowQuant.liveHandles() == before, "no handle left");
    });

    test("activation parameters: lookup by sampler time, quantize equal to affine_u8, errors", () -> {
      Path model = writeModel(tmp.resolve("act.safetensors"), 2, 32, 256);
      Path out = tmp.resolve("act-q.safetensors");
      Files.deleteIfExists(out);
      ArrowQuant.quantizeModel(model.toString(), out.toString(), null, null);
      Model[] m = new Model[1];
      ArrowQuantNative.modelOpen(out.toString(), m);
      try (Model mm = m[0]) {
        long T = ArrowQuant.activationNumTimesteps(mm, "blocks.0.proj.weight");
        check(T == 1000, "num_timesteps " + T);
        check(ArrowQuant.timestepIndex(1.0, 0.0, 1.0, T) == T - 1, "noise end");
        ArrowQuant.ActivationParams p = ArrowQuant.activationParams(mm, "blocks.0.proj.weight",
            ArrowQuant.timestepIndex(0.5, 0.0, 1.0, T));
        check(p.bits == 8 && p.scale > 0, "params");
        float[] x = weights(300, 9);
        byte[] codes = ArrowQuant.quantizeActivations(x, p.scale, p.zeroPoint, 8);
        float[] y = ArrowQuant.fakeQuantizeActivations(x, p.scale, p.zeroPoint, 8);
        byte[] refCodes = new byte[x.length];
        float[] refY = new float[x.length];
        ArrowQuantNative.affineU8(x, p.scale, p.zeroPoint, refCodes, refY);
        check(java.util.Arrays.equals(codes, refCodes) && java.util.Arrays.equals(y, refY), "equal to affine_u8");
        AqInvalidArgumentException e = expect(AqInvalidArgumentException.class,
            () -> ArrowQuant.activationParams(mm, "blocks.0.proj.weight", T));
        check(e.getMessage().contains("blocks.0.proj.weight"), e.getMessage());
        x[4] = Float.NaN;
        expect(AqInvalidArgumentException.class, () -> ArrowQuant.quantizeActivations(x, 0.1f, 0f, 8));
        expect(AqUnsupportedException.class, () -> ArrowQuant.quantizeActivations(new float[] {1f}, 0.1f, 0f, 12));
        check(ArrowQuant.integerZeroPoint(2.5f, 8) == 2 && ArrowQuant.integerZeroPoint(3.5f, 8) == 4, "half to even");
      }
    });

    test("progress listener sees every tensor in order", () -> {
      Path model = writeModel(tmp.resolve("tiny.safetensors"), 4, 32, 256);
      Path out = tmp.resolve("q.safetensors");
      Files.deleteIfExists(out);
      List<long[]> calls = new ArrayList<>();
      String report = ArrowQuant.quantizeModel(model.toString(), out.toString(), null, (done, total, b, bt) -> {
        calls.add(new long[] {done, total, b, bt});
        return true;
      });
      check(Files.exists(out) && report.startsWith("{"), "output and report");
      check(calls.size() >= 4, "calls " + calls.size());
      long[] last = calls.get(calls.size() - 1);
      check(last[0] == last[1] && last[2] == last[3], "final counts");
      for (int k = 1; k < calls.size(); k++) check(calls.get(k)[0] >= calls.get(k - 1)[0], "monotone");
    });

    test("returning false cancels with AqCancelledException and leaves no output", () -> {
      Path model = writeModel(tmp.resolve("tiny2.safetensors"), 4, 32, 256);
      Path out = tmp.resolve("cancelled.safetensors");
      Files.deleteIfExists(out);
      long[] seen = new long[1];
      AqCancelledException e = expect(AqCancelledException.class, () -> ArrowQuant.quantizeModel(
          model.toString(), out.toString(), null, (done, total, b, bt) -> {
            seen[0] = done;
            return done < 2;
          }));
      check(e.getStatus() == 6 && seen[0] == 2 && !Files.exists(out), "cancelled after 2");
    });

    test("an exception thrown by the listener cancels and propagates", () -> {
      Path model = writeModel(tmp.resolve("tiny3.safetensors"), 3, 32, 256);
      Path out = tmp.resolve("thrown.safetensors");
      Files.deleteIfExists(out);
      UnsupportedOperationException e = expect(UnsupportedOperationException.class, () ->
          ArrowQuant.quantizeModel(model.toString(), out.toString(), null, (done, total, b, bt) -> {
            throw new UnsupportedOperationException("stop");
          }));
      check("stop".equals(e.getMessage()) && !Files.exists(out), "propagated");
    });

    test("configuration layers and sources", () -> {
      Config[] out = new Config[1];
      ArrowQuantNative.configFromProfile("edge", out);
      try (Config c = out[0]) {
        String[] value = new String[1], source = new String[1];
        ArrowQuantNative.configGet(c, "bit_width", value);
        ArrowQuantNative.configGetSource(c, "bit_width", source);
        check(value[0].equals("2") && source[0].equals("profile:edge"), value[0] + " " + source[0]);
      }
    });

    test("every function of the header is a method of ArrowQuantNative", () -> {
      if (manifest == null) throw new AssertionError("no manifest argument");
      java.util.Map<String, Object> m = Conformance.obj(Json.parse(
          new String(Files.readAllBytes(manifest), StandardCharsets.UTF_8)));
      java.util.Set<String> methods = new java.util.HashSet<>();
      for (java.lang.reflect.Method method : ArrowQuantNative.class.getMethods()) methods.add(method.getName());
      List<String> missing = new ArrayList<>();
      for (Object f : Conformance.list(m.get("functions"))) {
        String c = (String) f;
        if (c.endsWith("_free") && Conformance.obj(m.get("handles")).containsKey(c.substring(0, c.length() - 5))) {
          continue; // a handle's close()
        }
        if (!methods.contains(camel(c))) missing.add(c);
      }
      check(missing.isEmpty(), "not wrapped: " + missing);
      for (Object cls : Conformance.obj(m.get("handles")).values()) {
        Class<?> k = Class.forName("org.arrowquant." + cls);
        check(AutoCloseable.class.isAssignableFrom(k), cls + " is AutoCloseable");
      }
    });

    test("conformance vectors", () -> {
      Conformance c = new Conformance();
      c.runAll(vectors);
      for (String f : c.failures) System.out.println("  FAIL " + f);
      System.out.println("conformance (java): " + c.passed + " passed, " + c.failed + " failed");
      check(c.passed > 0 && c.failed == 0, c.failed + " conformance cases failed");
    });

    System.out.println(passed + " passed, " + failed + " failed");
    System.exit(failed == 0 ? 0 : 1);
  }
}
