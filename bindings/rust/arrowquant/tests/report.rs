//! Reports through the safe crate: baseline metrics from a quantization report, the HTML page, and errors.
use arrowquant::{baseline_metrics, html_report, quantize_model, write_demo_model, Config, Status};

fn scratch(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("aq-rust-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn baseline_and_html_from_a_quantization_report() {
    let d = scratch("report");
    write_demo_model(d.join("demo.safetensors"), 3).unwrap();
    let cfg = Config::from_json(r#"{"bit_width": 2, "num_time_groups": 4}"#).unwrap();
    let rep = quantize_model(d.join("demo.safetensors"), d.join("q.safetensors"), Some(&cfg), None).unwrap();
    let base = baseline_metrics(rep.json().unwrap(), Some("demo")).unwrap();
    let v: serde_json::Value = serde_json::from_str(base.json().unwrap()).unwrap();
    assert_eq!(v["model_name"], "demo");
    assert_eq!(v["bit_width"], 2);
    let html = html_report(Some(rep.json().unwrap()), Some(base.json().unwrap()), None, Some("t")).unwrap();
    assert!(html.json().unwrap().contains("<svg"));
    let e = baseline_metrics("{}", None).unwrap_err();
    assert!(matches!(e.status(), Status::Format | Status::InvalidArgument), "{e}");
    std::fs::remove_dir_all(&d).unwrap();
}
