//! The runtime side of the time-aware parameters through the safe layer: a 20-step sampler reads parameters
//! recorded with 200 steps, slices in/out activation quantization equal to affine_u8, errors.
use std::path::PathBuf;

use arrowquant::activation::{
    fake_quantize_activations, fake_quantize_activations_in_place, integer_zero_point, quantize_activations,
    timestep_index,
};
use arrowquant::timeaware::affine_u8;
use arrowquant::{quantize_model, Config, Model, Status};

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn range_at(t: f64) -> f32 {
    (0.5 + 3.0 * t) as f32
}

#[test]
fn twenty_step_sampler_reads_parameters_recorded_with_200_steps() {
    let dir = scratch("activation_lookup");
    // One weight, 64 x 64.
    let w: Vec<f32> = (0..64 * 64).map(|i| ((i * 37 % 101) as f32 - 50.0) / 1000.0).collect();
    let header = r#"{"to_q.weight":{"dtype":"F32","shape":[64,64],"data_offsets":[0,16384]}}"#;
    let mut header = header.to_string();
    while header.len() % 8 != 0 {
        header.push(' ');
    }
    let mut file = (header.len() as u64).to_le_bytes().to_vec();
    file.extend_from_slice(header.as_bytes());
    for x in &w {
        file.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(dir.join("in.safetensors"), file).unwrap();
    // The recorder: 200 sampler steps from t = 1 to t = 0, each filed under timestep_index(t, 0, 1, 200).
    let t_count = 200u64;
    let (mut mn, mut mx, mut sd) = (vec![0f32; 200], vec![0f32; 200], vec![0f32; 200]);
    for j in 0..t_count {
        let t = 1.0 - j as f64 / (t_count - 1) as f64;
        let i = timestep_index(t, 0.0, 1.0, t_count).unwrap() as usize;
        mn[i] = -range_at(t);
        mx[i] = range_at(t);
        sd[i] = range_at(t) / 3.0;
    }
    let list = |v: &[f32]| v.iter().map(|x| format!("{x:?}")).collect::<Vec<_>>().join(",");
    let calib = format!(
        r#"{{"format":"arrowquant-calibration/1","num_timesteps":200,"layers":{{"to_q":{{"min":[{}],"max":[{}],"mean":[{}],"std":[{}]}}}}}}"#,
        list(&mn),
        list(&mx),
        list(&vec![0f32; 200]),
        list(&sd)
    );
    std::fs::write(dir.join("calib.json"), calib).unwrap();
    let config = Config::from_json(&format!(
        r#"{{"calibration_file":"{}","group_size":64,"num_time_groups":10}}"#,
        dir.join("calib.json").display()
    ))
    .unwrap();
    quantize_model(dir.join("in.safetensors"), dir.join("out.safetensors"), Some(&config), None).unwrap();

    let m = Model::open(dir.join("out.safetensors")).unwrap();
    let info = m.activation_info("to_q.weight").unwrap();
    assert_eq!((info.num_timesteps, info.num_groups, info.bits, info.synthetic), (200, 10, 8, false));
    for k in 0..20 {
        let t = 1.0 - k as f64 / 19.0;
        let i = timestep_index(t, 0.0, 1.0, info.num_timesteps).unwrap();
        let p = m.activation_params("to_q.weight", i).unwrap();
        assert!((p.scale * 255.0 / 2.0 - range_at(t)).abs() <= 3.0 * 21.0 / 199.0, "t {t}: scale {}", p.scale);
        let g = m.activation_group("to_q.weight", i / 20).unwrap();
        assert!(g.start <= i && i < g.end);
        assert_eq!(g.scale, p.scale);
    }
    assert!(m.activation_json("to_q.weight").unwrap().contains("\"module\":\"to_q\""));
    let e = m.activation_params("to_q.weight", 200).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.to_string().contains("to_q.weight"));
}

#[test]
fn activation_kernels_equal_affine_u8_and_reject_bad_input() {
    let x: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) * 0.0131).collect();
    let reference = affine_u8(&x, 0.02, 128.0).unwrap();
    let mut codes = vec![0u8; x.len()];
    quantize_activations(&x, 0.02, 128.0, 8, &mut codes).unwrap();
    assert_eq!(codes, reference.codes);
    let mut y = vec![0f32; x.len()];
    fake_quantize_activations(&x, 0.02, 128.0, 8, &mut y).unwrap();
    assert_eq!(y, reference.dequantized);
    let mut inplace = x.clone();
    fake_quantize_activations_in_place(&mut inplace, 0.02, 128.0, 8).unwrap();
    assert_eq!(inplace, y);

    let mut bad = x.clone();
    bad[3] = f32::NAN;
    assert_eq!(quantize_activations(&bad, 0.02, 128.0, 8, &mut codes).unwrap_err().status(), Status::InvalidArgument);
    assert_eq!(quantize_activations(&x, 0.02, 128.0, 12, &mut codes).unwrap_err().status(), Status::Unsupported);
    assert_eq!(
        quantize_activations(&x, 0.02, 128.0, 8, &mut codes[..10]).unwrap_err().status(),
        Status::InvalidArgument
    );
    assert_eq!(timestep_index(2.0, 0.0, 1.0, 10).unwrap_err().status(), Status::InvalidArgument);
    assert_eq!(integer_zero_point(2.5, 8).unwrap(), 2);
    assert_eq!(integer_zero_point(-4.0, 8).unwrap(), 0);
}
