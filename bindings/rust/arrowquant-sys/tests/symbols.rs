//! Every function the bindings declare is exported by the loaded libarrowquant (so a header declaration without
//! an implementation, or a library built from another header, fails here rather than at a user's link step).
use std::ffi::{c_void, CString};
use std::os::raw::c_char;

extern "C" {
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
}

#[test]
fn every_declared_function_is_exported_by_the_library() {
    // Referencing one function makes the test binary load libarrowquant.so.0.
    assert_eq!(unsafe { arrowquant_sys::aq_version_number() }, arrowquant_sys::ARROWQUANT_VERSION_NUMBER);
    let bindings = include_str!("../src/bindings.rs");
    let names: Vec<&str> =
        bindings.split("pub fn ").skip(1).map(|rest| rest.split('(').next().unwrap().trim()).collect();
    assert!(names.len() > 100, "parsed only {} functions", names.len());
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| {
            let c = CString::new(*n).unwrap();
            // RTLD_DEFAULT (NULL): search the global scope of the process, which holds libarrowquant.
            unsafe { dlsym(std::ptr::null_mut(), c.as_ptr()) }.is_null()
        })
        .collect();
    assert!(missing.is_empty(), "declared in arrowquant.h but not exported by the library: {missing:?}");
}
