// Link arguments of a dependency's build script do not reach this crate's binaries (tests, examples, doc tests),
// so the rpath to libarrowquant that arrowquant-sys found is added here too (DEP_ARROWQUANT_LIB_DIR comes from its
// `links = "arrowquant"` metadata). The Rust section of docs/bindings.md is copied into $OUT_DIR so that its
// examples run as doc tests (see `doc_examples` in lib.rs).
use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if let Ok(dir) = env::var("DEP_ARROWQUANT_LIB_DIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }

    let doc = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../../docs/bindings.md");
    println!("cargo:rerun-if-changed={}", doc.display());
    let section = fs::read_to_string(&doc).map(|text| rust_section(&text)).unwrap_or_default();
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("bindings_rust.md");
    fs::write(out, section).expect("writing $OUT_DIR/bindings_rust.md");
}

/// The text from the `## Rust` heading up to the next level-2 heading.
fn rust_section(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("## ") {
            inside = line.trim_end() == "## Rust";
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
