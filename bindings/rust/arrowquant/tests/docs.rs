//! The Rust examples of docs/bindings.md run as doc tests only if the section is there: fail when it is gone or
//! lost its examples (for instance after an edit of the file that dropped the `## Rust` heading).
#[test]
fn docs_bindings_md_has_a_rust_section_with_runnable_examples() {
    let section = include_str!(concat!(env!("OUT_DIR"), "/bindings_rust.md"));
    assert!(section.starts_with("## Rust"), "docs/bindings.md has no `## Rust` section");
    let examples = section.matches("```rust\n").count();
    assert!(examples >= 3, "expected the tensor, model and time-aware examples, found {examples} rust blocks");
    assert!(section.contains("fn main()"), "the examples are complete programs");
}
