//! The checked-in `src/bindings.rs` must be exactly what bindgen produces from `capi/include/arrowquant.h` today
//! (the build script regenerates it into $OUT_DIR with the `regenerate` feature). Any difference fails; set
//! `ARROWQUANT_BLESS=1` to overwrite the checked-in file with the fresh output instead.
#![cfg(feature = "regenerate")]

use std::path::Path;

#[test]
fn checked_in_bindings_equal_fresh_bindgen_output() {
    let fresh = include_str!(concat!(env!("OUT_DIR"), "/bindings.rs"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/bindings.rs");
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if fresh == current {
        return;
    }
    if std::env::var_os("ARROWQUANT_BLESS").is_some() {
        std::fs::write(&path, fresh).expect("writing src/bindings.rs");
        eprintln!("updated {}", path.display());
        return;
    }
    let (line, (want, got)) = fresh
        .lines()
        .chain(std::iter::repeat("<end of file>"))
        .zip(current.lines().chain(std::iter::repeat("<end of file>")))
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .expect("files differ only in line endings");
    panic!(
        "src/bindings.rs is stale (arrowquant.h changed?): first difference at line {}:\n  bindgen:    {}\n  checked in: {}\n\
         Run `ARROWQUANT_BLESS=1 cargo test -p arrowquant-sys --features regenerate` and review the diff.",
        line + 1,
        want,
        got
    );
}
