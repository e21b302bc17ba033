//! The time-aware API through the safe layer: configuration, statistics, the three phases and the layer entry
//! point, checked against each other and against the properties the C ABI documents.
use arrowquant::timeaware::*;
use arrowquant::Status;

fn ramp_stats(t: usize) -> CalibStats {
    // Activation ranges that widen with the timestep, as in a denoising trajectory.
    let min: Vec<f32> = (0..t).map(|i| -1.0 - i as f32 * 0.05).collect();
    let max: Vec<f32> = (0..t).map(|i| 1.0 + i as f32 * 0.08).collect();
    let mean = vec![0.0f32; t];
    let std: Vec<f32> = (0..t).map(|i| 0.5 + i as f32 * 0.01).collect();
    CalibStats::new(&min, &max, &mean, &std).unwrap()
}

#[test]
fn enum_names_round_trip_through_the_library() {
    for m in [Interpolation::Linear, Interpolation::Cubic, Interpolation::Sigmoid] {
        assert_eq!(m.name().parse::<Interpolation>().unwrap(), m);
    }
    for k in [BetaSchedule::Linear, BetaSchedule::Cosine] {
        assert_eq!(k.to_string().parse::<BetaSchedule>().unwrap(), k);
    }
    assert_eq!(Severity::High.name(), "high");
    assert_eq!("medium".parse::<Severity>().unwrap(), Severity::Medium);
}

#[test]
fn config_keys_set_get_and_reject_out_of_range_values_unchanged() {
    let mut c = TimeAwareConfig::new().unwrap();
    c.set_number("num_time_groups", 7.0).unwrap();
    assert_eq!(c.get_number("num_time_groups").unwrap(), 7.0);
    c.set_string("thermodynamic.boundary_smoothing.interpolation", "cubic").unwrap();
    assert_eq!(c.get_string("thermodynamic.boundary_smoothing.interpolation").unwrap(), "cubic");
    let e = c.set_number("thermodynamic.boundary_smoothing.window_size", 21.0).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("window_size"), "{e}");
    c.set_json(r#"{"thermodynamic": {"transition_optimization": {"max_iterations": 5}}}"#).unwrap();
    assert_eq!(c.get_number("thermodynamic.transition_optimization.max_iterations").unwrap(), 5.0);
    assert_eq!(c.get_number("num_time_groups").unwrap(), 7.0);
}

#[test]
fn group_timesteps_matches_group_count_and_params_cover_the_groups() {
    let b = group_timesteps(100, 8).unwrap();
    assert_eq!(b.len() as u64, group_count(100, 8).unwrap() + 1);
    assert_eq!((b[0], *b.last().unwrap()), (0, 100));
    let stats = ramp_stats(100);
    assert_eq!(stats.num_timesteps(), 100);
    assert_eq!(stats.source(), "recorded");
    let p = TgParams::from_stats(&stats, 8, 8).unwrap();
    let v = p.to_vec().unwrap();
    assert_eq!(v.len(), 8);
    for (g, param) in v.iter().enumerate() {
        assert_eq!((param.start, param.end), (b[g], b[g + 1]));
        // scale = (max - min)/255 over the group, in binary32.
        let lo = (b[g]..b[g + 1]).map(|t| stats.get(t).unwrap().min).fold(f32::INFINITY, f32::min);
        let hi = (b[g]..b[g + 1]).map(|t| stats.get(t).unwrap().max).fold(f32::NEG_INFINITY, f32::max);
        assert_eq!(param.scale, (hi - lo) / 255.0);
    }
    assert_eq!(p.scales().unwrap(), v.iter().map(|x| x.scale).collect::<Vec<_>>());
    let table = p.table().unwrap();
    assert_eq!(table.len(), 8 * 4);
    assert_eq!(table[4 * 3 + 2], v[3].scale);
}

#[test]
fn recorded_samples_are_kept_per_timestep() {
    let mut stats = ramp_stats(4);
    stats.set_samples(2, &[0.5, -0.25, 0.75]).unwrap();
    assert_eq!(stats.samples(2).unwrap(), &[0.5, -0.25, 0.75]);
    assert!(stats.samples(1).unwrap().is_empty());
    assert_eq!(stats.get(2).unwrap().sample_count, 3);
    let e = stats.set_samples(9, &[1.0]).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
}

#[test]
fn markov_report_views_agree_with_the_violation_list() {
    let r = markov_validate(&[1.0, 1.1, 2.0, 2.1], &[128.0, 128.0, 100.0, 100.0], 0.3).unwrap();
    assert!(!r.is_valid().unwrap());
    assert_eq!(r.boundary_scores().unwrap().len(), 3);
    let jumps = r.scale_jumps().unwrap();
    let v = r.violations().unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].boundary_idx, 1);
    assert_eq!(v[0].scale_jump, jumps[1]);
    assert_eq!(v[0].severity, Severity::High);
    assert_eq!(r.max_scale_jump().unwrap(), jumps.iter().cloned().fold(0.0, f32::max));
    let baseline = r.baseline().unwrap();
    let patterns = baseline.patterns().unwrap();
    assert!(patterns.iter().any(|p| p.starts_with("High severity violations: 1")), "{patterns:?}");
    let s = baseline.stats().unwrap();
    assert!(s.min_boundary_score <= s.mean_boundary_score && s.mean_boundary_score <= s.max_boundary_score);
}

#[test]
fn smoothing_outputs_stay_within_the_input_range() {
    let values = [1.0, 1.0, 4.0, 4.0, 2.0, 8.0];
    for m in [Interpolation::Linear, Interpolation::Cubic, Interpolation::Sigmoid] {
        for w in [1, 2, 5, 20] {
            let out = smooth_boundaries(&values, w, m).unwrap();
            assert_eq!(out.len(), values.len());
            assert!(out.iter().all(|v| (1.0..=8.0).contains(v)), "{m} w={w}: {out:?}");
        }
    }
}

#[test]
fn transition_computer_caches_by_content_and_matches_the_plain_function() {
    let mut tc = TransitionComputer::new(BetaSchedule::Linear, 100, 1e-4, 0.02, 2).unwrap();
    let a = [0.1f32, 0.2, 0.3];
    let b = [0.1f32, 0.2, 0.30001];
    let ta = tc.compute(&a, 10).unwrap();
    assert_eq!(ta, transition(&a, BetaSchedule::Linear, 100, 1e-4, 0.02, 10).unwrap());
    assert_eq!(tc.compute(&a, 10).unwrap(), ta);
    let tb = tc.compute(&b, 10).unwrap();
    assert_ne!(ta, tb, "different content must not hit the cache");
    let s = tc.stats().unwrap();
    assert_eq!((s.hits, s.misses, s.size, s.capacity), (1, 2, 2, 2));
    assert!((s.hit_rate - 1.0 / 3.0).abs() < 1e-12);
    tc.clear().unwrap();
    assert_eq!(tc.stats().unwrap().size, 0);
    let betas = beta_schedule(BetaSchedule::Linear, 100, 1e-4, 0.02).unwrap();
    assert_eq!(betas.len(), 100);
}

#[test]
fn losses_compose_into_the_total_loss() {
    let o = [1.0f32, 2.0, 3.0, 4.0];
    let q = [1.1f32, 2.1, 2.9, 3.9];
    let ot = [Transition { mean: 0.0, std: 1.0 }];
    let qt = [Transition { mean: 0.05, std: 1.05 }];
    let mse = quantization_loss(&o, &q).unwrap();
    let markov = markov_constraint_loss(&ot, &qt).unwrap();
    assert_eq!(markov, gaussian_kl(0.0, 1.0, 0.05, 1.05).unwrap());
    let e = entropy_regularization(&q).unwrap();
    assert!(e <= 0.0);
    assert_eq!(total_loss(&o, &q, &ot, &qt, 0.1, 0.0).unwrap(), mse + 0.1 * markov);
    assert_eq!(total_loss(&o, &q, &ot, &qt, 0.1, 0.05).unwrap(), (mse + 0.1 * markov) + 0.05 * e);
    assert!(cosine_similarity(&o, &q).unwrap() > 0.99);
    let r = affine_u8(&[0.5, 1.5, 300.0], 1.0, 0.0).unwrap();
    assert_eq!(r.codes, vec![1, 2, 255]);
    assert_eq!(r.dequantized, vec![1.0, 2.0, 255.0]);
    let e = quantization_loss(&o, &q[..3]).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
}

#[test]
fn optimization_never_ends_worse_than_it_started() {
    let mut cfg = TimeAwareConfig::from_json(r#"{"num_timesteps": 40, "num_time_groups": 4}"#).unwrap();
    cfg.set_string("thermodynamic.transition_optimization.optimizer", "gradient").unwrap();
    cfg.set_number("thermodynamic.transition_optimization.max_iterations", 10.0).unwrap();
    let stats = CalibStats::data_free(&cfg, 3).unwrap();
    assert_eq!(stats.source(), "data-free");
    let initial = TgParams::from_stats(&stats, 4, 8).unwrap();
    let opt = optimize_params(&initial, &stats, &cfg, 3).unwrap();
    let s = opt.summary().unwrap();
    let h = opt.loss_history().unwrap();
    assert!(!h.is_empty() && h.len() as u64 == s.iterations, "{s:?} {h:?}");
    assert!(s.final_loss <= s.initial_loss, "{s:?}");
    assert_eq!(h.iter().cloned().fold(f32::INFINITY, f32::min), s.final_loss);
    assert_eq!(opt.params().unwrap().len(), 4);
    let (hits, misses) = opt.cache_stats().unwrap();
    assert!(hits + misses > 0);
    // Deterministic: the same call gives the same bytes.
    let again = optimize_params(&initial, &stats, &cfg, 3).unwrap();
    assert_eq!(again.params().unwrap().to_vec().unwrap(), opt.params().unwrap().to_vec().unwrap());
}

#[test]
fn chain_solver_meets_the_smoothness_target_and_reports_its_price() {
    let cfg = TimeAwareConfig::from_json(
        r#"{"num_timesteps": 40, "num_time_groups": 4, "thermodynamic": {"transition_optimization": {"target_smoothness": 0.99}}}"#,
    )
    .unwrap();
    let stats = ramp_stats(40);
    let initial = TgParams::from_stats(&stats, 4, 8).unwrap();
    let opt = optimize_params(&initial, &stats, &cfg, 3).unwrap();
    assert_eq!(opt.optimizer().unwrap(), "chain");
    let s = opt.summary().unwrap();
    assert!(s.converged, "{s:?}");
    assert_eq!(opt.loss_history().unwrap().len() as u64, s.iterations);
    let c = opt.chain().unwrap();
    assert_eq!(c.candidates, 64);
    let (mse, free) = opt.price().unwrap();
    assert!(mse >= free && free > 0.0, "{mse} {free}");
    assert_eq!(opt.unconstrained_params().unwrap().len(), 4);
    let p = opt.params().unwrap();
    let report = markov_validate(p.scales().unwrap(), p.zero_points().unwrap(), 0.3).unwrap();
    assert!(report.smoothness_score().unwrap() >= 0.99);
    assert_eq!(report.violation_count(), 0);
}

#[test]
fn layer_entry_point_runs_the_enabled_phases_only() {
    let cfg = TimeAwareConfig::from_json(r#"{"num_timesteps": 30, "num_time_groups": 3}"#).unwrap();
    let stats = ramp_stats(30);
    let plain = timeaware_layer(&stats, &cfg, 1).unwrap();
    assert!(plain.stage_ran(Stage::Initial));
    assert!(!plain.stage_ran(Stage::Smoothed) && !plain.stage_ran(Stage::Optimized));
    assert!(plain.stage_params(Stage::Optimized).unwrap().is_none());
    assert!(plain.optimization().unwrap().is_none());
    assert_eq!(plain.calibration_source(), "recorded");

    let all = TimeAwareConfig::from_json(
        r#"{"num_timesteps": 30, "num_time_groups": 3, "thermodynamic": {
              "boundary_smoothing": {"enabled": true},
              "transition_optimization": {"enabled": true, "max_iterations": 5}}}"#,
    )
    .unwrap();
    let full = timeaware_layer(&stats, &all, 1).unwrap();
    for s in Stage::ALL {
        assert!(full.stage_ran(s), "{s:?}");
        assert!(full.stage_report(s).unwrap().is_some(), "{s:?}");
    }
    let opt = full.optimization().unwrap().expect("phase 3 ran");
    assert_eq!(opt.params().unwrap().to_vec().unwrap(), full.params().unwrap().to_vec().unwrap());
    let loss = full.stage_loss(Stage::Optimized).unwrap().expect("schedule defined");
    assert!(loss.total.is_finite());
    let t = full.timings().unwrap();
    assert!(t.optimize >= 0.0 && t.smooth >= 0.0);
}
