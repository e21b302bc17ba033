//! The model pipeline through the safe layer: configuration, quantize_model with progress and cancellation,
//! reading models back, compare and export. The input model is a small safetensors file written here.
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use arrowquant::{compare_models, config_keys, export_dequantized, quantize_model, Config, DType, Model, Status};

/// A scratch directory under the cargo target dir, fresh for each test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn values(n: usize, seed: u32) -> Vec<f32> {
    (0..n)
        .map(|i| (((i as u32).wrapping_mul(2654435761).wrapping_add(seed) >> 8) % 2001) as f32 / 1000.0 - 1.0)
        .collect()
}

/// Writes a safetensors file of F32 tensors (8-byte length, JSON header padded to 8 bytes, data).
fn write_safetensors(path: &Path, tensors: &[(&str, Vec<u64>, Vec<f32>)]) {
    let mut header = String::from("{\"__metadata__\":{\"format\":\"pt\"}");
    let mut data = Vec::new();
    for (name, shape, v) in tensors {
        assert_eq!(shape.iter().product::<u64>() as usize, v.len());
        let start = data.len();
        for x in v {
            data.extend_from_slice(&x.to_le_bytes());
        }
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        header += &format!(
            ",\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{}],\"data_offsets\":[{start},{}]}}",
            dims.join(","),
            data.len()
        );
    }
    header.push('}');
    while header.len() % 8 != 0 {
        header.push(' ');
    }
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(header.as_bytes());
    file.extend_from_slice(&data);
    std::fs::write(path, file).unwrap();
}

fn small_model(dir: &Path) -> (PathBuf, Vec<f32>) {
    let qkv = values(64 * 256, 1);
    let path = dir.join("model.safetensors");
    write_safetensors(
        &path,
        &[
            ("blocks.0.attn.qkv.weight", vec![64, 256], qkv.clone()),
            ("blocks.0.mlp.fc1.weight", vec![128, 256], values(128 * 256, 2)),
            ("blocks.0.norm1.weight", vec![256], values(256, 3)),
        ],
    );
    (path, qkv)
}

#[test]
fn configuration_layers_record_their_sources() {
    let keys = config_keys();
    assert!(keys.contains(&"bit_width"), "{keys:?}");
    let mut c = Config::from_profile("edge").unwrap();
    assert_eq!(c.get("bit_width").unwrap(), "2");
    assert_eq!(c.source("bit_width").unwrap(), "profile:edge");
    c.set("bit_width", "8").unwrap();
    assert_eq!(c.get("bit_width").unwrap(), "8");
    assert_eq!(c.source("bit_width").unwrap(), "cli");
    let copy = c.try_clone().unwrap();
    c.unset("bit_width").unwrap();
    assert_eq!(c.get("bit_width").unwrap(), "2");
    assert_eq!(copy.get("bit_width").unwrap(), "8");
    let json: serde_json::Value = serde_json::from_str(copy.to_json().unwrap()).unwrap();
    assert_eq!(json["bit_width"], 8);
    let sources: serde_json::Value = serde_json::from_str(copy.sources_json().unwrap()).unwrap();
    let schema: serde_json::Value = serde_json::from_str(arrowquant::config_schema_json().unwrap()).unwrap();
    assert_eq!(schema[0]["key"], "bit_width");
    assert_eq!(copy.warnings_json().unwrap(), "[]");
    assert_eq!(sources["bit_width"], "cli");
    copy.validate().unwrap();
    let e = Config::from_profile("tiny").unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
}

#[test]
fn quantize_model_reports_progress_and_the_result_reads_back() {
    let dir = scratch("pipeline_progress");
    let (input, qkv) = small_model(&dir);
    let output = dir.join("model.aq.safetensors");
    let config = Config::from_json(r#"{"bit_width": 8}"#).unwrap();
    let mut calls = Vec::new();
    let report = quantize_model(
        &input,
        &output,
        Some(&config),
        Some(&mut |p| {
            calls.push(p);
            ControlFlow::Continue(())
        }),
    )
    .unwrap();
    assert!(!calls.is_empty());
    let last = calls.last().unwrap();
    assert_eq!(last.tensors_done, last.tensors_total);
    assert!(calls.windows(2).all(|w| w[0].tensors_done <= w[1].tensors_done), "{calls:?}");
    let _: serde_json::Value = serde_json::from_str(report.json().unwrap()).expect("report is JSON");

    let model = Model::open(&output).unwrap();
    let names = model.tensor_names().unwrap();
    assert_eq!(names, ["blocks.0.attn.qkv.weight", "blocks.0.mlp.fc1.weight", "blocks.0.norm1.weight"]);
    let info: serde_json::Value = serde_json::from_str(model.tensor_info("blocks.0.attn.qkv.weight").unwrap()).unwrap();
    assert_eq!(info["quantized"], true, "{info}");
    assert_eq!(info["bits"], 8, "{info}");
    let _: serde_json::Value = serde_json::from_str(model.info().unwrap()).unwrap();
    assert_eq!(model.tensor_elements("blocks.0.attn.qkv.weight").unwrap(), 64 * 256);
    let back = model.read_tensor("blocks.0.attn.qkv.weight").unwrap();
    let max_err = qkv.iter().zip(&back).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
    assert!(max_err < 2.0 / 255.0, "8-bit error {max_err}");
    let mut h = vec![0u16; 256];
    model.read_tensor_u16("blocks.0.norm1.weight", DType::BF16, &mut h).unwrap();
    let e = model.read_tensor("no.such.tensor").unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("no.such.tensor"), "{e}");

    let cmp = compare_models(&input, &output).unwrap();
    let _: serde_json::Value = serde_json::from_str(cmp.json().unwrap()).unwrap();
    let plain = dir.join("dequantized.safetensors");
    export_dequantized(&output, &plain, DType::F32).unwrap();
    let exported = Model::open(&plain).unwrap();
    assert_eq!(exported.read_tensor("blocks.0.attn.qkv.weight").unwrap(), back);
}

#[test]
fn progress_callback_can_cancel_and_nothing_is_left_behind() {
    let dir = scratch("pipeline_cancel");
    let (input, _) = small_model(&dir);
    let output = dir.join("cancelled.safetensors");
    let mut seen = 0;
    let e = quantize_model(
        &input,
        &output,
        None,
        Some(&mut |_| {
            seen += 1;
            ControlFlow::Break(())
        }),
    )
    .unwrap_err();
    assert_eq!(e.status(), Status::Cancelled, "{e}");
    assert_eq!(seen, 1, "no callback after cancelling");
    assert!(!output.exists(), "a cancelled call left {}", output.display());
}

#[test]
fn a_panic_in_the_callback_cancels_the_call_and_resumes_after_it() {
    let dir = scratch("pipeline_panic");
    let (input, _) = small_model(&dir);
    let output = dir.join("panicked.safetensors");
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        quantize_model(&input, &output, None, Some(&mut |_| panic!("callback failed")))
    }));
    let payload = r.expect_err("the panic must reach the caller");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"callback failed"));
    assert!(!output.exists());
}

#[test]
fn quantize_model_without_callback_or_config_uses_the_defaults() {
    let dir = scratch("pipeline_defaults");
    let (input, _) = small_model(&dir);
    let output = dir.join("out.safetensors");
    quantize_model(&input, &output, None, None).unwrap();
    let model = Model::open(&output).unwrap();
    let info: serde_json::Value = serde_json::from_str(model.tensor_info("blocks.0.mlp.fc1.weight").unwrap()).unwrap();
    assert_eq!(info["bits"], 4, "the local profile quantizes to 4 bits: {info}");
}

fn quality_failure(dir: &Path) -> (arrowquant::Error, PathBuf) {
    let (input, _) = small_model(dir);
    let output = dir.join("out.safetensors");
    let config = Config::from_json(r#"{"bit_width": 2, "min_accuracy": 0.9999, "fail_fast": true}"#).unwrap();
    (quantize_model(&input, &output, Some(&config), None).unwrap_err(), output)
}

#[test]
fn layer_below_min_accuracy_with_fail_fast_is_a_quality_error() {
    let (e, output) = quality_failure(&scratch("pipeline_quality"));
    assert_eq!(e.status(), Status::Quality, "{e}");
    assert!(!output.exists());
}

/// arrowquant.h: "*report receives the quality report ..., also on AQ_ERR_QUALITY" (the partial report names the
/// failing layer).
#[test]
fn quality_failure_carries_the_report_in_the_error() {
    let (e, _) = quality_failure(&scratch("pipeline_quality_report"));
    assert_eq!(e.status(), Status::Quality, "{e}");
    let report: serde_json::Value = serde_json::from_str(e.report_json().expect("report attached")).unwrap();
    assert!(report.is_object());
}

#[test]
fn staged_progress_sees_every_stage_in_order_and_can_cancel_the_write() {
    use arrowquant::{quantize_model_staged, RunStage};
    let dir = scratch("pipeline_staged");
    let (input, _) = small_model(&dir);
    let output = dir.join("staged.safetensors");
    let mut stages: Vec<RunStage> = Vec::new();
    let mut named_items = 0;
    quantize_model_staged(&input, &output, None, &mut |p| {
        if stages.last() != Some(&p.stage) {
            assert_eq!((p.done, p.item), (0, ""), "a stage starts with done 0 and no item");
            stages.push(p.stage);
        } else if p.done > 0 && !p.item.is_empty() {
            named_items += 1;
        }
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(stages, vec![RunStage::Quantize, RunStage::TimeAware, RunStage::Write]);
    assert!(named_items > 0);

    let cancelled = dir.join("staged-cancelled.safetensors");
    let e = quantize_model_staged(&input, &cancelled, None, &mut |p| {
        if p.stage == RunStage::Write && p.done == 1 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap_err();
    assert_eq!(e.status(), Status::Cancelled, "{e}");
    assert!(!cancelled.exists());
}
