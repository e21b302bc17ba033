// Finds libarrowquant.so for linking: ARROWQUANT_LIB_DIR when set (a build tree such as <builddir>/capi, or an
// install's lib directory), otherwise pkg-config (`arrowquant.pc`, installed by `cmake --install`). Prints the link
// search path, the library and an rpath, and exports the directory to dependents as DEP_ARROWQUANT_LIB_DIR so the
// safe crate can add the same rpath to its own test binaries (link args do not propagate between crates).
//
// With the `regenerate` feature it also runs bindgen on arrowquant.h into $OUT_DIR/bindings.rs; the test
// tests/bindings_current.rs compares that with the checked-in src/bindings.rs.
use std::env;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=ARROWQUANT_LIB_DIR");
    println!("cargo:rerun-if-env-changed=ARROWQUANT_HEADER");

    // docs.rs-style builds and `cargo doc` do not link; let them through without the library.
    if env::var_os("DOCS_RS").is_some() {
        return;
    }

    let lib_dir = find_library();
    if let Some(dir) = &lib_dir {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
        // Becomes DEP_ARROWQUANT_LIB_DIR in the build scripts of crates that depend on this one.
        println!("cargo:lib_dir={}", dir.display());
    }

    #[cfg(feature = "regenerate")]
    regenerate::run();
}

fn find_library() -> Option<PathBuf> {
    if let Some(dir) = env::var_os("ARROWQUANT_LIB_DIR") {
        let dir = PathBuf::from(dir);
        let dir = dir.canonicalize().unwrap_or(dir);
        if !dir.join("libarrowquant.so").exists() && !dir.join("libarrowquant.so.0").exists() {
            fail(&format!(
                "ARROWQUANT_LIB_DIR={} holds neither libarrowquant.so nor libarrowquant.so.0 \
                 (build the CMake target `arrowquant`; the library is in <builddir>/capi)",
                dir.display()
            ));
        }
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-lib=dylib=arrowquant");
        return Some(dir);
    }
    match pkg_config::Config::new().atleast_version("0.1.0").probe("arrowquant") {
        // pkg-config printed the search path and -larrowquant; add an rpath unless the directory is one the dynamic
        // loader searches anyway.
        Ok(lib) => lib.link_paths.into_iter().find(|p| !is_system_dir(p)),
        Err(e) => {
            let why = match e {
                pkg_config::Error::Command { .. } => "pkg-config itself is not installed".to_string(),
                _ => "`pkg-config arrowquant` found no arrowquant.pc".to_string(),
            };
            fail(&format!(
                "libarrowquant not found ({why}). Either set ARROWQUANT_LIB_DIR to the directory of \
                 libarrowquant.so (a build tree's <builddir>/capi), or install ArrowQuant (`cmake --install`, or the \
                 libarrowquant-dev package) so that `pkg-config arrowquant` finds it."
            ))
        }
    }
}

/// Stops the build with one message and no panic (a panic prints a backtrace that says nothing about the fix).
fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1);
}

fn is_system_dir(p: &Path) -> bool {
    ["/lib", "/usr/lib", "/lib64", "/usr/lib64"].iter().any(|s| p == Path::new(s))
        || p.starts_with("/usr/lib/") && p.components().count() == 4 // /usr/lib/<multiarch>
}

#[cfg(feature = "regenerate")]
mod regenerate {
    use std::env;
    use std::path::PathBuf;

    /// The header the checked-in bindings were generated from: the repository's, unless ARROWQUANT_HEADER names
    /// another file.
    pub fn header() -> PathBuf {
        match env::var_os("ARROWQUANT_HEADER") {
            Some(h) => PathBuf::from(h),
            None => PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../../capi/include/arrowquant.h"),
        }
    }

    pub fn run() {
        let header = header();
        println!("cargo:rerun-if-changed={}", header.display());
        // These options produced the checked-in src/bindings.rs (via ARROWQUANT_BLESS=1); they live only here.
        let bindings = bindgen::Builder::default()
            .header(header.to_str().expect("header path is not UTF-8"))
            // The reference metrics (conformance oracles) are declared only under this macro; the safe crate wraps
            // them so that the golden vectors run through Rust too.
            .clang_arg("-DARROWQUANT_REFERENCE_METRICS")
            .allowlist_function("aq_.*")
            .allowlist_type("aq_.*")
            .allowlist_var("AQ_.*|ARROWQUANT_.*")
            // C enums stay integer constants (AQ_OK, AQ_DTYPE_F32, ...): a Rust enum would be undefined behaviour
            // for a value added by a newer library.
            .default_enum_style(bindgen::EnumVariation::Consts)
            .prepend_enum_name(false)
            .layout_tests(true)
            .generate_comments(true)
            .formatter(bindgen::Formatter::Prettyplease)
            .raw_line("// Generated by bindgen from capi/include/arrowquant.h. Do not edit: run")
            .raw_line("// `ARROWQUANT_BLESS=1 cargo test -p arrowquant-sys --features regenerate` to update.")
            .generate()
            .expect("bindgen failed on arrowquant.h");
        let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("bindings.rs");
        bindings.write_to_file(&out).expect("writing $OUT_DIR/bindings.rs");
    }
}
