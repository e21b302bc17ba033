//! Time-aware activation parameters at inference (docs/time-aware.md, "Using the parameters at inference"): map a
//! sampler's time to a timestep index, look a quantized tensor's parameters up, quantize its input with them.
//!
//! ```no_run
//! use arrowquant::{activation, Model};
//! let m = Model::open("model-int4.safetensors")?;
//! let name = "blocks.0.attn.to_q.weight";
//! let info = m.activation_info(name)?;
//! let mut x = vec![0.25f32; 4096];
//! for k in 0..50 {
//!     let t = 1.0 - k as f64 / 49.0; // a 50-step sampler from t = 1 (noise) to t = 0 (clean)
//!     let i = activation::timestep_index(t, 0.0, 1.0, info.num_timesteps)?;
//!     let p = m.activation_params(name, i)?;
//!     activation::fake_quantize_activations_in_place(&mut x, p.scale, p.zero_point, p.bits)?;
//! }
//! # Ok::<(), arrowquant::Error>(())
//! ```
use std::os::raw::c_char;
use std::ptr;

use arrowquant_sys as sys;

use crate::error::{check, Result};
use crate::{c_string, view_str, Model};

/// Index of sampler time `t` on an axis of `num_timesteps` points, 0 at `t_clean`, `num_timesteps - 1` at
/// `t_noise` (`aq_timestep_index`): round((t − t_clean)/(t_noise − t_clean)·(num_timesteps − 1)).
pub fn timestep_index(t: f64, t_clean: f64, t_noise: f64, num_timesteps: u64) -> Result<u64> {
    let mut index = 0u64;
    // SAFETY: out-pointer.
    check(unsafe { sys::aq_timestep_index(t, t_clean, t_noise, num_timesteps, &mut index) })?;
    Ok(index)
}

/// Codes clamp(round(src/scale + zero_point), 0, 2^bits − 1) into `codes` (at least `src.len()`), bits 2..8
/// (`aq_quantize_activations`).
pub fn quantize_activations(src: &[f32], scale: f32, zero_point: f32, bits: i32, codes: &mut [u8]) -> Result<()> {
    // SAFETY: valid slices; the library checks the lengths.
    check(unsafe {
        sys::aq_quantize_activations(
            src.as_ptr(),
            src.len() as u64,
            scale,
            zero_point,
            bits,
            codes.as_mut_ptr(),
            codes.len() as u64,
        )
    })
}

/// (code − zero_point)·scale into `dst` (at least `src.len()`), bits 2..16 (`aq_fake_quantize_activations`).
pub fn fake_quantize_activations(src: &[f32], scale: f32, zero_point: f32, bits: i32, dst: &mut [f32]) -> Result<()> {
    // SAFETY: valid slices; the library checks the lengths.
    check(unsafe {
        sys::aq_fake_quantize_activations(
            src.as_ptr(),
            src.len() as u64,
            scale,
            zero_point,
            bits,
            dst.as_mut_ptr(),
            dst.len() as u64,
        )
    })
}

/// [`fake_quantize_activations`] in place (the C function allows dst == src).
pub fn fake_quantize_activations_in_place(data: &mut [f32], scale: f32, zero_point: f32, bits: i32) -> Result<()> {
    let (p, n) = (data.as_mut_ptr(), data.len() as u64);
    // SAFETY: one valid buffer used as both source and destination, which the function documents.
    check(unsafe { sys::aq_fake_quantize_activations(p, n, scale, zero_point, bits, p, n) })
}

/// zero_point rounded half to even and clamped to [0, 2^bits − 1] (`aq_integer_zero_point`).
pub fn integer_zero_point(zero_point: f32, bits: i32) -> Result<i32> {
    let mut z = 0i32;
    // SAFETY: out-pointer.
    check(unsafe { sys::aq_integer_zero_point(zero_point, bits, &mut z) })?;
    Ok(z)
}

/// Parameters of one timestep (`aq_model_activation_params`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActivationParams {
    pub scale: f32,
    pub zero_point: f32,
    pub bits: i32,
}

/// Facts of a tensor's table (`aq_model_activation_info`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActivationInfo {
    pub num_timesteps: u64,
    pub num_groups: u64,
    pub bits: i32,
    /// The parameters come from the data-free simulation, not from recorded activations.
    pub synthetic: bool,
}

/// One time group of a table (`aq_model_activation_group`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActivationGroup {
    pub start: u64,
    pub end: u64,
    pub scale: f32,
    pub zero_point: f32,
    pub integer_zero_point: i32,
}

impl Model {
    /// Parameters of `tensor_name`'s input at `timestep_index`.
    pub fn activation_params(&self, tensor_name: &str, timestep_index: u64) -> Result<ActivationParams> {
        let name = c_string("tensor name", tensor_name.as_bytes())?;
        let mut p = ActivationParams { scale: 0.0, zero_point: 0.0, bits: 0 };
        // SAFETY: valid handle, string and out-pointers.
        check(unsafe {
            sys::aq_model_activation_params(
                self.raw(),
                name.as_ptr(),
                timestep_index,
                &mut p.scale,
                &mut p.zero_point,
                &mut p.bits,
            )
        })?;
        Ok(p)
    }

    /// num_timesteps, number of groups, bits and the synthetic flag of `tensor_name`'s table.
    pub fn activation_info(&self, tensor_name: &str) -> Result<ActivationInfo> {
        let name = c_string("tensor name", tensor_name.as_bytes())?;
        let (mut t, mut g, mut bits, mut syn) = (0u64, 0u64, 0i32, 0i32);
        // SAFETY: valid handle, string and out-pointers.
        check(unsafe {
            sys::aq_model_activation_info(self.raw(), name.as_ptr(), &mut t, &mut g, &mut bits, &mut syn)
        })?;
        Ok(ActivationInfo { num_timesteps: t, num_groups: g, bits, synthetic: syn != 0 })
    }

    /// Group `group_index` of `tensor_name`'s table.
    pub fn activation_group(&self, tensor_name: &str, group_index: u64) -> Result<ActivationGroup> {
        let name = c_string("tensor name", tensor_name.as_bytes())?;
        let mut g = ActivationGroup { start: 0, end: 0, scale: 0.0, zero_point: 0.0, integer_zero_point: 0 };
        // SAFETY: valid handle, string and out-pointers.
        check(unsafe {
            sys::aq_model_activation_group(
                self.raw(),
                name.as_ptr(),
                group_index,
                &mut g.start,
                &mut g.end,
                &mut g.scale,
                &mut g.zero_point,
                &mut g.integer_zero_point,
            )
        })?;
        Ok(g)
    }

    /// The whole table as JSON (`aq_model_activation_json`), borrowed from the handle.
    pub fn activation_json(&self, tensor_name: &str) -> Result<&str> {
        let name = c_string("tensor name", tensor_name.as_bytes())?;
        let (mut data, mut bytes) = (ptr::null::<c_char>(), 0u64);
        // SAFETY: valid handle and string; the view lives until the handle is freed.
        check(unsafe { sys::aq_model_activation_json(self.raw(), name.as_ptr(), &mut data, &mut bytes) })?;
        unsafe { view_str(data, Some(bytes)) }
    }
}
