//! Round trip of the tensor API: quantize slices, read codes/params views and statistics, dequantize into slices.
use arrowquant::{quantize, quantize_u16, DType, Format, Mode, QuantizeOptions};

/// Deterministic pseudo-random weights in [-1, 1) (a fixed LCG, so the test needs no crate).
fn weights(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

#[test]
fn four_bit_round_trip_stays_within_half_a_step_of_each_group() {
    let (rows, cols, group) = (8usize, 512usize, 128usize);
    let w = weights(rows * cols, 1);
    let q = quantize(&w, rows as u64, cols as u64, &QuantizeOptions::bits(4)).unwrap();
    assert_eq!(q.shape().unwrap(), (rows as u64, cols as u64));
    let back = q.dequantize().unwrap();
    assert_eq!(back.len(), w.len());

    let mut max_err = 0f64;
    for (g, (orig, deq)) in w.chunks(group).zip(back.chunks(group)).enumerate() {
        let lo = orig.iter().cloned().fold(f32::INFINITY, f32::min);
        let hi = orig.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
        let half_step = (hi - lo) as f64 / 15.0 / 2.0;
        for (a, b) in orig.iter().zip(deq) {
            let e = (*a as f64 - *b as f64).abs();
            // fp16 parameters add a little rounding on top of half a step.
            assert!(e <= half_step * 1.01 + 1e-6, "group {g}: |{a} - {b}| = {e} > half step {half_step}");
            max_err = max_err.max(e);
        }
    }
    let stats = q.error_stats().unwrap();
    assert!((stats.max_abs_error - max_err).abs() <= 1e-6, "{stats:?} vs measured {max_err}");
    let sse: f64 = w.iter().zip(&back).map(|(a, b)| (*a as f64 - *b as f64).powi(2)).sum();
    assert!((stats.sse - sse).abs() <= 1e-6 * sse.max(1.0), "sse {} vs {}", stats.sse, sse);
    assert!(stats.cosine > 0.99 && stats.cosine <= 1.0, "{stats:?}");
    assert!(stats.sqnr_db > 15.0, "{stats:?}");
}

#[test]
fn bits_per_weight_counts_the_codes_and_params_views() {
    let (rows, cols) = (4u64, 256u64);
    let w = weights((rows * cols) as usize, 2);
    for bits in [2, 4, 8] {
        let q = quantize(&w, rows, cols, &QuantizeOptions { bits, group_size: 64, ..Default::default() }).unwrap();
        let codes = q.codes().unwrap();
        let params = q.params().unwrap();
        assert_eq!(codes.len() as u64, rows * cols * bits as u64 / 8, "{bits}-bit codes");
        let expected = 8.0 * (codes.len() + params.len()) as f64 / (rows * cols) as f64;
        assert_eq!(q.bits_per_weight(), expected);
        // One fp16 (scale, offset) pair per group of 64 in the flat format.
        assert_eq!(expected, bits as f64 + 32.0 / 64.0, "{bits} bits");
    }
}

#[test]
fn info_reports_the_format_auto_chose() {
    let w = weights(2 * 256, 3);
    let rtn = quantize(&w, 2, 256, &QuantizeOptions::bits(4)).unwrap();
    let i = rtn.info().unwrap();
    assert_eq!((i.bits, i.group_size, i.mode, i.format), (4, 128, Mode::Rtn, Format::Flat));
    let search =
        quantize(&w, 2, 256, &QuantizeOptions { bits: 2, group_size: 32, mode: Mode::Search, format: Format::Auto })
            .unwrap();
    let i = search.info().unwrap();
    assert_eq!((i.bits, i.group_size, i.mode, i.format), (2, 32, Mode::Search, Format::Hierarchical));
    assert!(!i.params_f32);
}

#[test]
fn f16_input_and_output_agree_with_the_f32_path() {
    // Values exactly representable in f16, so both inputs describe the same tensor.
    let w: Vec<f32> = (0..256).map(|i| (i as f32 - 128.0) / 64.0).collect();
    let bits: Vec<u16> = w.iter().map(|v| f32_to_f16_exact(*v)).collect();
    let opts = QuantizeOptions::bits(8);
    let a = quantize(&w, 1, 256, &opts).unwrap();
    let b = quantize_u16(&bits, DType::F16, 1, 256, &opts).unwrap();
    assert_eq!(a.codes().unwrap(), b.codes().unwrap());
    assert_eq!(a.params().unwrap(), b.params().unwrap());
    let mut h = vec![0u16; 256];
    a.dequantize_u16(DType::F16, &mut h).unwrap();
    let back = a.dequantize().unwrap();
    for (x, y) in h.iter().zip(&back) {
        assert!((f16_to_f32(*x) - y).abs() <= y.abs() * 1e-3 + 1e-4, "{} vs {y}", f16_to_f32(*x));
    }
    assert_eq!(DType::F16.size(), 2);
    assert_eq!(DType::F32.size(), 4);
}

#[test]
fn dequantize_into_a_caller_slice_equals_the_allocating_call() {
    let w = weights(3 * 128, 4);
    let q = quantize(&w, 3, 128, &QuantizeOptions::default()).unwrap();
    let mut dst = vec![f32::NAN; 3 * 128 + 5];
    q.dequantize_into(&mut dst).unwrap();
    assert_eq!(&dst[..3 * 128], &q.dequantize().unwrap()[..]);
    assert!(dst[3 * 128..].iter().all(|v| v.is_nan()), "the library wrote past the tensor");
}

fn f32_to_f16_exact(v: f32) -> u16 {
    if v == 0.0 {
        return if v.is_sign_negative() { 0x8000 } else { 0 };
    }
    let b = v.to_bits();
    let sign = ((b >> 16) & 0x8000) as u16;
    let exp = ((b >> 23) & 0xff) as i32 - 127 + 15;
    let mant = ((b >> 13) & 0x3ff) as u16;
    assert!((1..31).contains(&exp) && b & 0x1fff == 0, "{v} is not a normal f16");
    sign | ((exp as u16) << 10) | mant
}

fn f16_to_f32(h: u16) -> f32 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let mant = (h & 0x3ff) as f32;
    match exp {
        0 => sign * mant * 2f32.powi(-24),
        _ => sign * (1.0 + mant / 1024.0) * 2f32.powi(exp - 15),
    }
}
