//! The safe crate covers the whole C ABI: every function declared in arrowquant-sys/src/bindings.rs (generated
//! from arrowquant.h) is called somewhere in src/, except the aliases (ALIASES) of a wrapped function. A function
//! added to the header fails this test until it is wrapped.
use std::collections::BTreeSet;
use std::path::Path;

/// Functions that are another name of a wrapped one (same behaviour), exported only for older callers.
const ALIASES: &[&str] = &[
    "aq_report_json", // aq_report_text
];

fn declared_functions(bindings: &str) -> BTreeSet<String> {
    bindings
        .split("pub fn ")
        .skip(1)
        .map(|rest| rest.split('(').next().unwrap().trim().to_string())
        .filter(|name| name.starts_with("aq_") && !ALIASES.contains(&name.as_str()))
        .collect()
}

#[test]
fn every_c_function_is_wrapped_by_the_safe_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bindings = std::fs::read_to_string(root.join("../arrowquant-sys/src/bindings.rs")).unwrap();
    let declared = declared_functions(&bindings);
    assert!(declared.len() > 100, "only {} functions parsed from bindings.rs", declared.len());

    let mut source = String::new();
    for entry in std::fs::read_dir(root.join("src")).unwrap() {
        source += &std::fs::read_to_string(entry.unwrap().path()).unwrap();
    }
    let missing: Vec<&String> = declared
        .iter()
        .filter(|name| {
            // A call `sys::name(` or a function pointer/path `sys::name,` / `sys::name)` / `sys::name {`.
            !source.match_indices(&format!("sys::{name}")).any(|(i, m)| {
                let next = source[i + m.len()..].chars().next().unwrap_or(' ');
                !(next.is_alphanumeric() || next == '_')
            })
        })
        .collect();
    assert!(missing.is_empty(), "C functions without a safe wrapper: {missing:?}");
    println!("{} C functions, all wrapped", declared.len());
}
