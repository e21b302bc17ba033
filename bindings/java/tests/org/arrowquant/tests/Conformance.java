package org.arrowquant.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.arrowquant.*;

/** The golden conformance vectors through the Java binding (pass rule of conformance/README.md §2). */
final class Conformance {
  int passed;
  int failed;
  final List<String> failures = new ArrayList<>();

  @SuppressWarnings("unchecked")
  static Map<String, Object> obj(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return (List<Object>) o;
  }

  static double num(Object o) {
    return ((Number) o).doubleValue();
  }

  static long lng(Object o) {
    return ((Number) o).longValue();
  }

  static float[] floats(Object o) {
    List<Object> l = list(o);
    float[] a = new float[l.size()];
    for (int k = 0; k < a.length; k++) a[k] = (float) num(l.get(k));
    return a;
  }

  static double[] doubles(Object o) {
    List<Object> l = list(o);
    double[] a = new double[l.size()];
    for (int k = 0; k < a.length; k++) a[k] = num(l.get(k));
    return a;
  }

  static float[] field(Object array, String key) {
    List<Object> l = list(array);
    float[] a = new float[l.size()];
    for (int k = 0; k < a.length; k++) a[k] = (float) num(obj(l.get(k)).get(key));
    return a;
  }

  static List<Object> reals(float[] a) {
    List<Object> l = new ArrayList<>();
    for (float v : a) l.add((double) v);
    return l;
  }

  static List<Object> reals(double[] a) {
    List<Object> l = new ArrayList<>();
    for (double v : a) l.add(v);
    return l;
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int k = 0; k < kv.length; k += 2) m.put((String) kv[k], kv[k + 1]);
    return m;
  }

  static Object run(String function, Map<String, Object> in) {
    switch (function) {
      case "group_timesteps": {
        long t = lng(in.get("num_timesteps")), g = lng(in.get("num_groups"));
        long[] count = new long[1];
        ArrowQuantNative.groupCount(t, g, count);
        long[] b = new long[(int) count[0] + 1];
        ArrowQuantNative.groupTimesteps(t, g, b);
        List<Object> l = new ArrayList<>();
        for (long v : b) l.add(v);
        return map("boundaries", l);
      }
      case "params_from_stats": {
        Map<String, Object> st = obj(in.get("stats"));
        CalibStats[] stats = new CalibStats[1];
        TgParams[] params = new TgParams[1];
        ArrowQuantNative.calibStatsCreate(floats(st.get("min")), floats(st.get("max")), floats(st.get("mean")),
            floats(st.get("std")), stats);
        try (CalibStats s = stats[0]) {
          ArrowQuantNative.paramsFromStats(s, lng(in.get("num_groups")), 8, params);
        }
        try (TgParams p = params[0]) {
          List<Object> out = new ArrayList<>();
          long n = ArrowQuantNative.tgParamsCount(p);
          for (long g = 0; g < n; g++) {
            long[] start = new long[1], end = new long[1], gs = new long[1];
            float[] scale = new float[1], zp = new float[1];
            ArrowQuantNative.tgParamsGet(p, g, start, end, scale, zp, gs);
            List<Object> range = new ArrayList<>();
            range.add(start[0]);
            range.add(end[0]);
            out.add(map("time_range", range, "scale", (double) scale[0], "zero_point", (double) zp[0],
                "group_size", gs[0]));
          }
          return map("params", out);
        }
      }
      case "markov_validate": {
        MarkovReport[] r = new MarkovReport[1];
        ArrowQuantNative.markovValidate(field(in.get("params"), "scale"), field(in.get("params"), "zero_point"),
            (float) num(in.get("threshold")), r);
        try (MarkovReport report = r[0]) {
          int[] valid = new int[1];
          float[] score = new float[1];
          ArrowQuantNative.markovReportResult(report, valid, score, null);
          float[][] scores = new float[1][];
          ArrowQuantNative.markovReportBoundaryScores(report, scores);
          List<Object> violations = new ArrayList<>();
          long n = ArrowQuantNative.markovReportViolationCount(report);
          for (long k = 0; k < n; k++) {
            long[] b = new long[1];
            float[] sj = new float[1], zj = new float[1];
            Severity[] sev = new Severity[1];
            ArrowQuantNative.markovReportViolation(report, k, b, sj, zj, sev);
            violations.add(map("boundary_idx", b[0], "scale_jump", (double) sj[0], "zero_point_jump",
                (double) zj[0], "severity", ArrowQuantNative.severityName(sev[0])));
          }
          return map("is_valid", valid[0] != 0, "smoothness_score", (double) score[0], "boundary_scores",
              reals(scores[0]), "violations", violations);
        }
      }
      case "smooth_boundaries": {
        Interpolation[] method = new Interpolation[1];
        ArrowQuantNative.interpolationFromName((String) in.get("method"), method);
        List<Object> params = list(in.get("params"));
        double[][] out = new double[2][params.size()];
        String[] keys = {"scale", "zero_point"};
        for (int k = 0; k < 2; k++) {
          double[] src = new double[params.size()];
          for (int g = 0; g < src.length; g++) src[g] = num(obj(params.get(g)).get(keys[k]));
          ArrowQuantNative.smoothBoundaries(src, (int) lng(in.get("window")), method[0], out[k]);
        }
        List<Object> l = new ArrayList<>();
        for (int g = 0; g < params.size(); g++) l.add(map("scale", out[0][g], "zero_point", out[1][g]));
        return map("params", l);
      }
      case "beta_schedule": {
        BetaScheduleKind[] kind = new BetaScheduleKind[1];
        ArrowQuantNative.betaScheduleFromName((String) in.get("kind"), kind);
        float[] betas = new float[(int) lng(in.get("num_timesteps"))];
        ArrowQuantNative.betaSchedule(kind[0], betas.length, (float) num(in.get("beta_start")),
            (float) num(in.get("beta_end")), betas);
        return map("betas", reals(betas));
      }
      case "transition": {
        BetaScheduleKind[] kind = new BetaScheduleKind[1];
        ArrowQuantNative.betaScheduleFromName((String) in.get("kind"), kind);
        float[] mean = new float[1], std = new float[1];
        ArrowQuantNative.transition(floats(in.get("weights")), kind[0], lng(in.get("num_timesteps")),
            (float) num(in.get("beta_start")), (float) num(in.get("beta_end")), lng(in.get("timestep")), mean, std);
        return map("mean", (double) mean[0], "std", (double) std[0]);
      }
      case "gaussian_kl": {
        float[] kl = new float[1];
        ArrowQuantNative.gaussianKl((float) num(in.get("mu1")), (float) num(in.get("sigma1")),
            (float) num(in.get("mu2")), (float) num(in.get("sigma2")), kl);
        return map("kl", (double) kl[0]);
      }
      case "quantization_loss": {
        float[] mse = new float[1];
        ArrowQuantNative.quantizationLoss(floats(in.get("original")), floats(in.get("quantized")), mse);
        return map("mse", (double) mse[0]);
      }
      case "markov_constraint_loss": {
        float[] loss = new float[1];
        Object o = in.get("original"), q = in.get("quantized");
        ArrowQuantNative.markovConstraintLoss(field(o, "mean"), field(o, "std"), field(q, "mean"), field(q, "std"),
            loss);
        return map("loss", (double) loss[0]);
      }
      case "entropy_regularization": {
        float[] value = new float[1];
        ArrowQuantNative.entropyRegularization(floats(in.get("weights")), value);
        return map("value", (double) value[0]);
      }
      case "total_loss": {
        float[] loss = new float[1];
        Object o = in.get("original_transitions"), q = in.get("quantized_transitions");
        ArrowQuantNative.totalLoss(floats(in.get("original")), floats(in.get("quantized")), field(o, "mean"),
            field(o, "std"), field(q, "mean"), field(q, "std"), (float) num(in.get("markov_weight")),
            (float) num(in.get("entropy_weight")), loss);
        return map("loss", (double) loss[0]);
      }
      case "affine_u8": {
        float[] w = floats(in.get("weights"));
        byte[] codes = new byte[w.length];
        float[] deq = new float[w.length];
        ArrowQuantNative.affineU8(w, (float) num(in.get("scale")), (float) num(in.get("zero_point")), codes, deq);
        List<Object> c = new ArrayList<>();
        for (byte b : codes) c.add((long) (b & 0xFF));
        return map("codes", c, "dequantized", reals(deq));
      }
      case "cosine_similarity": {
        float[] cos = new float[1];
        ArrowQuantNative.cosineSimilarity(floats(in.get("a")), floats(in.get("b")), cos);
        return map("cosine", (double) cos[0]);
      }
      case "baseline_summary": {
        List<Object> v = list(in.get("violations"));
        long[] idx = new long[v.size()];
        double[] jumps = new double[v.size()];
        int[] sev = new int[v.size()];
        for (int k = 0; k < idx.length; k++) {
          Map<String, Object> x = obj(v.get(k));
          idx[k] = lng(x.get("boundary_idx"));
          jumps[k] = num(x.get("scale_jump"));
          Severity[] s = new Severity[1];
          ArrowQuantNative.severityFromName((String) x.get("severity"), s);
          sev[k] = s[0].swigValue();
        }
        BaselineReport[] r = new BaselineReport[1];
        ArrowQuantNative.baselineSummary(doubles(in.get("boundary_scores")), idx, jumps, sev, r);
        try (BaselineReport report = r[0]) {
          double[] mn = new double[1], mx = new double[1], mean = new double[1], std = new double[1];
          ArrowQuantNative.baselineReportStats(report, mn, mx, mean, std);
          List<Object> patterns = new ArrayList<>();
          long n = ArrowQuantNative.baselineReportPatternCount(report);
          for (long k = 0; k < n; k++) {
            String[] text = new String[1];
            ArrowQuantNative.baselineReportPattern(report, k, text);
            patterns.add(text[0]);
          }
          return map("min_boundary_score", mn[0], "max_boundary_score", mx[0], "mean_boundary_score", mean[0],
              "std_boundary_score", std[0], "common_violation_patterns", patterns);
        }
      }
      default:
        throw new UnsupportedOperationException("no binding for function " + function);
    }
  }

  /** null when actual matches expected, else where they differ. */
  static String compare(Object actual, Object expected, double rel, double abs, String path) {
    if (expected instanceof Map) {
      if (!(actual instanceof Map) || !obj(actual).keySet().equals(obj(expected).keySet()))
        return path + ": keys " + (actual instanceof Map ? obj(actual).keySet() : actual) + " != "
            + obj(expected).keySet();
      for (String k : obj(expected).keySet()) {
        String d = compare(obj(actual).get(k), obj(expected).get(k), rel, abs, path + "." + k);
        if (d != null) return d;
      }
      return null;
    }
    if (expected instanceof List) {
      if (!(actual instanceof List) || list(actual).size() != list(expected).size())
        return path + ": length differs";
      for (int k = 0; k < list(expected).size(); k++) {
        String d = compare(list(actual).get(k), list(expected).get(k), rel, abs, path + "[" + k + "]");
        if (d != null) return d;
      }
      return null;
    }
    if (expected instanceof Long) {
      return actual instanceof Long && actual.equals(expected) ? null : path + ": " + actual + " != " + expected;
    }
    if (expected instanceof Double) {
      if (!(actual instanceof Double)) return path + ": " + actual + " is not a real";
      double e = (Double) expected, a = (Double) actual, allowed = abs + rel * Math.abs(e);
      return Math.abs(a - e) <= allowed ? null : path + ": " + a + " != " + e + " (allowed " + allowed + ")";
    }
    return expected.equals(actual) ? null : path + ": " + actual + " != " + expected;
  }

  void runAll(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
    for (Path file : files) {
      Map<String, Object> doc = obj(Json.parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)));
      String function = (String) doc.get("function");
      for (Object c : list(doc.get("cases"))) {
        Map<String, Object> kase = obj(c);
        Map<String, Object> tol = kase.containsKey("tolerance") ? obj(kase.get("tolerance")) : map();
        double rel = tol.containsKey("rel") ? num(tol.get("rel")) : 0, abs = tol.containsKey("abs") ? num(tol.get("abs")) : 0;
        String diff;
        try {
          diff = compare(run(function, obj(kase.get("input"))), kase.get("expected"), rel, abs, "$");
        } catch (RuntimeException e) {
          diff = "threw " + e;
        }
        if (diff == null) {
          passed++;
        } else {
          failed++;
          failures.add(kase.get("id") + ": " + diff);
        }
      }
    }
  }
}
