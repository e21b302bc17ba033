//! Every non-OK aq_status becomes Err(Error) carrying the status and the library's message.
use arrowquant::timeaware::{markov_validate, smooth_boundaries, Interpolation};
use arrowquant::{quantize, Config, Error, QuantizeOptions, Status};

#[test]
fn unsupported_bit_width_is_an_unsupported_error_naming_bits() {
    let w = vec![0.5f32; 128];
    let e = quantize(&w, 1, 128, &QuantizeOptions::bits(3)).unwrap_err();
    assert_eq!(e.status(), Status::Unsupported);
    assert_eq!(e.code(), arrowquant::sys::AQ_ERR_UNSUPPORTED);
    assert!(e.message().contains("bits"), "{e}");
    assert!(e.message().contains('3'), "{e}");
    assert_eq!(e.to_string(), format!("AQ_ERR_UNSUPPORTED: {}", e.message()));
}

#[test]
fn nan_weight_is_an_invalid_argument_naming_its_index() {
    let mut w = vec![0.25f32; 256];
    w[77] = f32::NAN;
    let e = quantize(&w, 2, 128, &QuantizeOptions::default()).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("77"), "{e}");
}

#[test]
fn slice_length_disagreeing_with_the_shape_is_rejected_by_the_library() {
    let w = vec![1.0f32; 100];
    let e = quantize(&w, 2, 64, &QuantizeOptions::default()).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("src_bytes"), "{e}");
}

#[test]
fn short_destination_slice_is_an_error_not_an_overflow() {
    let w = vec![1.0f32; 128];
    let q = quantize(&w, 1, 128, &QuantizeOptions::default()).unwrap();
    let mut short = vec![0f32; 127];
    let e = q.dequantize_into(&mut short).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("dst_bytes"), "{e}");
}

#[test]
fn time_aware_errors_carry_status_and_message() {
    let e = markov_validate(&[1.0, -1.0], &[0.0, 0.0], 0.3).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("scale"), "{e}");
    let e = smooth_boundaries(&[1.0, 2.0], 21, Interpolation::Linear).unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("window"), "{e}");
    let e = "quadratic".parse::<Interpolation>().unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
}

#[test]
fn malformed_json_is_a_format_error_and_unknown_keys_an_invalid_argument() {
    let e = Config::from_json("{\"bit_width\": ").unwrap_err();
    assert_eq!(e.status(), Status::Format);
    let e = Config::from_json("{\"no_such_key\": 1}").unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("no_such_key"), "{e}");
}

#[test]
fn missing_model_file_is_an_io_error_naming_the_file() {
    let e = arrowquant::Model::open("/nonexistent/dir/model.safetensors").unwrap_err();
    assert_eq!(e.status(), Status::Io);
    assert!(e.message().contains("model.safetensors"), "{e}");
}

#[test]
fn error_is_captured_on_the_thread_that_failed() {
    // aq_last_error_message is thread-local: each thread sees its own failure, and the Error holds a copy.
    let handles: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let w = vec![0.5f32; 128];
                quantize(&w, 1, 128, &QuantizeOptions::bits(10 + i)).unwrap_err()
            })
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        let e: Error = h.join().unwrap();
        assert!(e.message().contains(&format!("got {}", 10 + i)), "thread {i}: {e}");
    }
}

#[test]
fn status_codes_and_names_are_stable() {
    let all = [
        (Status::InvalidArgument, 1, "AQ_ERR_INVALID_ARGUMENT"),
        (Status::OutOfMemory, 2, "AQ_ERR_OUT_OF_MEMORY"),
        (Status::Io, 3, "AQ_ERR_IO"),
        (Status::Format, 4, "AQ_ERR_FORMAT"),
        (Status::Unsupported, 5, "AQ_ERR_UNSUPPORTED"),
        (Status::Cancelled, 6, "AQ_ERR_CANCELLED"),
        (Status::Quality, 7, "AQ_ERR_QUALITY"),
        (Status::Internal, 8, "AQ_ERR_INTERNAL"),
    ];
    for (s, code, name) in all {
        assert_eq!(s.code(), code);
        assert_eq!(Status::from_code(code), Some(s));
        assert_eq!(s.name(), name);
    }
    assert_eq!(Status::from_code(0), None);
    assert_eq!(Status::from_code(99), Some(Status::Unknown(99)));
    assert_eq!(Status::Unknown(99).name(), "AQ_ERR_UNKNOWN");
}

#[test]
fn interior_nul_in_a_path_is_rejected_before_the_call() {
    let e = arrowquant::Model::open("bad\0name").unwrap_err();
    assert_eq!(e.status(), Status::InvalidArgument);
    assert!(e.message().contains("NUL"), "{e}");
}

// Status is generated from the header's aq_status (src/status.rs): each code maps to its variant and back, and
// the variant's name is the library's name of the code.
#[test]
fn generated_status_maps_codes_to_variants_and_back() {
    use arrowquant::sys;
    assert_eq!(Status::from_code(sys::AQ_OK), None);
    assert_eq!(Status::from_code(sys::AQ_ERR_QUALITY), Some(Status::Quality));
    assert_eq!(Status::from_code(sys::AQ_ERR_IO), Some(Status::Io));
    assert_eq!(Status::Format.code(), sys::AQ_ERR_FORMAT);
    assert_eq!(Status::Quality.name(), "AQ_ERR_QUALITY");
    for code in sys::AQ_ERR_INVALID_ARGUMENT..=sys::AQ_ERR_INTERNAL {
        let status = Status::from_code(code).expect("a failure status");
        assert!(!matches!(status, Status::Unknown(_)), "code {code} has no variant");
        assert_eq!(status.code(), code);
    }
    assert_eq!(Status::from_code(99), Some(Status::Unknown(99)));
    assert_eq!(Status::Unknown(99).name(), "AQ_ERR_UNKNOWN");
}
