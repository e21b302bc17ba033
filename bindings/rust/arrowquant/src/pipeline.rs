//! The model pipeline: safetensors in, quantized safetensors out ([`quantize_model`]), reports, and reading
//! models back ([`Model`]).
use std::any::Any;
use std::ops::ControlFlow;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::Path;
use std::ptr::{self, NonNull};

use arrowquant_sys as sys;

use crate::config::Config;
use crate::error::{check, Error, Result, Status};
use crate::tensor::DType;
use crate::{c_path, c_string, view_str};

/// Progress of [`quantize_model`], reported after each tensor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub tensors_done: u64,
    pub tensors_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// A report of a model-level call (`aq_report*`): JSON text. Freed on drop.
#[derive(Debug)]
pub struct Report {
    ptr: NonNull<sys::aq_report>,
}

// SAFETY: a handle may be used by one thread at a time (arrowquant.h), so it may move between threads.
unsafe impl Send for Report {}

impl Drop for Report {
    fn drop(&mut self) {
        // SAFETY: owned handle, freed once.
        unsafe { sys::aq_report_free(self.ptr.as_ptr()) }
    }
}

impl Report {
    pub(crate) fn from_raw(p: *mut sys::aq_report) -> Option<Report> {
        NonNull::new(p).map(|ptr| Report { ptr })
    }

    /// The report's JSON text, borrowed from the handle.
    pub fn json(&self) -> Result<&str> {
        let (mut data, mut bytes) = (ptr::null::<c_char>(), 0u64);
        // SAFETY: valid handle; the view lives until the handle is freed, which the borrow of self prevents.
        check(unsafe { sys::aq_report_text(self.ptr.as_ptr(), &mut data, &mut bytes) })?;
        unsafe { view_str(data, Some(bytes)) }
    }
}

struct Callback<'a> {
    f: &'a mut dyn FnMut(Progress) -> ControlFlow<()>,
    panic: Option<Box<dyn Any + Send>>,
}

// Runs on the calling thread inside aq_quantize_model. A panic must not unwind into C: it is caught, the call is
// cancelled, and the panic resumes after the library has returned.
unsafe extern "C" fn progress_trampoline(
    user_data: *mut c_void,
    tensors_done: u64,
    tensors_total: u64,
    bytes_done: u64,
    bytes_total: u64,
) -> c_int {
    let cb = &mut *(user_data as *mut Callback<'_>);
    let p = Progress { tensors_done, tensors_total, bytes_done, bytes_total };
    match catch_unwind(AssertUnwindSafe(|| (cb.f)(p))) {
        Ok(ControlFlow::Continue(())) => 0,
        Ok(ControlFlow::Break(())) => 1,
        Err(payload) => {
            cb.panic = Some(payload);
            1
        }
    }
}

/// Quantizes a model (`aq_quantize_model`) and returns its quality report.
///
/// `input`: a `.safetensors` file, a `*.safetensors.index.json`, or a directory holding either. `output`: the
/// quantized file (or a directory of shards), written atomically. `config`: `None` for the defaults. `progress`
/// runs on this thread after each tensor; returning [`ControlFlow::Break`] cancels the call, which then fails with
/// [`Status::Cancelled`] and leaves nothing under `output`. On [`Status::Quality`] the error carries the report
/// ([`Error::report_json`]).
pub fn quantize_model(
    input: impl AsRef<Path>,
    output: impl AsRef<Path>,
    config: Option<&Config>,
    progress: Option<&mut dyn FnMut(Progress) -> ControlFlow<()>>,
) -> Result<Report> {
    let input = c_path("input path", input.as_ref())?;
    let output = c_path("output path", output.as_ref())?;
    let config_ptr = config.map_or(ptr::null(), |c| c.as_ptr());
    let mut report: *mut sys::aq_report = ptr::null_mut();
    let (status, panic) = match progress {
        None => {
            // SAFETY: valid C strings, optional config handle, out-pointer.
            let s = unsafe {
                sys::aq_quantize_model(input.as_ptr(), output.as_ptr(), config_ptr, None, ptr::null_mut(), &mut report)
            };
            (s, None)
        }
        Some(f) => {
            let mut cb = Callback { f, panic: None };
            // SAFETY: as above; user_data points to `cb`, which outlives the call; the callback runs on this
            // thread only.
            let s = unsafe {
                sys::aq_quantize_model(
                    input.as_ptr(),
                    output.as_ptr(),
                    config_ptr,
                    Some(progress_trampoline),
                    (&mut cb as *mut Callback<'_>).cast(),
                    &mut report,
                )
            };
            (s, cb.panic)
        }
    };
    let result = check(status);
    let report = Report::from_raw(report);
    if let Some(payload) = panic {
        drop(report);
        resume_unwind(payload);
    }
    match result {
        Ok(()) => {
            report.ok_or_else(|| Error::new(Status::Internal, "aq_quantize_model returned AQ_OK without a report"))
        }
        Err(e) => {
            let json = report.as_ref().and_then(|r| r.json().ok()).map(str::to_owned);
            Err(e.with_report(json))
        }
    }
}

/// A stage of [`quantize_model_staged`], in the order they run (`aq_run_stage`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStage {
    /// Items are the input's tensors (quantized or kept).
    Quantize,
    /// Items are the quantized layers (time-aware parameters and phases); bytes are 0.
    TimeAware,
    /// Items are the tensors written to the output.
    Write,
    /// A stage added by a newer library.
    Other(u32),
}

/// Stage-aware progress of [`quantize_model_staged`]: at each stage's start (`done` 0, `item` empty), after each
/// item (named by `item`), and again unchanged between write chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageProgress<'a> {
    pub stage: RunStage,
    pub item: &'a str,
    pub done: u64,
    pub total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

struct StageCallback<'a> {
    f: &'a mut dyn FnMut(StageProgress<'_>) -> ControlFlow<()>,
    panic: Option<Box<dyn Any + Send>>,
}

// As progress_trampoline: a panic is caught, cancels the call and resumes after the library returned.
unsafe extern "C" fn stage_trampoline(
    user_data: *mut c_void,
    stage: sys::aq_run_stage,
    item: *const c_char,
    done: u64,
    total: u64,
    bytes_done: u64,
    bytes_total: u64,
) -> c_int {
    let cb = &mut *(user_data as *mut StageCallback<'_>);
    let stage = match stage {
        sys::AQ_RUN_QUANTIZE => RunStage::Quantize,
        sys::AQ_RUN_TIME_AWARE => RunStage::TimeAware,
        sys::AQ_RUN_WRITE => RunStage::Write,
        other => RunStage::Other(other),
    };
    let item = if item.is_null() { "" } else { std::ffi::CStr::from_ptr(item).to_str().unwrap_or("") };
    let p = StageProgress { stage, item, done, total, bytes_done, bytes_total };
    match catch_unwind(AssertUnwindSafe(|| (cb.f)(p))) {
        Ok(ControlFlow::Continue(())) => 0,
        Ok(ControlFlow::Break(())) => 1,
        Err(payload) => {
            cb.panic = Some(payload);
            1
        }
    }
}

/// [`quantize_model`] with stage-aware progress (`aq_quantize_model_staged`): `progress` sees the quantize,
/// time-aware and write stages with the current tensor; returning [`ControlFlow::Break`] cancels in any stage.
pub fn quantize_model_staged(
    input: impl AsRef<Path>,
    output: impl AsRef<Path>,
    config: Option<&Config>,
    progress: &mut dyn FnMut(StageProgress<'_>) -> ControlFlow<()>,
) -> Result<Report> {
    let input = c_path("input path", input.as_ref())?;
    let output = c_path("output path", output.as_ref())?;
    let config_ptr = config.map_or(ptr::null(), |c| c.as_ptr());
    let mut report: *mut sys::aq_report = ptr::null_mut();
    let mut cb = StageCallback { f: progress, panic: None };
    // SAFETY: valid C strings, optional config handle, out-pointer; user_data points to `cb`, which outlives the
    // call; the callback runs on this thread only.
    let status = unsafe {
        sys::aq_quantize_model_staged(
            input.as_ptr(),
            output.as_ptr(),
            config_ptr,
            Some(stage_trampoline),
            (&mut cb as *mut StageCallback<'_>).cast(),
            &mut report,
        )
    };
    let result = check(status);
    let report = Report::from_raw(report);
    if let Some(payload) = cb.panic {
        drop(report);
        resume_unwind(payload);
    }
    match result {
        Ok(()) => report
            .ok_or_else(|| Error::new(Status::Internal, "aq_quantize_model_staged returned AQ_OK without a report")),
        Err(e) => {
            let json = report.as_ref().and_then(|r| r.json().ok()).map(str::to_owned);
            Err(e.with_report(json))
        }
    }
}

/// Compares an original model with its quantized version (`aq_compare_models`): per-layer cosine, SQNR, MSE, max
/// error and totals.
pub fn compare_models(original: impl AsRef<Path>, quantized: impl AsRef<Path>) -> Result<Report> {
    let original = c_path("original path", original.as_ref())?;
    let quantized = c_path("quantized path", quantized.as_ref())?;
    let mut report: *mut sys::aq_report = ptr::null_mut();
    // SAFETY: valid C strings and out-pointer.
    check(unsafe { sys::aq_compare_models(original.as_ptr(), quantized.as_ptr(), &mut report) })?;
    Report::from_raw(report).ok_or_else(|| Error::new(Status::Internal, "aq_compare_models returned no report"))
}

/// Writes a quantized model back as a plain safetensors file of `dtype` (`aq_export_dequantized`).
pub fn export_dequantized(quantized: impl AsRef<Path>, output: impl AsRef<Path>, dtype: DType) -> Result<()> {
    let quantized = c_path("quantized path", quantized.as_ref())?;
    let output = c_path("output path", output.as_ref())?;
    // SAFETY: valid C strings.
    check(unsafe { sys::aq_export_dequantized(quantized.as_ptr(), output.as_ptr(), dtype.raw()) })
}

/// Writes the synthetic demo model (a DiT-shaped diffusion transformer, labelled synthetic in its metadata)
/// deterministically from `seed` (`aq_write_demo_model`).
pub fn write_demo_model(path: impl AsRef<Path>, seed: u64) -> Result<()> {
    let path = c_path("path", path.as_ref())?;
    // SAFETY: valid C string.
    check(unsafe { sys::aq_write_demo_model(path.as_ptr(), seed) })
}

/// A model (input or quantized) opened for reading (`aq_model*`). Freed on drop.
#[derive(Debug)]
pub struct Model {
    ptr: NonNull<sys::aq_model>,
}

// SAFETY: a handle may be used by one thread at a time (arrowquant.h), so it may move between threads.
unsafe impl Send for Model {}

impl Drop for Model {
    fn drop(&mut self) {
        // SAFETY: owned handle, freed once.
        unsafe { sys::aq_model_free(self.ptr.as_ptr()) }
    }
}

impl Model {
    /// Opens a model (`aq_model_open`).
    pub fn open(path: impl AsRef<Path>) -> Result<Model> {
        let path = c_path("path", path.as_ref())?;
        let mut out: *mut sys::aq_model = ptr::null_mut();
        // SAFETY: valid C string and out-pointer.
        check(unsafe { sys::aq_model_open(path.as_ptr(), &mut out) })?;
        NonNull::new(out)
            .map(|ptr| Model { ptr })
            .ok_or_else(|| Error::new(Status::Internal, "aq_model_open returned AQ_OK and a NULL handle"))
    }

    pub(crate) fn raw(&self) -> *const sys::aq_model {
        self.ptr.as_ptr()
    }

    /// Number of logical tensors (a quantized tensor counts once, under its original name).
    pub fn tensor_count(&self) -> u64 {
        // SAFETY: valid handle.
        unsafe { sys::aq_model_tensor_count(self.raw()) }
    }

    /// Name of tensor `index` (0-based, sorted by name), borrowed from the handle.
    pub fn tensor_name(&self, index: u64) -> Result<&str> {
        let mut name: *const c_char = ptr::null();
        // SAFETY: valid handle; the view lives until the handle is freed.
        check(unsafe { sys::aq_model_tensor_name(self.raw(), index, &mut name) })?;
        unsafe { view_str(name, None) }
    }

    /// All tensor names in index order.
    pub fn tensor_names(&self) -> Result<Vec<&str>> {
        (0..self.tensor_count()).map(|i| self.tensor_name(i)).collect()
    }

    /// JSON description of one tensor (`{"name", "dtype", "shape", "quantized", "bits", "format", ...}`).
    pub fn tensor_info(&self, name: &str) -> Result<&str> {
        let name = c_string("tensor name", name.as_bytes())?;
        let (mut data, mut bytes) = (ptr::null::<c_char>(), 0u64);
        // SAFETY: valid handle and strings; the view lives until the handle is freed.
        check(unsafe { sys::aq_model_tensor_info(self.raw(), name.as_ptr(), &mut data, &mut bytes) })?;
        unsafe { view_str(data, Some(bytes)) }
    }

    /// JSON description of the whole model (what `arrowquant inspect --json` prints).
    pub fn info(&self) -> Result<&str> {
        let (mut data, mut bytes) = (ptr::null::<c_char>(), 0u64);
        // SAFETY: valid handle; the view lives until the handle is freed.
        check(unsafe { sys::aq_model_info(self.raw(), &mut data, &mut bytes) })?;
        unsafe { view_str(data, Some(bytes)) }
    }

    /// Number of elements of a tensor (its original shape's product).
    pub fn tensor_elements(&self, name: &str) -> Result<u64> {
        let name = c_string("tensor name", name.as_bytes())?;
        let mut n = 0u64;
        // SAFETY: valid handle, string and out-pointer.
        check(unsafe { sys::aq_model_tensor_elements(self.raw(), name.as_ptr(), &mut n) })?;
        Ok(n)
    }

    /// Reads one tensor as `f32` (dequantized if it is quantized).
    pub fn read_tensor(&self, name: &str) -> Result<Vec<f32>> {
        let mut out = vec![0f32; self.tensor_elements(name)? as usize];
        self.read_tensor_into(name, &mut out)?;
        Ok(out)
    }

    /// Reads one tensor as `f32` into `dst` (at least its element count).
    pub fn read_tensor_into(&self, name: &str, dst: &mut [f32]) -> Result<()> {
        let cname = c_string("tensor name", name.as_bytes())?;
        // SAFETY: dst valid for writes of size_of_val bytes; the library checks the length.
        check(unsafe {
            sys::aq_model_read_tensor(
                self.raw(),
                cname.as_ptr(),
                DType::F32.raw(),
                dst.as_mut_ptr().cast(),
                std::mem::size_of_val(dst) as u64,
            )
        })
    }

    /// Reads one tensor as F16 or BF16 bit patterns into `dst` (at least its element count).
    pub fn read_tensor_u16(&self, name: &str, dtype: DType, dst: &mut [u16]) -> Result<()> {
        if dtype == DType::F32 {
            return Err(Error::new(Status::InvalidArgument, "read_tensor_u16: dtype must be F16 or BF16, got F32"));
        }
        let cname = c_string("tensor name", name.as_bytes())?;
        // SAFETY: as read_tensor_into.
        check(unsafe {
            sys::aq_model_read_tensor(
                self.raw(),
                cname.as_ptr(),
                dtype.raw(),
                dst.as_mut_ptr().cast(),
                std::mem::size_of_val(dst) as u64,
            )
        })
    }
}
