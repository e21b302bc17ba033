//! Group-wise quantization of 2-D tensors: [`quantize`] and the [`Quantized`] handle.
use std::ptr::{self, NonNull};

use arrowquant_sys as sys;

use crate::error::{check, Error, Result, Status};

/// Element type of an input or output buffer (`aq_dtype`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DType {
    /// IEEE binary32.
    F32,
    /// IEEE binary16, as raw `u16` bits.
    F16,
    /// bfloat16, as raw `u16` bits.
    BF16,
}

impl DType {
    pub(crate) fn raw(self) -> sys::aq_dtype {
        match self {
            DType::F32 => sys::AQ_DTYPE_F32,
            DType::F16 => sys::AQ_DTYPE_F16,
            DType::BF16 => sys::AQ_DTYPE_BF16,
        }
    }

    /// Size in bytes of one element (`aq_dtype_size`).
    pub fn size(self) -> usize {
        // SAFETY: a pure function of its argument.
        unsafe { sys::aq_dtype_size(self.raw()) as usize }
    }
}

/// How group parameters are chosen (`aq_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Min/max of the group, codes rounded half to even.
    #[default]
    Rtn,
    /// The (scale, offset) pair minimising the group's squared error over a fixed candidate set.
    Search,
}

impl Mode {
    fn raw(self) -> sys::aq_mode {
        match self {
            Mode::Rtn => sys::AQ_MODE_RTN,
            Mode::Search => sys::AQ_MODE_SEARCH,
        }
    }
    fn from_raw(m: sys::aq_mode) -> Result<Mode> {
        match m {
            sys::AQ_MODE_RTN => Ok(Mode::Rtn),
            sys::AQ_MODE_SEARCH => Ok(Mode::Search),
            other => Err(Error::new(Status::Internal, format!("unknown aq_mode {other} from the library"))),
        }
    }
}

/// How group parameters are stored (`aq_format`; docs/format.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Format {
    /// FLAT for RTN and for 8 bits, HIERARCHICAL for SEARCH at 2 and 4 bits.
    #[default]
    Auto,
    /// One (scale, offset) pair per group.
    Flat,
    /// Super-blocks of 8 groups with 6-bit scale/offset codes (2 and 4 bits only).
    Hierarchical,
}

impl Format {
    fn raw(self) -> sys::aq_format {
        match self {
            Format::Auto => sys::AQ_FORMAT_AUTO,
            Format::Flat => sys::AQ_FORMAT_FLAT,
            Format::Hierarchical => sys::AQ_FORMAT_HIERARCHICAL,
        }
    }
    fn from_raw(f: sys::aq_format) -> Result<Format> {
        match f {
            sys::AQ_FORMAT_AUTO => Ok(Format::Auto),
            sys::AQ_FORMAT_FLAT => Ok(Format::Flat),
            sys::AQ_FORMAT_HIERARCHICAL => Ok(Format::Hierarchical),
            other => Err(Error::new(Status::Internal, format!("unknown aq_format {other} from the library"))),
        }
    }
}

/// Settings of [`quantize`]. The default is 4 bits, groups of 128, RTN, format chosen by the library.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuantizeOptions {
    /// 2, 4 or 8.
    pub bits: i32,
    /// 32, 64, 128 or 256 (the last group of a row may be shorter).
    pub group_size: i32,
    /// How group parameters are chosen.
    pub mode: Mode,
    /// How group parameters are stored.
    pub format: Format,
}

impl Default for QuantizeOptions {
    fn default() -> Self {
        QuantizeOptions { bits: 4, group_size: 128, mode: Mode::Rtn, format: Format::Auto }
    }
}

impl QuantizeOptions {
    /// `bits` with the other settings at their defaults.
    pub fn bits(bits: i32) -> Self {
        QuantizeOptions { bits, ..Default::default() }
    }
}

/// Quantizes a row-major `[rows, cols]` tensor of `f32` group-wise along each row (`aq_quantize`, or
/// `aq_quantize_format` for an explicit format).
///
/// `weights.len()` must equal `rows * cols`; NaN or infinite weights are [`Status::InvalidArgument`].
pub fn quantize(weights: &[f32], rows: u64, cols: u64, options: &QuantizeOptions) -> Result<Quantized> {
    // SAFETY: &[f32] is valid for size_of_val bytes and outlives the call.
    unsafe { quantize_ptr(weights.as_ptr().cast(), std::mem::size_of_val(weights), DType::F32, rows, cols, options) }
}

/// As [`quantize`], for F16 or BF16 weights given as their `u16` bit patterns (typed, so the library's element
/// loads are aligned).
pub fn quantize_u16(
    weights: &[u16],
    dtype: DType,
    rows: u64,
    cols: u64,
    options: &QuantizeOptions,
) -> Result<Quantized> {
    if dtype == DType::F32 {
        return Err(Error::new(Status::InvalidArgument, "quantize_u16: dtype must be F16 or BF16, got F32"));
    }
    // SAFETY: as quantize.
    unsafe { quantize_ptr(weights.as_ptr().cast(), std::mem::size_of_val(weights), dtype, rows, cols, options) }
}

unsafe fn quantize_ptr(
    src: *const std::ffi::c_void,
    src_bytes: usize,
    dtype: DType,
    rows: u64,
    cols: u64,
    o: &QuantizeOptions,
) -> Result<Quantized> {
    let mut out: *mut sys::aq_quantized = ptr::null_mut();
    let (bytes, dt, mode) = (src_bytes as u64, dtype.raw(), o.mode.raw());
    check(match o.format {
        // aq_quantize is aq_quantize_format with AQ_FORMAT_AUTO.
        Format::Auto => sys::aq_quantize(src, bytes, dt, rows, cols, o.bits, o.group_size, mode, &mut out),
        f => sys::aq_quantize_format(src, bytes, dt, rows, cols, o.bits, o.group_size, mode, f.raw(), &mut out),
    })?;
    NonNull::new(out)
        .map(|ptr| Quantized { ptr })
        .ok_or_else(|| Error::new(Status::Internal, "aq_quantize returned AQ_OK and a NULL handle"))
}

/// Settings a tensor was quantized with (`aq_quantized_info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuantizedInfo {
    pub bits: i32,
    pub group_size: i32,
    pub mode: Mode,
    /// The format actually used (never [`Format::Auto`]).
    pub format: Format,
    /// Whether some group parameters did not fit fp16 and are stored as f32.
    pub params_f32: bool,
}

/// Error statistics of a quantization (`aq_quantized_error`), computed in the quantize pass.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErrorStats {
    /// Sum of squared errors.
    pub sse: f64,
    /// Sum of squared weights.
    pub energy: f64,
    /// Cosine similarity of original and dequantized weights.
    pub cosine: f64,
    /// 10·log10(energy/sse) in dB; +inf when sse is 0.
    pub sqnr_db: f64,
    /// Largest |w − ŵ|.
    pub max_abs_error: f64,
}

/// A quantized 2-D tensor (`aq_quantized*`): packed codes, group parameters and error statistics. Freed on drop.
///
/// `Send` (the C ABI lets a handle move between threads) but not `Sync` (one thread at a time per handle):
///
/// ```compile_fail
/// fn shared<T: Sync>() {}
/// shared::<arrowquant::Quantized>();
/// ```
#[derive(Debug)]
pub struct Quantized {
    ptr: NonNull<sys::aq_quantized>,
}

// SAFETY: arrowquant.h: "A handle may be used by one thread at a time; different handles may be used in parallel."
// Moving the owning handle to another thread is therefore allowed; sharing &Quantized across threads is not.
unsafe impl Send for Quantized {}

impl Drop for Quantized {
    fn drop(&mut self) {
        // SAFETY: the handle came from aq_quantize_format and is freed exactly once.
        unsafe { sys::aq_quantized_free(self.ptr.as_ptr()) }
    }
}

impl Quantized {
    /// The raw handle, still owned by `self`.
    pub fn as_ptr(&self) -> *const sys::aq_quantized {
        self.ptr.as_ptr()
    }

    /// `(rows, cols)`.
    pub fn shape(&self) -> Result<(u64, u64)> {
        let (mut r, mut c) = (0u64, 0u64);
        // SAFETY: valid handle and out-pointers.
        check(unsafe { sys::aq_quantized_shape(self.as_ptr(), &mut r, &mut c) })?;
        Ok((r, c))
    }

    /// Number of weights (`rows * cols`).
    #[allow(clippy::len_without_is_empty)] // a quantized tensor is never empty (rows, cols >= 1)
    pub fn len(&self) -> Result<usize> {
        let (r, c) = self.shape()?;
        Ok((r * c) as usize)
    }

    /// Settings the tensor was quantized with.
    pub fn info(&self) -> Result<QuantizedInfo> {
        let (mut bits, mut group_size, mut params_f32) = (0, 0, 0);
        let (mut mode, mut format): (sys::aq_mode, sys::aq_format) = (0, 0);
        // SAFETY: valid handle and out-pointers.
        check(unsafe {
            sys::aq_quantized_info(self.as_ptr(), &mut bits, &mut group_size, &mut mode, &mut format, &mut params_f32)
        })?;
        Ok(QuantizedInfo {
            bits,
            group_size,
            mode: Mode::from_raw(mode)?,
            format: Format::from_raw(format)?,
            params_f32: params_f32 != 0,
        })
    }

    /// Bits per weight counting codes and all parameters.
    pub fn bits_per_weight(&self) -> f64 {
        // SAFETY: valid handle.
        unsafe { sys::aq_quantized_bits_per_weight(self.as_ptr()) }
    }

    /// Error statistics of the quantization.
    pub fn error_stats(&self) -> Result<ErrorStats> {
        let mut s = ErrorStats { sse: 0.0, energy: 0.0, cosine: 0.0, sqnr_db: 0.0, max_abs_error: 0.0 };
        // SAFETY: valid handle and out-pointers.
        check(unsafe {
            sys::aq_quantized_error(
                self.as_ptr(),
                &mut s.sse,
                &mut s.energy,
                &mut s.cosine,
                &mut s.sqnr_db,
                &mut s.max_abs_error,
            )
        })?;
        Ok(s)
    }

    /// The packed codes (docs/format.md), borrowed from the handle.
    pub fn codes(&self) -> Result<&[u8]> {
        self.view(sys::aq_quantized_codes)
    }

    /// The serialized group parameters (layout by format, docs/format.md), borrowed from the handle.
    pub fn params(&self) -> Result<&[u8]> {
        self.view(sys::aq_quantized_params)
    }

    fn view(
        &self,
        f: unsafe extern "C" fn(*const sys::aq_quantized, *mut *const u8, *mut u64) -> sys::aq_status,
    ) -> Result<&[u8]> {
        let (mut data, mut bytes) = (ptr::null::<u8>(), 0u64);
        // SAFETY: the view stays valid until the handle is freed, which the returned borrow of `self` prevents.
        check(unsafe { f(self.as_ptr(), &mut data, &mut bytes) })?;
        Ok(unsafe { crate::view_slice(data, bytes) })
    }

    /// Dequantizes into a new `Vec<f32>` of `rows * cols` values.
    pub fn dequantize(&self) -> Result<Vec<f32>> {
        let mut out = vec![0f32; self.len()?];
        self.dequantize_into(&mut out)?;
        Ok(out)
    }

    /// Dequantizes into `dst` (at least `rows * cols` values).
    pub fn dequantize_into(&self, dst: &mut [f32]) -> Result<()> {
        // SAFETY: dst is valid for writes of size_of_val bytes; the library checks the length.
        check(unsafe {
            sys::aq_dequantize(
                self.as_ptr(),
                DType::F32.raw(),
                dst.as_mut_ptr().cast(),
                std::mem::size_of_val(dst) as u64,
            )
        })
    }

    /// Dequantizes into F16 or BF16 bit patterns (`dst` holds at least `rows * cols` values).
    pub fn dequantize_u16(&self, dtype: DType, dst: &mut [u16]) -> Result<()> {
        if dtype == DType::F32 {
            return Err(Error::new(Status::InvalidArgument, "dequantize_u16: dtype must be F16 or BF16, got F32"));
        }
        // SAFETY: as dequantize_into.
        check(unsafe {
            sys::aq_dequantize(self.as_ptr(), dtype.raw(), dst.as_mut_ptr().cast(), std::mem::size_of_val(dst) as u64)
        })
    }
}
