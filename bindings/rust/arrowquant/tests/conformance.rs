//! The golden conformance vectors (conformance/vectors/*.json, schema and pass rule in the shared conformance
//! README) run through the Rust binding. Prints one line per failing case and the closing line
//! `N passed, M failed`; exits non-zero when a case fails or a file does not parse. Unknown function names are
//! failures, not skips.
//!
//! The directory is $ARROWQUANT_CONFORMANCE_DIR, or the repository's conformance/vectors; any command-line
//! argument that is not a flag names more files or directories instead.
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use arrowquant::timeaware::*;
use arrowquant::Result as AqResult;
use serde_json::{json, Map, Value};

const FORMAT: &str = "arrowquant-conformance-vectors/1";

fn main() -> ExitCode {
    // `cargo test` passes libtest flags (--quiet, filters after --); only paths count here.
    let mut inputs: Vec<PathBuf> =
        std::env::args().skip(1).filter(|a| !a.starts_with('-')).map(PathBuf::from).collect();
    inputs.retain(|p| p.exists());
    if inputs.is_empty() {
        inputs.push(match std::env::var_os("ARROWQUANT_CONFORMANCE_DIR") {
            Some(d) => PathBuf::from(d),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../conformance/vectors"),
        });
    }
    let mut files = Vec::new();
    for input in &inputs {
        if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .unwrap_or_else(|e| panic!("reading {}: {e}", input.display()))
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(input.clone());
        }
    }

    let (mut passed, mut failed) = (0u64, 0u64);
    if files.is_empty() {
        println!("conformance: no vector files under {:?}", inputs);
        failed += 1;
    }
    for file in &files {
        match run_file(file) {
            Ok((p, f)) => {
                passed += p;
                failed += f;
            }
            Err(msg) => {
                println!("FAIL {}: {msg}", file.display());
                failed += 1;
            }
        }
    }
    println!("rust conformance: {} files", files.len());
    println!("{passed} passed, {failed} failed");
    if failed == 0 && passed > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn run_file(path: &Path) -> Result<(u64, u64), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    if doc["format"] != FORMAT {
        return Err(format!("format is {}, expected {FORMAT}", doc["format"]));
    }
    let function = doc["function"].as_str().ok_or("no function name")?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if function != stem {
        return Err(format!("function {function} does not match the file name {stem}"));
    }
    let cases = doc["cases"].as_array().ok_or("no cases array")?;
    let (mut passed, mut failed) = (0, 0);
    for case in cases {
        let id = case["id"].as_str().unwrap_or("<no id>");
        let rel = case["tolerance"]["rel"].as_f64().unwrap_or(0.0);
        let abs = case["tolerance"]["abs"].as_f64().unwrap_or(0.0);
        let outcome = match run_case(function, &case["input"]) {
            Ok(actual) => {
                let mut errors = Vec::new();
                compare(&case["expected"], &actual, rel, abs, "", &mut errors);
                errors
            }
            Err(e) => vec![format!("call failed: {e}")],
        };
        if outcome.is_empty() {
            passed += 1;
        } else {
            failed += 1;
            for line in outcome.iter().take(3) {
                println!("FAIL {id}: {line}");
            }
        }
    }
    Ok((passed, failed))
}

// ------------------------------------------------------------------------------------------------------------
// Input decoding
// ------------------------------------------------------------------------------------------------------------

type Run = Result<Value, String>;

fn aq<T>(r: AqResult<T>) -> Result<T, String> {
    r.map_err(|e| e.to_string())
}

fn field<'a>(v: &'a Value, key: &str) -> Result<&'a Value, String> {
    v.get(key).ok_or_else(|| format!("input has no field {key}"))
}
fn u64_of(v: &Value, key: &str) -> Result<u64, String> {
    field(v, key)?.as_u64().ok_or_else(|| format!("{key} is not a non-negative integer"))
}
fn f64_of(v: &Value, key: &str) -> Result<f64, String> {
    field(v, key)?.as_f64().ok_or_else(|| format!("{key} is not a number"))
}
/// Reals of binary32 functions: parsed as binary64, then narrowed (README §1).
fn f32_of(v: &Value, key: &str) -> Result<f32, String> {
    Ok(f64_of(v, key)? as f32)
}
fn str_of<'a>(v: &'a Value, key: &str) -> Result<&'a str, String> {
    field(v, key)?.as_str().ok_or_else(|| format!("{key} is not a string"))
}
fn array<'a>(v: &'a Value, key: &str) -> Result<&'a Vec<Value>, String> {
    field(v, key)?.as_array().ok_or_else(|| format!("{key} is not an array"))
}
fn f64s(v: &Value, key: &str) -> Result<Vec<f64>, String> {
    array(v, key)?.iter().map(|x| x.as_f64().ok_or_else(|| format!("{key} holds a non-number"))).collect()
}
fn f32s(v: &Value, key: &str) -> Result<Vec<f32>, String> {
    Ok(f64s(v, key)?.into_iter().map(|x| x as f32).collect())
}
/// `[{scale, zero_point}]` as two arrays.
fn scale_zp<T>(v: &Value, key: &str, conv: fn(f64) -> T) -> Result<(Vec<T>, Vec<T>), String> {
    let mut s = Vec::new();
    let mut z = Vec::new();
    for p in array(v, key)? {
        s.push(conv(f64_of(p, "scale")?));
        z.push(conv(f64_of(p, "zero_point")?));
    }
    Ok((s, z))
}
fn transitions(v: &Value, key: &str) -> Result<Vec<Transition>, String> {
    array(v, key)?.iter().map(|t| Ok(Transition { mean: f32_of(t, "mean")?, std: f32_of(t, "std")? })).collect()
}
/// A binary32 result as a JSON real (exactly widened, so it keeps the real kind even when integral).
fn real(x: f32) -> Value {
    Value::from(f64::from(x))
}
fn reals(xs: &[f32]) -> Value {
    Value::Array(xs.iter().map(|x| real(*x)).collect())
}

// ------------------------------------------------------------------------------------------------------------
// One function per vector file
// ------------------------------------------------------------------------------------------------------------

fn run_case(function: &str, i: &Value) -> Run {
    match function {
        "group_timesteps" => {
            let b = aq(group_timesteps(u64_of(i, "num_timesteps")?, u64_of(i, "num_groups")?))?;
            Ok(json!({ "boundaries": b }))
        }
        "params_from_stats" => {
            let s = field(i, "stats")?;
            let stats = aq(CalibStats::new(&f32s(s, "min")?, &f32s(s, "max")?, &f32s(s, "mean")?, &f32s(s, "std")?))?;
            if stats.num_timesteps() != u64_of(i, "num_timesteps")? {
                return Err("num_timesteps disagrees with the length of the statistics".into());
            }
            let params = aq(TgParams::from_stats(&stats, u64_of(i, "num_groups")?, 8))?;
            let list: Vec<Value> = aq(params.to_vec())?
                .into_iter()
                .map(|p| {
                    json!({
                        "time_range": [p.start, p.end],
                        "scale": real(p.scale),
                        "zero_point": real(p.zero_point),
                        "group_size": p.group_size,
                    })
                })
                .collect();
            Ok(json!({ "params": list }))
        }
        "markov_validate" => {
            let (s, z) = scale_zp(i, "params", |x| x as f32)?;
            let r = aq(markov_validate(&s, &z, f32_of(i, "threshold")?))?;
            let violations: Vec<Value> = aq(r.violations())?
                .into_iter()
                .map(|v| {
                    json!({
                        "boundary_idx": v.boundary_idx,
                        "scale_jump": real(v.scale_jump),
                        "zero_point_jump": real(v.zero_point_jump),
                        "severity": v.severity.name(),
                    })
                })
                .collect();
            Ok(json!({
                "is_valid": aq(r.is_valid())?,
                "smoothness_score": real(aq(r.smoothness_score())?),
                "boundary_scores": reals(aq(r.boundary_scores())?),
                "violations": violations,
            }))
        }
        "smooth_boundaries" => {
            let method: Interpolation = aq(str_of(i, "method")?.parse())?;
            let window = i32::try_from(u64_of(i, "window")?).map_err(|_| "window out of range")?;
            let (s, z) = scale_zp(i, "params", |x| x)?;
            let s = aq(smooth_boundaries(&s, window, method))?;
            let z = aq(smooth_boundaries(&z, window, method))?;
            let list: Vec<Value> = s.iter().zip(&z).map(|(s, z)| json!({ "scale": s, "zero_point": z })).collect();
            Ok(json!({ "params": list }))
        }
        "beta_schedule" => {
            let kind: BetaSchedule = aq(str_of(i, "kind")?.parse())?;
            let b =
                aq(beta_schedule(kind, u64_of(i, "num_timesteps")?, f32_of(i, "beta_start")?, f32_of(i, "beta_end")?))?;
            Ok(json!({ "betas": reals(&b) }))
        }
        "transition" => {
            let kind: BetaSchedule = aq(str_of(i, "kind")?.parse())?;
            let w = f32s(i, "weights")?;
            let (t, b0, b1, step) =
                (u64_of(i, "num_timesteps")?, f32_of(i, "beta_start")?, f32_of(i, "beta_end")?, u64_of(i, "timestep")?);
            let r = aq(transition(&w, kind, t, b0, b1, step))?;
            // The cached computer must give the same bits, on a miss and on a hit.
            let mut tc = aq(TransitionComputer::new(kind, t, b0, b1, 4))?;
            for _ in 0..2 {
                let c = aq(tc.compute(&w, step))?;
                if c.mean.to_bits() != r.mean.to_bits() || c.std.to_bits() != r.std.to_bits() {
                    return Err(format!("TransitionComputer gave {c:?}, aq_transition {r:?}"));
                }
            }
            Ok(json!({ "mean": real(r.mean), "std": real(r.std) }))
        }
        "gaussian_kl" => {
            let kl = aq(gaussian_kl(f32_of(i, "mu1")?, f32_of(i, "sigma1")?, f32_of(i, "mu2")?, f32_of(i, "sigma2")?))?;
            Ok(json!({ "kl": real(kl) }))
        }
        "quantization_loss" => {
            let mse = aq(quantization_loss(&f32s(i, "original")?, &f32s(i, "quantized")?))?;
            Ok(json!({ "mse": real(mse) }))
        }
        "markov_constraint_loss" => {
            let loss = aq(markov_constraint_loss(&transitions(i, "original")?, &transitions(i, "quantized")?))?;
            Ok(json!({ "loss": real(loss) }))
        }
        "entropy_regularization" => {
            let v = aq(entropy_regularization(&f32s(i, "weights")?))?;
            Ok(json!({ "value": real(v) }))
        }
        "total_loss" => {
            let loss = aq(total_loss(
                &f32s(i, "original")?,
                &f32s(i, "quantized")?,
                &transitions(i, "original_transitions")?,
                &transitions(i, "quantized_transitions")?,
                f32_of(i, "markov_weight")?,
                f32_of(i, "entropy_weight")?,
            ))?;
            Ok(json!({ "loss": real(loss) }))
        }
        "affine_u8" => {
            let r = aq(affine_u8(&f32s(i, "weights")?, f32_of(i, "scale")?, f32_of(i, "zero_point")?))?;
            Ok(json!({ "codes": r.codes, "dequantized": reals(&r.dequantized) }))
        }
        "cosine_similarity" => {
            let c = aq(cosine_similarity(&f32s(i, "a")?, &f32s(i, "b")?))?;
            Ok(json!({ "cosine": real(c) }))
        }
        "baseline_summary" => {
            let mut violations = Vec::new();
            for v in array(i, "violations")? {
                violations.push(BaselineViolation {
                    boundary_idx: u64_of(v, "boundary_idx")?,
                    scale_jump: f64_of(v, "scale_jump")?,
                    severity: aq(str_of(v, "severity")?.parse())?,
                });
            }
            let r = aq(baseline_summary(&f64s(i, "boundary_scores")?, &violations))?;
            let s = aq(r.stats())?;
            Ok(json!({
                "min_boundary_score": s.min_boundary_score,
                "max_boundary_score": s.max_boundary_score,
                "mean_boundary_score": s.mean_boundary_score,
                "std_boundary_score": s.std_boundary_score,
                "common_violation_patterns": aq(r.patterns())?,
            }))
        }
        other => Err(format!("unknown function {other}")),
    }
}

// ------------------------------------------------------------------------------------------------------------
// Pass rule (README §2)
// ------------------------------------------------------------------------------------------------------------

fn compare(expected: &Value, actual: &Value, rel: f64, abs: f64, path: &str, errors: &mut Vec<String>) {
    let at = if path.is_empty() { "(root)" } else { path };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => compare_objects(e, a, rel, abs, path, errors),
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                errors.push(format!("{at}: expected {} elements, got {}", e.len(), a.len()));
                return;
            }
            for (k, (x, y)) in e.iter().zip(a).enumerate() {
                compare(x, y, rel, abs, &format!("{path}[{k}]"), errors);
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            // Whether a field is an integer or a real is decided by how its literal is written.
            let (e_real, a_real) = (e.is_f64(), a.is_f64());
            if e_real != a_real {
                errors.push(format!("{at}: expected {} {e}, got {} {a}", kind(e_real), kind(a_real)));
            } else if !e_real {
                if e != a {
                    errors.push(format!("{at}: expected {e}, got {a}"));
                }
            } else {
                let (x, y) = (e.as_f64().unwrap(), a.as_f64().unwrap());
                // Written so that a NaN actual fails.
                let within = (y - x).abs() <= abs + rel * x.abs();
                if !within {
                    errors.push(format!("{at}: expected {x:e}, got {y:e} (tolerance rel {rel:e}, abs {abs:e})"));
                }
            }
        }
        (Value::Bool(_), Value::Bool(_)) | (Value::String(_), Value::String(_)) | (Value::Null, Value::Null) => {
            if expected != actual {
                errors.push(format!("{at}: expected {expected}, got {actual}"));
            }
        }
        _ => errors.push(format!("{at}: expected {expected}, got {actual}")),
    }
}

fn compare_objects(
    e: &Map<String, Value>,
    a: &Map<String, Value>,
    rel: f64,
    abs: f64,
    path: &str,
    errors: &mut Vec<String>,
) {
    let at = if path.is_empty() { "(root)" } else { path };
    for key in e.keys().filter(|k| !a.contains_key(*k)) {
        errors.push(format!("{at}: missing key {key}"));
    }
    for key in a.keys().filter(|k| !e.contains_key(*k)) {
        errors.push(format!("{at}: extra key {key}"));
    }
    for (key, x) in e {
        if let Some(y) = a.get(key) {
            let sub = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            compare(x, y, rel, abs, &sub, errors);
        }
    }
}

fn kind(real: bool) -> &'static str {
    if real {
        "real"
    } else {
        "integer"
    }
}
