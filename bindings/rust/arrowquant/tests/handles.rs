//! Handle lifetime: handles free themselves on drop, views borrow their handle, owned handles move between
//! threads. (That views cannot outlive their handle and that handles are not Sync is checked at compile time by
//! the compile_fail doc tests in src/lib.rs.)
use arrowquant::timeaware::{timeaware_layer, CalibStats, Stage, TgParams, TimeAwareConfig};
use arrowquant::{quantize, QuantizeOptions, Quantized};

fn assert_send<T: Send>() {}

#[test]
fn owned_handles_are_send() {
    assert_send::<Quantized>();
    assert_send::<arrowquant::Model>();
    assert_send::<arrowquant::Report>();
    assert_send::<arrowquant::Config>();
    assert_send::<TgParams>();
    assert_send::<CalibStats>();
    assert_send::<TimeAwareConfig>();
    assert_send::<arrowquant::timeaware::LayerResult>();
}

#[test]
fn a_handle_moved_to_another_thread_keeps_working() {
    let w: Vec<f32> = (0..512).map(|i| (i as f32).sin()).collect();
    let q = quantize(&w, 2, 256, &QuantizeOptions::bits(8)).unwrap();
    let codes_here = q.codes().unwrap().to_vec();
    let (codes_there, back) =
        std::thread::spawn(move || (q.codes().unwrap().to_vec(), q.dequantize().unwrap())).join().unwrap();
    assert_eq!(codes_here, codes_there);
    assert_eq!(back.len(), 512);
}

#[test]
fn independent_handles_work_in_parallel_and_give_identical_results() {
    let w: Vec<f32> = (0..4096).map(|i| ((i * 7919) % 1000) as f32 / 500.0 - 1.0).collect();
    let reference = quantize(&w, 16, 256, &QuantizeOptions::bits(4)).unwrap().codes().unwrap().to_vec();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..20 {
                    let q = quantize(&w, 16, 256, &QuantizeOptions::bits(4)).unwrap();
                    assert_eq!(q.codes().unwrap(), &reference[..]);
                }
            });
        }
    });
}

#[test]
fn many_create_drop_cycles_of_every_handle_kind() {
    // Each iteration creates and drops one handle of each kind; a double free or a use after free would crash
    // (and does under the sanitizer build of the library).
    let cfg = TimeAwareConfig::from_json(r#"{"num_timesteps": 20, "num_time_groups": 4}"#).unwrap();
    for i in 0..200 {
        let w = vec![i as f32 * 0.01; 64];
        let q = quantize(&w, 1, 64, &QuantizeOptions { group_size: 64, ..Default::default() }).unwrap();
        drop(q);
        let stats = CalibStats::data_free(&cfg, i).unwrap();
        let layer = timeaware_layer(&stats, &cfg, i).unwrap();
        let p = layer.params().unwrap();
        assert_eq!(p.len(), 4);
        let report = layer.stage_report(Stage::Initial).unwrap().expect("validation is on by default");
        let _ = report.boundary_scores().unwrap();
        drop(layer);
        drop(stats);
    }
}

#[test]
fn views_of_a_parent_are_equal_to_owned_copies() {
    let mut cfg = TimeAwareConfig::from_json(r#"{"num_timesteps": 50, "num_time_groups": 5}"#).unwrap();
    cfg.set_bool("thermodynamic.boundary_smoothing.enabled", true).unwrap();
    let stats = CalibStats::data_free(&cfg, 7).unwrap();
    let layer = timeaware_layer(&stats, &cfg, 7).unwrap();
    let smoothed = layer.stage_params(Stage::Smoothed).unwrap().expect("smoothing enabled");
    let initial = layer.stage_params(Stage::Initial).unwrap().unwrap();
    let resmoothed = initial
        .smooth(
            cfg.get_number("thermodynamic.boundary_smoothing.window_size").unwrap() as i32,
            cfg.get_string("thermodynamic.boundary_smoothing.interpolation").unwrap().parse().unwrap(),
        )
        .unwrap();
    assert_eq!(smoothed.to_vec().unwrap(), resmoothed.to_vec().unwrap());
    assert_eq!(layer.params().unwrap().scales().unwrap(), smoothed.scales().unwrap());
}
