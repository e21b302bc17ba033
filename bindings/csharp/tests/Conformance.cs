using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ArrowQuant.Tests {

using Obj = Dictionary<string, object>;
using Arr = List<object>;

/// <summary>The golden conformance vectors through the C# binding (pass rule of conformance/README.md §2).</summary>
internal sealed class Conformance {
  public int Passed, Failed;
  public readonly List<string> Failures = new List<string>();

  static double Num(object o) { return o is long ? (double)(long)o : (double)o; }
  static long Lng(object o) { return (long)o; }
  static float[] Floats(object o) { return ((Arr)o).Select(x => (float)Num(x)).ToArray(); }
  static double[] Doubles(object o) { return ((Arr)o).Select(Num).ToArray(); }
  static float[] Field(object o, string key) { return ((Arr)o).Select(x => (float)Num(((Obj)x)[key])).ToArray(); }
  static Arr Reals(IEnumerable<float> a) { return a.Select(v => (object)(double)v).ToList(); }
  static Arr Reals(IEnumerable<double> a) { return a.Select(v => (object)v).ToList(); }

  static Obj Map(params object[] kv) {
    var m = new Obj();
    for (int k = 0; k < kv.Length; k += 2) m[(string)kv[k]] = kv[k + 1];
    return m;
  }

  static object Run(string function, Obj input) {
    switch (function) {
      case "group_timesteps": {
        ulong t = (ulong)Lng(input["num_timesteps"]), g = (ulong)Lng(input["num_groups"]), count;
        ArrowQuantNative.GroupCount(t, g, out count);
        var b = new ulong[count + 1];
        ArrowQuantNative.GroupTimesteps(t, g, b);
        return Map("boundaries", b.Select(v => (object)(long)v).ToList());
      }
      case "params_from_stats": {
        var st = (Obj)input["stats"];
        CalibStats stats;
        TgParams p;
        ArrowQuantNative.CalibStatsCreate(Floats(st["min"]), Floats(st["max"]), Floats(st["mean"]), Floats(st["std"]),
                                          out stats);
        using (stats) ArrowQuantNative.ParamsFromStats(stats, (ulong)Lng(input["num_groups"]), 8, out p);
        using (p) {
          var list = new Arr();
          for (ulong g = 0; g < ArrowQuantNative.TgParamsCount(p); g++) {
            ulong start, end;
            float scale, zp;
            uint gs;
            ArrowQuantNative.TgParamsGet(p, g, out start, out end, out scale, out zp, out gs);
            list.Add(Map("time_range", new Arr { (long)start, (long)end }, "scale", (double)scale,
                         "zero_point", (double)zp, "group_size", (long)gs));
          }
          return Map("params", list);
        }
      }
      case "markov_validate": {
        MarkovReport r;
        ArrowQuantNative.MarkovValidate(Field(input["params"], "scale"), Field(input["params"], "zero_point"),
                                        (float)Num(input["threshold"]), out r);
        using (r) {
          int valid;
          float score, maxJump;
          float[] scores;
          ArrowQuantNative.MarkovReportResult(r, out valid, out score, out maxJump);
          ArrowQuantNative.MarkovReportBoundaryScores(r, out scores);
          var violations = new Arr();
          for (ulong k = 0; k < ArrowQuantNative.MarkovReportViolationCount(r); k++) {
            ulong b;
            float sj, zj;
            Severity sev;
            ArrowQuantNative.MarkovReportViolation(r, k, out b, out sj, out zj, out sev);
            violations.Add(Map("boundary_idx", (long)b, "scale_jump", (double)sj, "zero_point_jump", (double)zj,
                               "severity", ArrowQuantNative.SeverityName(sev)));
          }
          return Map("is_valid", valid != 0, "smoothness_score", (double)score, "boundary_scores", Reals(scores),
                     "violations", violations);
        }
      }
      case "smooth_boundaries": {
        Interpolation method;
        ArrowQuantNative.InterpolationFromName((string)input["method"], out method);
        var ps = (Arr)input["params"];
        var outs = new List<double[]>();
        foreach (string key in new[] {"scale", "zero_point"}) {
          double[] src = ps.Select(x => Num(((Obj)x)[key])).ToArray();
          var dst = new double[src.Length];
          ArrowQuantNative.SmoothBoundaries(src, (int)Lng(input["window"]), method, dst);
          outs.Add(dst);
        }
        return Map("params", Enumerable.Range(0, ps.Count)
                                 .Select(g => (object)Map("scale", outs[0][g], "zero_point", outs[1][g])).ToList());
      }
      case "beta_schedule": {
        BetaScheduleKind kind;
        ArrowQuantNative.BetaScheduleFromName((string)input["kind"], out kind);
        var betas = new float[Lng(input["num_timesteps"])];
        ArrowQuantNative.BetaSchedule(kind, (ulong)betas.Length, (float)Num(input["beta_start"]),
                                      (float)Num(input["beta_end"]), betas);
        return Map("betas", Reals(betas));
      }
      case "transition": {
        BetaScheduleKind kind;
        ArrowQuantNative.BetaScheduleFromName((string)input["kind"], out kind);
        float mean, std;
        ArrowQuantNative.Transition(Floats(input["weights"]), kind, (ulong)Lng(input["num_timesteps"]),
                                    (float)Num(input["beta_start"]), (float)Num(input["beta_end"]),
                                    (ulong)Lng(input["timestep"]), out mean, out std);
        return Map("mean", (double)mean, "std", (double)std);
      }
      case "gaussian_kl": {
        float kl;
        ArrowQuantNative.GaussianKl((float)Num(input["mu1"]), (float)Num(input["sigma1"]), (float)Num(input["mu2"]),
                                    (float)Num(input["sigma2"]), out kl);
        return Map("kl", (double)kl);
      }
      case "quantization_loss": {
        float mse;
        ArrowQuantNative.QuantizationLoss(Floats(input["original"]), Floats(input["quantized"]), out mse);
        return Map("mse", (double)mse);
      }
      case "markov_constraint_loss": {
        float loss;
        object o = input["original"], q = input["quantized"];
        ArrowQuantNative.MarkovConstraintLoss(Field(o, "mean"), Field(o, "std"), Field(q, "mean"), Field(q, "std"),
                                              out loss);
        return Map("loss", (double)loss);
      }
      case "entropy_regularization": {
        float value;
        ArrowQuantNative.EntropyRegularization(Floats(input["weights"]), out value);
        return Map("value", (double)value);
      }
      case "total_loss": {
        float loss;
        object o = input["original_transitions"], q = input["quantized_transitions"];
        ArrowQuantNative.TotalLoss(Floats(input["original"]), Floats(input["quantized"]), Field(o, "mean"),
                                   Field(o, "std"), Field(q, "mean"), Field(q, "std"),
                                   (float)Num(input["markov_weight"]), (float)Num(input["entropy_weight"]), out loss);
        return Map("loss", (double)loss);
      }
      case "affine_u8": {
        float[] w = Floats(input["weights"]);
        var codes = new byte[w.Length];
        var deq = new float[w.Length];
        ArrowQuantNative.AffineU8(w, (float)Num(input["scale"]), (float)Num(input["zero_point"]), codes, deq);
        return Map("codes", codes.Select(c => (object)(long)c).ToList(), "dequantized", Reals(deq));
      }
      case "cosine_similarity": {
        float cos;
        ArrowQuantNative.CosineSimilarity(Floats(input["a"]), Floats(input["b"]), out cos);
        return Map("cosine", (double)cos);
      }
      case "baseline_summary": {
        var v = ((Arr)input["violations"]).Cast<Obj>().ToList();
        ulong[] idx = v.Select(x => (ulong)Lng(x["boundary_idx"])).ToArray();
        double[] jumps = v.Select(x => Num(x["scale_jump"])).ToArray();
        int[] sev = v.Select(x => {
          Severity s;
          ArrowQuantNative.SeverityFromName((string)x["severity"], out s);
          return (int)s;
        }).ToArray();
        BaselineReport r;
        ArrowQuantNative.BaselineSummary(Doubles(input["boundary_scores"]), idx, jumps, sev, out r);
        using (r) {
          double mn, mx, mean, std;
          ArrowQuantNative.BaselineReportStats(r, out mn, out mx, out mean, out std);
          var patterns = new Arr();
          for (ulong k = 0; k < ArrowQuantNative.BaselineReportPatternCount(r); k++) {
            string text;
            ArrowQuantNative.BaselineReportPattern(r, k, out text);
            patterns.Add(text);
          }
          return Map("min_boundary_score", mn, "max_boundary_score", mx, "mean_boundary_score", mean,
                     "std_boundary_score", std, "common_violation_patterns", patterns);
        }
      }
      default:
        throw new NotSupportedException("no binding for function " + function);
    }
  }

  /// <summary>null when actual matches expected, else where they differ.</summary>
  static string Compare(object actual, object expected, double rel, double abs, string path) {
    var eo = expected as Obj;
    if (eo != null) {
      var ao = actual as Obj;
      if (ao == null || ao.Count != eo.Count || !eo.Keys.All(ao.ContainsKey)) return path + ": keys differ";
      foreach (var k in eo.Keys) {
        string d = Compare(ao[k], eo[k], rel, abs, path + "." + k);
        if (d != null) return d;
      }
      return null;
    }
    var ea = expected as Arr;
    if (ea != null) {
      var aa = actual as Arr;
      if (aa == null || aa.Count != ea.Count) return path + ": length differs";
      for (int k = 0; k < ea.Count; k++) {
        string d = Compare(aa[k], ea[k], rel, abs, path + "[" + k + "]");
        if (d != null) return d;
      }
      return null;
    }
    if (expected is long) return actual is long && (long)actual == (long)expected ? null : path + ": " + actual + " != " + expected;
    if (expected is double) {
      if (!(actual is double)) return path + ": " + actual + " is not a real";
      double e = (double)expected, a = (double)actual, allowed = abs + rel * Math.Abs(e);
      return Math.Abs(a - e) <= allowed ? null : path + ": " + a.ToString("R") + " != " + e.ToString("R");
    }
    return Equals(expected, actual) ? null : path + ": " + actual + " != " + expected;
  }

  public void RunAll(string dir) {
    foreach (string file in Directory.GetFiles(dir, "*.json").OrderBy(f => f, StringComparer.Ordinal)) {
      var doc = (Obj)Json.Parse(File.ReadAllText(file));
      string function = (string)doc["function"];
      foreach (Obj kase in ((Arr)doc["cases"]).Cast<Obj>()) {
        var tol = kase.ContainsKey("tolerance") ? (Obj)kase["tolerance"] : new Obj();
        double rel = tol.ContainsKey("rel") ? Num(tol["rel"]) : 0, abs = tol.ContainsKey("abs") ? Num(tol["abs"]) : 0;
        string diff;
        try {
          diff = Compare(Run(function, (Obj)kase["input"]), kase["expected"], rel, abs, "$");
        } catch (Exception e) {
          diff = "threw " + e.GetType().Name + ": " + e.Message;
        }
        if (diff == null) {
          Passed++;
        } else {
          Failed++;
          Failures.Add(kase["id"] + ": " + diff);
        }
      }
    }
  }
}

}
