//! Time-aware activation parameters and the three thermodynamic phases (docs/time-aware.md): time grouping,
//! calibration statistics, Phase 1 Markov validation, Phase 2 boundary smoothing, Phase 3 transition optimization,
//! the layer entry point, and the conformance functions (`conformance/README.md` §5).
//!
//! Functions documented as "reference" compute in IEEE binary32 exactly as the conformance README §4 describes;
//! "spec" functions use binary64.
use std::ffi::CStr;
use std::fmt;
use std::os::raw::c_char;
use std::ptr;
use std::str::FromStr;

use arrowquant_sys as sys;

use crate::error::{check, static_str, Error, Result, Status};
use crate::handle::handle;
use crate::{c_string, view_slice, view_str};

// ---------------------------------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------------------------------

macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident : $raw:ty, $to_name:path, $from_name:path { $($(#[$vm:meta])* $variant:ident = $c:path),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vm])* $variant),+
        }

        impl $name {
            /// The raw C value.
            pub fn raw(self) -> $raw {
                match self { $($name::$variant => $c),+ }
            }

            /// The value for a raw C value.
            pub fn from_raw(raw: $raw) -> Result<$name> {
                match raw {
                    $(x if x == $c => Ok($name::$variant),)+
                    other => Err(Error::new(
                        Status::InvalidArgument,
                        format!(concat!("unknown ", stringify!($name), " value {}"), other),
                    )),
                }
            }

            /// The library's lower-case name.
            pub fn name(self) -> &'static str {
                // SAFETY: static storage for any value.
                unsafe { static_str($to_name(self.raw())) }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        /// Parses the library's lower-case name; anything else is [`Status::InvalidArgument`].
        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<$name> {
                let c = c_string("name", s.as_bytes())?;
                let mut out: $raw = Default::default();
                // SAFETY: valid C string and out-pointer.
                check(unsafe { $from_name(c.as_ptr(), &mut out) })?;
                $name::from_raw(out)
            }
        }
    };
}

named_enum! {
    /// Interpolation shape of Phase 2 boundary smoothing (`aq_interpolation`).
    Interpolation: sys::aq_interpolation, sys::aq_interpolation_name, sys::aq_interpolation_from_name {
        /// S(a) = a.
        Linear = sys::AQ_INTERPOLATION_LINEAR,
        /// S(a) = −2a³ + 3a² (smoothstep).
        Cubic = sys::AQ_INTERPOLATION_CUBIC,
        /// S(a) = 1/(1 + exp(−10(a − 0.5))).
        Sigmoid = sys::AQ_INTERPOLATION_SIGMOID,
    }
}

named_enum! {
    /// β schedule of the forward diffusion process (`aq_beta_schedule_kind`).
    BetaSchedule: sys::aq_beta_schedule_kind, sys::aq_beta_schedule_name, sys::aq_beta_schedule_from_name {
        /// beta_start → beta_end; needs at least 2 timesteps.
        Linear = sys::AQ_BETA_SCHEDULE_LINEAR,
        /// Cosine schedule with s = 0.008 (beta_start/beta_end ignored).
        Cosine = sys::AQ_BETA_SCHEDULE_COSINE,
    }
}

named_enum! {
    /// Severity of a Phase 1 violation (`aq_severity`): high if the scale jump > 0.5, medium if > 0.3, else low.
    Severity: sys::aq_severity, sys::aq_severity_name, sys::aq_severity_from_name {
        Low = sys::AQ_SEVERITY_LOW,
        Medium = sys::AQ_SEVERITY_MEDIUM,
        High = sys::AQ_SEVERITY_HIGH,
    }
}

/// Stage of a layer's parameters (`aq_stage`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// From the calibration statistics.
    Initial,
    /// After Phase 2 boundary smoothing.
    Smoothed,
    /// After Phase 3 transition optimization.
    Optimized,
}

impl Stage {
    /// Every stage in pipeline order.
    pub const ALL: [Stage; 3] = [Stage::Initial, Stage::Smoothed, Stage::Optimized];

    /// The raw C value.
    pub fn raw(self) -> sys::aq_stage {
        match self {
            Stage::Initial => sys::AQ_STAGE_INITIAL,
            Stage::Smoothed => sys::AQ_STAGE_SMOOTHED,
            Stage::Optimized => sys::AQ_STAGE_OPTIMIZED,
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------------------------

handle! {
    /// Time-aware configuration (`aq_timeaware_config*`): num_timesteps, num_time_groups, activation_bits,
    /// beta_schedule, beta_start, beta_end, calibration_samples, calibration_data_std and
    /// `thermodynamic.{validation, boundary_smoothing, transition_optimization}.*` (docs/time-aware.md).
    TimeAwareConfig,
    /// A borrowed [`TimeAwareConfig`].
    TimeAwareConfigRef, sys::aq_timeaware_config, sys::aq_timeaware_config_free
}

impl TimeAwareConfig {
    /// A configuration holding the defaults (validation on, smoothing and optimization off).
    pub fn new() -> Result<TimeAwareConfig> {
        let mut out = ptr::null_mut();
        // SAFETY: out-pointer.
        check(unsafe { sys::aq_timeaware_config_create(&mut out) })?;
        TimeAwareConfig::expect_raw(out, "aq_timeaware_config_create")
    }

    /// Sets a numeric or boolean key (booleans as 0/1) by its dotted name. Unknown keys and out-of-range values
    /// are [`Status::InvalidArgument`]; the configuration is then unchanged.
    pub fn set_number(&mut self, key: &str, value: f64) -> Result<()> {
        let key = c_string("key", key.as_bytes())?;
        // SAFETY: owned handle, valid C string.
        check(unsafe { sys::aq_timeaware_config_set_number(self.as_mut_ptr(), key.as_ptr(), value) })
    }

    /// Sets a boolean key.
    pub fn set_bool(&mut self, key: &str, value: bool) -> Result<()> {
        self.set_number(key, if value { 1.0 } else { 0.0 })
    }

    /// Sets a string key (`beta_schedule`, `thermodynamic.boundary_smoothing.interpolation`,
    /// `thermodynamic.transition_optimization.beta_schedule`).
    pub fn set_string(&mut self, key: &str, value: &str) -> Result<()> {
        let key = c_string("key", key.as_bytes())?;
        let value = c_string("value", value.as_bytes())?;
        // SAFETY: owned handle, valid C strings.
        check(unsafe { sys::aq_timeaware_config_set_string(self.as_mut_ptr(), key.as_ptr(), value.as_ptr()) })
    }

    /// Applies a JSON object with any subset of the keys, nested as in the configuration file. Malformed JSON is
    /// [`Status::Format`]; unknown keys, wrong types and out-of-range values are [`Status::InvalidArgument`].
    /// Nothing changes on failure.
    pub fn set_json(&mut self, json: &str) -> Result<()> {
        let json = c_string("json", json.as_bytes())?;
        // SAFETY: owned handle, valid C string.
        check(unsafe { sys::aq_timeaware_config_set_json(self.as_mut_ptr(), json.as_ptr()) })
    }

    /// The defaults with `json` applied.
    pub fn from_json(json: &str) -> Result<TimeAwareConfig> {
        let mut c = TimeAwareConfig::new()?;
        c.set_json(json)?;
        Ok(c)
    }
}

impl TimeAwareConfigRef {
    /// Reads a numeric key (booleans as 0/1).
    pub fn get_number(&self, key: &str) -> Result<f64> {
        let key = c_string("key", key.as_bytes())?;
        let mut v = 0.0;
        // SAFETY: valid handle, C string and out-pointer.
        check(unsafe { sys::aq_timeaware_config_get_number(self.as_ptr(), key.as_ptr(), &mut v) })?;
        Ok(v)
    }

    /// Reads a string key.
    pub fn get_string(&self, key: &str) -> Result<&'static str> {
        let key = c_string("key", key.as_bytes())?;
        let mut v: *const c_char = ptr::null();
        // SAFETY: valid handle, C string and out-pointer; the value has static storage.
        check(unsafe { sys::aq_timeaware_config_get_string(self.as_ptr(), key.as_ptr(), &mut v) })?;
        unsafe { view_str(v, None) }
    }
}

impl fmt::Debug for TimeAwareConfigRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("TimeAwareConfig");
        for key in ["num_timesteps", "num_time_groups", "activation_bits"] {
            if let Ok(v) = self.get_number(key) {
                d.field(key, &v);
            }
        }
        d.finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Time grouping and calibration statistics
// ---------------------------------------------------------------------------------------------------------------

/// Number of time groups E = min(num_groups, num_timesteps) (both ≥ 1).
pub fn group_count(num_timesteps: u64, num_groups: u64) -> Result<u64> {
    let mut n = 0;
    // SAFETY: out-pointer.
    check(unsafe { sys::aq_group_count(num_timesteps, num_groups, &mut n) })?;
    Ok(n)
}

/// Conformance `group_timesteps` (reference, exact): the E + 1 boundaries b_i = floor(i·T/E), b_E = T. Group g
/// covers timesteps `b[g]..b[g + 1]`.
pub fn group_timesteps(num_timesteps: u64, num_groups: u64) -> Result<Vec<u64>> {
    let e = group_count(num_timesteps, num_groups)?;
    let mut out = vec![0u64; e as usize + 1];
    // SAFETY: out holds E + 1 values.
    check(unsafe { sys::aq_group_timesteps(num_timesteps, num_groups, out.as_mut_ptr(), out.len() as u64) })?;
    Ok(out)
}

/// Statistics of one timestep.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimestepStats {
    pub min: f32,
    pub max: f32,
    pub mean: f32,
    pub std: f32,
    /// Number of recorded samples (0 when none).
    pub sample_count: u64,
}

handle! {
    /// Per-timestep statistics of one layer's input activations (`aq_calib_stats*`), optionally with recorded
    /// samples.
    CalibStats,
    /// A borrowed [`CalibStats`].
    CalibStatsRef, sys::aq_calib_stats, sys::aq_calib_stats_free
}

impl CalibStats {
    /// Statistics for T timesteps from four slices of T values each (T ≥ 1; finite; min ≤ max; std ≥ 0).
    pub fn new(min: &[f32], max: &[f32], mean: &[f32], std: &[f32]) -> Result<CalibStats> {
        let mut out = ptr::null_mut();
        // SAFETY: four valid slices with their lengths; out-pointer.
        check(unsafe {
            sys::aq_calib_stats_create(
                min.as_ptr(),
                min.len() as u64,
                max.as_ptr(),
                max.len() as u64,
                mean.as_ptr(),
                mean.len() as u64,
                std.as_ptr(),
                std.len() as u64,
                &mut out,
            )
        })?;
        CalibStats::expect_raw(out, "aq_calib_stats_create")
    }

    /// Data-free calibration: simulates the forward diffusion for the config's schedule; deterministic in `seed`
    /// (use a per-layer value).
    pub fn data_free(config: &TimeAwareConfigRef, seed: u64) -> Result<CalibStats> {
        let mut out = ptr::null_mut();
        // SAFETY: valid config handle; out-pointer.
        check(unsafe { sys::aq_calib_stats_data_free(config.as_ptr(), seed, &mut out) })?;
        CalibStats::expect_raw(out, "aq_calib_stats_data_free")
    }

    /// Attaches the recorded samples of one timestep (replacing earlier ones). When any timestep has samples,
    /// Phase 3 uses them and every time group must have at least one.
    pub fn set_samples(&mut self, timestep: u64, samples: &[f32]) -> Result<()> {
        // SAFETY: owned handle; valid slice.
        check(unsafe {
            sys::aq_calib_stats_set_samples(self.as_mut_ptr(), timestep, samples.as_ptr(), samples.len() as u64)
        })
    }
}

impl CalibStatsRef {
    /// Number of timesteps T.
    pub fn num_timesteps(&self) -> u64 {
        // SAFETY: valid handle.
        unsafe { sys::aq_calib_stats_num_timesteps(self.as_ptr()) }
    }

    /// Statistics of one timestep.
    pub fn get(&self, timestep: u64) -> Result<TimestepStats> {
        let mut s = TimestepStats { min: 0.0, max: 0.0, mean: 0.0, std: 0.0, sample_count: 0 };
        // SAFETY: valid handle and out-pointers.
        check(unsafe {
            sys::aq_calib_stats_get(
                self.as_ptr(),
                timestep,
                &mut s.min,
                &mut s.max,
                &mut s.mean,
                &mut s.std,
                &mut s.sample_count,
            )
        })?;
        Ok(s)
    }

    /// The recorded samples of one timestep (empty when none), borrowed from the statistics.
    pub fn samples(&self, timestep: u64) -> Result<&[f32]> {
        let (mut data, mut count) = (ptr::null(), 0u64);
        // SAFETY: valid handle; the view lives as long as the borrow of self.
        check(unsafe { sys::aq_calib_stats_samples(self.as_ptr(), timestep, &mut data, &mut count) })?;
        Ok(unsafe { view_slice(data, count) })
    }

    /// `"recorded"` or `"data-free"`.
    pub fn source(&self) -> &'static str {
        // SAFETY: static storage.
        unsafe { static_str(sys::aq_calib_stats_source(self.as_ptr())) }
    }
}

impl fmt::Debug for CalibStatsRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CalibStats")
            .field("num_timesteps", &self.num_timesteps())
            .field("source", &self.source())
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Time-group parameters
// ---------------------------------------------------------------------------------------------------------------

/// One time group's activation parameters: x ≈ (q − zero_point)·scale for timesteps `start..end`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeGroupParam {
    pub start: u64,
    pub end: u64,
    /// Activation units per code step (> 0).
    pub scale: f32,
    /// In codes; real (not rounded, not clamped).
    pub zero_point: f32,
    /// Granularity metadata of the activation quantizer.
    pub group_size: u32,
}

handle! {
    /// A layer's sequence of time-group parameters (`aq_tg_params*`).
    TgParams,
    /// Time-group parameters borrowed from a parent (an optimization or layer result) or from [`TgParams`].
    TgParamsRef, sys::aq_tg_params, sys::aq_tg_params_free
}

impl TgParams {
    /// Conformance `params_from_stats` (reference, binary32): per group of `group_timesteps(T, num_groups)`,
    /// scale = (max − min)/(2^activation_bits − 1) over its timesteps (1e-6 for a zero range), zero_point =
    /// −min/scale. `activation_bits` in 2..=16 (8 is the reference).
    pub fn from_stats(stats: &CalibStatsRef, num_groups: u64, activation_bits: i32) -> Result<TgParams> {
        let mut out = ptr::null_mut();
        // SAFETY: valid stats handle; out-pointer.
        check(unsafe { sys::aq_params_from_stats(stats.as_ptr(), num_groups, activation_bits, &mut out) })?;
        TgParams::expect_raw(out, "aq_params_from_stats")
    }

    /// Parameters from n scales (> 0) and n zero points. `boundaries` (n + 1 increasing values from 0) gives the
    /// time ranges; `None` gives group g the range g..g + 1.
    pub fn new(boundaries: Option<&[u64]>, scales: &[f32], zero_points: &[f32]) -> Result<TgParams> {
        let (b, bn) = boundaries.map_or((ptr::null(), 0), |b| (b.as_ptr(), b.len() as u64));
        let mut out = ptr::null_mut();
        // SAFETY: valid slices (or NULL with 0) and out-pointer.
        check(unsafe {
            sys::aq_tg_params_create(
                b,
                bn,
                scales.as_ptr(),
                scales.len() as u64,
                zero_points.as_ptr(),
                zero_points.len() as u64,
                &mut out,
            )
        })?;
        TgParams::expect_raw(out, "aq_tg_params_create")
    }
}

impl TgParamsRef {
    /// Number of groups.
    pub fn len(&self) -> usize {
        // SAFETY: valid handle.
        unsafe { sys::aq_tg_params_count(self.as_ptr()) as usize }
    }

    /// Whether there are no groups (never, for a handle the library produced).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// One group's parameters.
    pub fn get(&self, index: usize) -> Result<TimeGroupParam> {
        let mut p = TimeGroupParam { start: 0, end: 0, scale: 0.0, zero_point: 0.0, group_size: 0 };
        // SAFETY: valid handle and out-pointers.
        check(unsafe {
            sys::aq_tg_params_get(
                self.as_ptr(),
                index as u64,
                &mut p.start,
                &mut p.end,
                &mut p.scale,
                &mut p.zero_point,
                &mut p.group_size,
            )
        })?;
        Ok(p)
    }

    /// Every group's parameters.
    pub fn to_vec(&self) -> Result<Vec<TimeGroupParam>> {
        (0..self.len()).map(|i| self.get(i)).collect()
    }

    /// The scales, borrowed.
    pub fn scales(&self) -> Result<&[f32]> {
        self.view(sys::aq_tg_params_scales)
    }

    /// The zero points, borrowed.
    pub fn zero_points(&self) -> Result<&[f32]> {
        self.view(sys::aq_tg_params_zero_points)
    }

    /// The `[G, 4]` table (start, end, scale, zero_point per group) as stored in `NAME.tg_params`, borrowed.
    pub fn table(&self) -> Result<&[f32]> {
        self.view(sys::aq_tg_params_table)
    }

    fn view(
        &self,
        f: unsafe extern "C" fn(*const sys::aq_tg_params, *mut *const f32, *mut u64) -> sys::aq_status,
    ) -> Result<&[f32]> {
        let (mut data, mut count) = (ptr::null(), 0u64);
        // SAFETY: valid handle; the view lives as long as the borrow of self.
        check(unsafe { f(self.as_ptr(), &mut data, &mut count) })?;
        Ok(unsafe { view_slice(data, count) })
    }

    /// Phase 2: smooths the scales and zero points (time ranges and group sizes kept) into new parameters.
    pub fn smooth(&self, window: i32, method: Interpolation) -> Result<TgParams> {
        let mut out = ptr::null_mut();
        // SAFETY: valid handle; out-pointer.
        check(unsafe { sys::aq_tg_params_smooth(self.as_ptr(), window, method.raw(), &mut out) })?;
        TgParams::expect_raw(out, "aq_tg_params_smooth")
    }

    /// Phase 1: Markov validation of these parameters (see [`markov_validate`]).
    pub fn validate(&self, threshold: f32) -> Result<MarkovReport> {
        markov_validate(self.scales()?, self.zero_points()?, threshold)
    }
}

impl fmt::Debug for TgParamsRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_vec() {
            Ok(v) => f.debug_list().entries(v).finish(),
            Err(e) => write!(f, "TgParams(<{e}>)"),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Phase 1: Markov validation and the baseline summary
// ---------------------------------------------------------------------------------------------------------------

/// A boundary whose scale jump exceeds the threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Violation {
    pub boundary_idx: u64,
    /// |s[i+1] − s[i]| / s[i].
    pub scale_jump: f32,
    /// |z[i+1] − z[i]| / 255.
    pub zero_point_jump: f32,
    pub severity: Severity,
}

handle! {
    /// Result of a Markov validation (`aq_markov_report*`).
    MarkovReport,
    /// A Markov report borrowed from a layer result or from [`MarkovReport`].
    MarkovReportRef, sys::aq_markov_report, sys::aq_markov_report_free
}

/// Conformance `markov_validate` (reference, binary32) on n ≥ 1 groups: per boundary the scale jump, zero-point
/// jump and boundary score; a violation where the scale jump exceeds `threshold` (in [0, 1]).
pub fn markov_validate(scales: &[f32], zero_points: &[f32], threshold: f32) -> Result<MarkovReport> {
    let mut out = ptr::null_mut();
    // SAFETY: valid slices; out-pointer.
    check(unsafe {
        sys::aq_markov_validate(
            scales.as_ptr(),
            scales.len() as u64,
            zero_points.as_ptr(),
            zero_points.len() as u64,
            threshold,
            &mut out,
        )
    })?;
    MarkovReport::expect_raw(out, "aq_markov_validate")
}

impl MarkovReportRef {
    fn result(&self) -> Result<(bool, f32, f32)> {
        let (mut valid, mut score, mut jump) = (0, 0.0f32, 0.0f32);
        // SAFETY: valid handle and out-pointers.
        check(unsafe { sys::aq_markov_report_result(self.as_ptr(), &mut valid, &mut score, &mut jump) })?;
        Ok((valid != 0, score, jump))
    }

    /// True when there is no violation.
    pub fn is_valid(&self) -> Result<bool> {
        Ok(self.result()?.0)
    }

    /// 1 − min(Σ(sj + zj) / (2(n − 1)), 1).
    pub fn smoothness_score(&self) -> Result<f32> {
        Ok(self.result()?.1)
    }

    /// The largest scale jump (0 for a single group).
    pub fn max_scale_jump(&self) -> Result<f32> {
        Ok(self.result()?.2)
    }

    /// The n − 1 boundary scores, borrowed.
    pub fn boundary_scores(&self) -> Result<&[f32]> {
        self.view(sys::aq_markov_report_boundary_scores)
    }

    /// The n − 1 scale jumps (every boundary), borrowed.
    pub fn scale_jumps(&self) -> Result<&[f32]> {
        self.view(sys::aq_markov_report_scale_jumps)
    }

    /// The n − 1 zero-point jumps (every boundary), borrowed.
    pub fn zero_point_jumps(&self) -> Result<&[f32]> {
        self.view(sys::aq_markov_report_zero_point_jumps)
    }

    fn view(
        &self,
        f: unsafe extern "C" fn(*const sys::aq_markov_report, *mut *const f32, *mut u64) -> sys::aq_status,
    ) -> Result<&[f32]> {
        let (mut data, mut count) = (ptr::null(), 0u64);
        // SAFETY: valid handle; the view lives as long as the borrow of self.
        check(unsafe { f(self.as_ptr(), &mut data, &mut count) })?;
        Ok(unsafe { view_slice(data, count) })
    }

    /// Number of violations.
    pub fn violation_count(&self) -> usize {
        // SAFETY: valid handle.
        unsafe { sys::aq_markov_report_violation_count(self.as_ptr()) as usize }
    }

    /// Violation `index` (boundary order).
    pub fn violation(&self, index: usize) -> Result<Violation> {
        let (mut b, mut sj, mut zj, mut sev) = (0u64, 0.0f32, 0.0f32, 0 as sys::aq_severity);
        // SAFETY: valid handle and out-pointers.
        check(unsafe {
            sys::aq_markov_report_violation(self.as_ptr(), index as u64, &mut b, &mut sj, &mut zj, &mut sev)
        })?;
        Ok(Violation { boundary_idx: b, scale_jump: sj, zero_point_jump: zj, severity: Severity::from_raw(sev)? })
    }

    /// Every violation in boundary order.
    pub fn violations(&self) -> Result<Vec<Violation>> {
        (0..self.violation_count()).map(|i| self.violation(i)).collect()
    }

    /// The baseline summary of this report.
    pub fn baseline(&self) -> Result<BaselineReport> {
        let mut out = ptr::null_mut();
        // SAFETY: valid handle; out-pointer.
        check(unsafe { sys::aq_markov_report_baseline(self.as_ptr(), &mut out) })?;
        BaselineReport::expect_raw(out, "aq_markov_report_baseline")
    }
}

impl fmt::Debug for MarkovReportRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("MarkovReport");
        if let Ok((valid, score, jump)) = self.result() {
            d.field("is_valid", &valid).field("smoothness_score", &score).field("max_scale_jump", &jump);
        }
        d.field("violations", &self.violation_count()).finish()
    }
}

/// A violation given to [`baseline_summary`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BaselineViolation {
    pub boundary_idx: u64,
    pub scale_jump: f64,
    pub severity: Severity,
}

/// min/max/mean/population std of the boundary scores (all 0 when there are none).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BaselineStats {
    pub min_boundary_score: f64,
    pub max_boundary_score: f64,
    pub mean_boundary_score: f64,
    pub std_boundary_score: f64,
}

handle! {
    /// Statistics and violation-pattern strings of the baseline report (`aq_baseline_report*`).
    BaselineReport,
    /// A borrowed [`BaselineReport`].
    BaselineReportRef, sys::aq_baseline_report, sys::aq_baseline_report_free
}

/// Conformance `baseline_summary` (spec, binary64). Every `boundary_idx` must be < `boundary_scores.len()`.
pub fn baseline_summary(boundary_scores: &[f64], violations: &[BaselineViolation]) -> Result<BaselineReport> {
    let idx: Vec<u64> = violations.iter().map(|v| v.boundary_idx).collect();
    let jumps: Vec<f64> = violations.iter().map(|v| v.scale_jump).collect();
    let sev: Vec<i32> = violations.iter().map(|v| v.severity.raw() as i32).collect();
    let mut out = ptr::null_mut();
    // SAFETY: valid slices with their lengths; out-pointer.
    check(unsafe {
        sys::aq_baseline_summary(
            boundary_scores.as_ptr(),
            boundary_scores.len() as u64,
            idx.as_ptr(),
            idx.len() as u64,
            jumps.as_ptr(),
            jumps.len() as u64,
            sev.as_ptr(),
            sev.len() as u64,
            &mut out,
        )
    })?;
    BaselineReport::expect_raw(out, "aq_baseline_summary")
}

impl BaselineReportRef {
    /// The boundary-score statistics.
    pub fn stats(&self) -> Result<BaselineStats> {
        let mut s = BaselineStats {
            min_boundary_score: 0.0,
            max_boundary_score: 0.0,
            mean_boundary_score: 0.0,
            std_boundary_score: 0.0,
        };
        // SAFETY: valid handle and out-pointers.
        check(unsafe {
            sys::aq_baseline_report_stats(
                self.as_ptr(),
                &mut s.min_boundary_score,
                &mut s.max_boundary_score,
                &mut s.mean_boundary_score,
                &mut s.std_boundary_score,
            )
        })?;
        Ok(s)
    }

    /// Number of pattern strings.
    pub fn pattern_count(&self) -> usize {
        // SAFETY: valid handle.
        unsafe { sys::aq_baseline_report_pattern_count(self.as_ptr()) as usize }
    }

    /// Pattern string `index`, borrowed.
    pub fn pattern(&self, index: usize) -> Result<&str> {
        let mut text: *const c_char = ptr::null();
        // SAFETY: valid handle; the string lives until the report is freed.
        check(unsafe { sys::aq_baseline_report_pattern(self.as_ptr(), index as u64, &mut text) })?;
        unsafe { view_str(text, None) }
    }

    /// Every pattern string (`common_violation_patterns`).
    pub fn patterns(&self) -> Result<Vec<&str>> {
        (0..self.pattern_count()).map(|i| self.pattern(i)).collect()
    }
}

impl fmt::Debug for BaselineReportRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BaselineReport")
            .field("stats", &self.stats().ok())
            .field("patterns", &self.patterns().ok())
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Phase 2: boundary smoothing
// ---------------------------------------------------------------------------------------------------------------

/// Conformance `smooth_boundaries` (spec, binary64) on one sequence (call it for the scales and for the zero
/// points): ramps over `window` (1..=20) groups on each side of each boundary, computed from the original values.
pub fn smooth_boundaries(values: &[f64], window: i32, method: Interpolation) -> Result<Vec<f64>> {
    let mut out = vec![0f64; values.len()];
    // SAFETY: valid slices with their lengths.
    check(unsafe {
        sys::aq_smooth_boundaries(
            values.as_ptr(),
            values.len() as u64,
            window,
            method.raw(),
            out.as_mut_ptr(),
            out.len() as u64,
        )
    })?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------------------
// Phase 3: schedules, transitions, losses
// ---------------------------------------------------------------------------------------------------------------

/// Conformance `beta_schedule` (reference, binary32): `num_timesteps` betas.
pub fn beta_schedule(kind: BetaSchedule, num_timesteps: u64, beta_start: f32, beta_end: f32) -> Result<Vec<f32>> {
    let n = usize::try_from(num_timesteps)
        .map_err(|_| Error::new(Status::OutOfMemory, "num_timesteps does not fit this platform's memory"))?;
    let mut out = vec![0f32; n];
    // SAFETY: out holds num_timesteps values.
    check(unsafe {
        sys::aq_beta_schedule(kind.raw(), num_timesteps, beta_start, beta_end, out.as_mut_ptr(), out.len() as u64)
    })?;
    Ok(out)
}

/// Mean and standard deviation of a one-step forward-diffusion transition.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Transition {
    pub mean: f32,
    pub std: f32,
}

/// Conformance `transition` (reference, binary32): with β = schedule\[timestep\], mean = mean(w)·√(1−β) and
/// std = √(var(w)·(1−β) + β).
pub fn transition(
    weights: &[f32],
    kind: BetaSchedule,
    num_timesteps: u64,
    beta_start: f32,
    beta_end: f32,
    timestep: u64,
) -> Result<Transition> {
    let mut t = Transition::default();
    // SAFETY: valid slice and out-pointers.
    check(unsafe {
        sys::aq_transition(
            weights.as_ptr(),
            weights.len() as u64,
            kind.raw(),
            num_timesteps,
            beta_start,
            beta_end,
            timestep,
            &mut t.mean,
            &mut t.std,
        )
    })?;
    Ok(t)
}

/// Statistics of a [`TransitionComputer`]'s cache.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub size: u64,
    pub capacity: u64,
    /// hits / (hits + misses); 0 before the first call.
    pub hit_rate: f64,
}

handle! {
    /// Transition computer with an LRU cache keyed by the full content (`aq_transition_computer*`).
    TransitionComputer,
    /// A borrowed [`TransitionComputer`].
    TransitionComputerRef, sys::aq_transition_computer, sys::aq_transition_computer_free
}

impl TransitionComputer {
    /// A computer for one schedule; `capacity` 0 disables the cache.
    pub fn new(kind: BetaSchedule, num_timesteps: u64, beta_start: f32, beta_end: f32, capacity: u64) -> Result<Self> {
        let mut out = ptr::null_mut();
        // SAFETY: out-pointer.
        check(unsafe {
            sys::aq_transition_computer_create(kind.raw(), num_timesteps, beta_start, beta_end, capacity, &mut out)
        })?;
        TransitionComputer::expect_raw(out, "aq_transition_computer_create")
    }

    /// As [`transition`], through the cache.
    pub fn compute(&mut self, weights: &[f32], timestep: u64) -> Result<Transition> {
        let mut t = Transition::default();
        // SAFETY: owned handle, valid slice and out-pointers.
        check(unsafe {
            sys::aq_transition_computer_compute(
                self.as_mut_ptr(),
                weights.as_ptr(),
                weights.len() as u64,
                timestep,
                &mut t.mean,
                &mut t.std,
            )
        })?;
        Ok(t)
    }

    /// Drops every cached entry and resets the counters.
    pub fn clear(&mut self) -> Result<()> {
        // SAFETY: owned handle.
        check(unsafe { sys::aq_transition_computer_clear(self.as_mut_ptr()) })
    }
}

impl TransitionComputerRef {
    /// Cache statistics.
    pub fn stats(&self) -> Result<CacheStats> {
        let mut s = CacheStats { hits: 0, misses: 0, size: 0, capacity: 0, hit_rate: 0.0 };
        // SAFETY: valid handle and out-pointers.
        check(unsafe {
            sys::aq_transition_computer_stats(
                self.as_ptr(),
                &mut s.hits,
                &mut s.misses,
                &mut s.size,
                &mut s.capacity,
                &mut s.hit_rate,
            )
        })?;
        Ok(s)
    }
}

impl fmt::Debug for TransitionComputerRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TransitionComputer").field(&self.stats().ok()).finish()
    }
}

/// Conformance `gaussian_kl` (reference, binary32): KL(N(mu1, sigma1) ‖ N(mu2, sigma2)) in nats, sigmas floored
/// at 1e-8, result ≥ 0.
pub fn gaussian_kl(mu1: f32, sigma1: f32, mu2: f32, sigma2: f32) -> Result<f32> {
    let mut kl = 0.0;
    // SAFETY: out-pointer.
    check(unsafe { sys::aq_gaussian_kl(mu1, sigma1, mu2, sigma2, &mut kl) })?;
    Ok(kl)
}

/// Conformance `quantization_loss` (reference, binary32): mean squared error of two slices of equal length ≥ 1.
pub fn quantization_loss(original: &[f32], quantized: &[f32]) -> Result<f32> {
    let mut mse = 0.0;
    // SAFETY: valid slices; out-pointer.
    check(unsafe {
        sys::aq_quantization_loss(
            original.as_ptr(),
            original.len() as u64,
            quantized.as_ptr(),
            quantized.len() as u64,
            &mut mse,
        )
    })?;
    Ok(mse)
}

fn split(ts: &[Transition]) -> (Vec<f32>, Vec<f32>) {
    ts.iter().map(|t| (t.mean, t.std)).unzip()
}

/// Conformance `markov_constraint_loss` (reference, binary32): the mean Gaussian KL of paired transitions.
pub fn markov_constraint_loss(original: &[Transition], quantized: &[Transition]) -> Result<f32> {
    let (om, os) = split(original);
    let (qm, qs) = split(quantized);
    let mut loss = 0.0;
    // SAFETY: valid slices; out-pointer.
    check(unsafe {
        sys::aq_markov_constraint_loss(
            om.as_ptr(),
            om.len() as u64,
            os.as_ptr(),
            os.len() as u64,
            qm.as_ptr(),
            qm.len() as u64,
            qs.as_ptr(),
            qs.len() as u64,
            &mut loss,
        )
    })?;
    Ok(loss)
}

/// Conformance `entropy_regularization` (reference, binary32): −H of the values binned at round(w·100) (≤ 0).
pub fn entropy_regularization(weights: &[f32]) -> Result<f32> {
    let mut v = 0.0;
    // SAFETY: valid slice; out-pointer.
    check(unsafe { sys::aq_entropy_regularization(weights.as_ptr(), weights.len() as u64, &mut v) })?;
    Ok(v)
}

/// Conformance `total_loss` (reference, binary32): (mse + markov_weight·markov) + entropy_weight·E.
pub fn total_loss(
    original: &[f32],
    quantized: &[f32],
    original_transitions: &[Transition],
    quantized_transitions: &[Transition],
    markov_weight: f32,
    entropy_weight: f32,
) -> Result<f32> {
    let (om, os) = split(original_transitions);
    let (qm, qs) = split(quantized_transitions);
    let mut loss = 0.0;
    // SAFETY: valid slices; out-pointer.
    check(unsafe {
        sys::aq_total_loss(
            original.as_ptr(),
            original.len() as u64,
            quantized.as_ptr(),
            quantized.len() as u64,
            om.as_ptr(),
            om.len() as u64,
            os.as_ptr(),
            os.len() as u64,
            qm.as_ptr(),
            qm.len() as u64,
            qs.as_ptr(),
            qs.len() as u64,
            markov_weight,
            entropy_weight,
            &mut loss,
        )
    })?;
    Ok(loss)
}

/// Codes and dequantized values of [`affine_u8`].
#[derive(Clone, Debug, PartialEq)]
pub struct AffineU8 {
    pub codes: Vec<u8>,
    pub dequantized: Vec<f32>,
}

/// Conformance `affine_u8` (reference, binary32): codes = clamp(round(w/scale + zero_point), 0, 255) (half away
/// from zero), dequantized = (code − zero_point)·scale.
pub fn affine_u8(weights: &[f32], scale: f32, zero_point: f32) -> Result<AffineU8> {
    let mut r = AffineU8 { codes: vec![0; weights.len()], dequantized: vec![0.0; weights.len()] };
    affine_u8_into(weights, scale, zero_point, Some(&mut r.codes), Some(&mut r.dequantized))?;
    Ok(r)
}

/// As [`affine_u8`] into caller buffers (each at least `weights.len()` long, or `None`).
pub fn affine_u8_into(
    weights: &[f32],
    scale: f32,
    zero_point: f32,
    codes: Option<&mut [u8]>,
    dequantized: Option<&mut [f32]>,
) -> Result<()> {
    let (c, cn) = codes.map_or((ptr::null_mut(), 0), |c| (c.as_mut_ptr(), c.len() as u64));
    let (d, dn) = dequantized.map_or((ptr::null_mut(), 0), |d| (d.as_mut_ptr(), d.len() as u64));
    // SAFETY: valid slices (or NULL with 0).
    check(unsafe { sys::aq_affine_u8(weights.as_ptr(), weights.len() as u64, scale, zero_point, c, cn, d, dn) })
}

/// Conformance `cosine_similarity` (reference, binary32): clamp(dot/(|a||b|), −1, 1); equal lengths ≥ 1, neither
/// vector zero.
pub fn cosine_similarity(a: &[f32], b: &[f32]) -> Result<f32> {
    let mut c = 0.0;
    // SAFETY: valid slices; out-pointer.
    check(unsafe { sys::aq_cosine_similarity(a.as_ptr(), a.len() as u64, b.as_ptr(), b.len() as u64, &mut c) })?;
    Ok(c)
}

// ---------------------------------------------------------------------------------------------------------------
// Phase 3: transition optimization
// ---------------------------------------------------------------------------------------------------------------

/// Summary of an optimization.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptimizationSummary {
    /// Objective at the initial parameters.
    pub initial_loss: f32,
    /// Objective at the returned (best) parameters; the minimum of the loss history.
    pub final_loss: f32,
    /// Evaluated points.
    pub iterations: u64,
    /// The last two losses differed by less than convergence_threshold.
    pub converged: bool,
}

/// The chain solver's search (`aq_optimization_chain`); zeros for the gradient optimizer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChainSearch {
    /// Multiplier on the boundary jumps that met the score target (0: the target did not bind).
    pub multiplier: f64,
    /// The target bound, so the multiplier was searched.
    pub target_bound: bool,
    /// Candidates per group used.
    pub candidates: u64,
}

handle! {
    /// Result of a transition optimization (`aq_optimization*`).
    Optimization,
    /// An optimization result borrowed from a layer result or from [`Optimization`].
    OptimizationRef, sys::aq_optimization, sys::aq_optimization_free
}

/// Phase 3: optimizes per-group (ln scale, zero point) of `initial` against each group's calibration data from
/// `stats` (recorded samples, or values drawn from the statistics with `seed`), with the config's
/// `thermodynamic.transition_optimization` settings (its `enabled` switch is ignored here). Deterministic.
pub fn optimize_params(
    initial: &TgParamsRef,
    stats: &CalibStatsRef,
    config: &TimeAwareConfigRef,
    seed: u64,
) -> Result<Optimization> {
    let mut out = ptr::null_mut();
    // SAFETY: valid handles; out-pointer.
    check(unsafe { sys::aq_optimize_params(initial.as_ptr(), stats.as_ptr(), config.as_ptr(), seed, &mut out) })?;
    Optimization::expect_raw(out, "aq_optimize_params")
}

impl OptimizationRef {
    /// The best parameters found, borrowed from the result.
    pub fn params(&self) -> Result<&TgParamsRef> {
        let mut p = ptr::null();
        // SAFETY: valid handle; the view lives until the result is freed.
        check(unsafe { sys::aq_optimization_params(self.as_ptr(), &mut p) })?;
        unsafe { TgParamsRef::from_nullable(p) }
            .ok_or_else(|| Error::new(Status::Internal, "aq_optimization_params returned NULL"))
    }

    /// Initial and final loss, iterations, convergence.
    pub fn summary(&self) -> Result<OptimizationSummary> {
        let (mut i, mut f, mut n, mut c) = (0.0f32, 0.0f32, 0u64, 0);
        // SAFETY: valid handle and out-pointers.
        check(unsafe { sys::aq_optimization_result(self.as_ptr(), &mut i, &mut f, &mut n, &mut c) })?;
        Ok(OptimizationSummary { initial_loss: i, final_loss: f, iterations: n, converged: c != 0 })
    }

    /// One objective value per iteration, borrowed.
    pub fn loss_history(&self) -> Result<&[f32]> {
        let (mut data, mut count) = (ptr::null(), 0u64);
        // SAFETY: valid handle; the view lives as long as the borrow of self.
        check(unsafe { sys::aq_optimization_loss_history(self.as_ptr(), &mut data, &mut count) })?;
        Ok(unsafe { view_slice(data, count) })
    }

    /// Transition cache `(hits, misses)` during the optimization.
    pub fn cache_stats(&self) -> Result<(u64, u64)> {
        let (mut h, mut m) = (0u64, 0u64);
        // SAFETY: valid handle and out-pointers.
        check(unsafe { sys::aq_optimization_cache_stats(self.as_ptr(), &mut h, &mut m) })?;
        Ok((h, m))
    }

    /// Which solver produced the result: `"chain"` or `"gradient"`.
    pub fn optimizer(&self) -> Result<&'static str> {
        let mut p = ptr::null();
        // SAFETY: valid handle; the library returns a static string.
        check(unsafe { sys::aq_optimization_optimizer(self.as_ptr(), &mut p) })?;
        Ok(unsafe { static_str(p) })
    }

    /// The chain solver's multiplier, whether the target bound, and the candidates per group.
    pub fn chain(&self) -> Result<ChainSearch> {
        let (mut m, mut b, mut k) = (0.0f64, 0, 0u64);
        // SAFETY: valid handle and out-pointers.
        check(unsafe { sys::aq_optimization_chain(self.as_ptr(), &mut m, &mut b, &mut k) })?;
        Ok(ChainSearch { multiplier: m, target_bound: b != 0, candidates: k })
    }

    /// The price of smoothness: `(mse, unconstrained_mse)` of the result and of each group's own best.
    pub fn price(&self) -> Result<(f32, f32)> {
        let (mut a, mut b) = (0.0f32, 0.0f32);
        // SAFETY: valid handle and out-pointers.
        check(unsafe { sys::aq_optimization_price(self.as_ptr(), &mut a, &mut b) })?;
        Ok((a, b))
    }

    /// Each group's own best candidate (empty for the gradient optimizer), borrowed from the result.
    pub fn unconstrained_params(&self) -> Result<&TgParamsRef> {
        let mut p = ptr::null();
        // SAFETY: valid handle; the view lives until the result is freed.
        check(unsafe { sys::aq_optimization_unconstrained_params(self.as_ptr(), &mut p) })?;
        unsafe { TgParamsRef::from_nullable(p) }
            .ok_or_else(|| Error::new(Status::Internal, "aq_optimization_unconstrained_params returned NULL"))
    }
}

impl fmt::Debug for OptimizationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Optimization").field(&self.summary().ok()).finish()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Layer entry point
// ---------------------------------------------------------------------------------------------------------------

/// The Phase 3 objective's components at one stage's parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LossBreakdown {
    pub mse: f32,
    /// Mean KL over groups.
    pub markov: f32,
    /// −H of the quantized samples.
    pub entropy: f32,
    /// Smoothness coupling term.
    pub coupling: f32,
    pub total: f32,
}

/// Wall-clock seconds of each phase (0 for a phase that did not run).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhaseTimings {
    pub validate_before: f64,
    pub smooth: f64,
    pub optimize: f64,
    pub validate_after: f64,
}

handle! {
    /// Everything the time-aware phases produced for one layer (`aq_layer_result*`).
    LayerResult,
    /// A borrowed [`LayerResult`].
    LayerResultRef, sys::aq_layer_result, sys::aq_layer_result_free
}

/// Time-aware parameters of one layer: params from stats → Phase 1 validation → Phase 2 smoothing → Phase 3
/// optimization → validation again, each per its config switch. `seed` selects the data drawn from statistics.
pub fn timeaware_layer(stats: &CalibStatsRef, config: &TimeAwareConfigRef, seed: u64) -> Result<LayerResult> {
    let mut out = ptr::null_mut();
    // SAFETY: valid handles; out-pointer.
    check(unsafe { sys::aq_timeaware_layer(stats.as_ptr(), config.as_ptr(), seed, &mut out) })?;
    LayerResult::expect_raw(out, "aq_timeaware_layer")
}

impl LayerResultRef {
    /// The final parameters, borrowed.
    pub fn params(&self) -> Result<&TgParamsRef> {
        let mut p = ptr::null();
        // SAFETY: valid handle; the view lives until the result is freed.
        check(unsafe { sys::aq_layer_result_params(self.as_ptr(), &mut p) })?;
        unsafe { TgParamsRef::from_nullable(p) }
            .ok_or_else(|| Error::new(Status::Internal, "aq_layer_result_params returned NULL"))
    }

    /// A stage's parameters, borrowed; `None` when the stage did not run.
    pub fn stage_params(&self, stage: Stage) -> Result<Option<&TgParamsRef>> {
        let mut p = ptr::null();
        // SAFETY: valid handle; the view lives until the result is freed.
        check(unsafe { sys::aq_layer_result_stage_params(self.as_ptr(), stage.raw(), &mut p) })?;
        Ok(unsafe { TgParamsRef::from_nullable(p) })
    }

    /// Whether the stage ran (the initial stage always does).
    pub fn stage_ran(&self, stage: Stage) -> bool {
        // SAFETY: valid handle.
        unsafe { sys::aq_layer_result_stage_ran(self.as_ptr(), stage.raw()) != 0 }
    }

    /// A stage's Markov report, borrowed; `None` when the stage did not run or validation is disabled.
    pub fn stage_report(&self, stage: Stage) -> Result<Option<&MarkovReportRef>> {
        let mut p = ptr::null();
        // SAFETY: valid handle; the view lives until the result is freed.
        check(unsafe { sys::aq_layer_result_stage_report(self.as_ptr(), stage.raw(), &mut p) })?;
        Ok(unsafe { MarkovReportRef::from_nullable(p) })
    }

    /// The objective's components at a stage's parameters; `None` when the stage did not run or the schedule is
    /// undefined.
    pub fn stage_loss(&self, stage: Stage) -> Result<Option<LossBreakdown>> {
        let mut available = 0;
        let mut l = LossBreakdown { mse: 0.0, markov: 0.0, entropy: 0.0, coupling: 0.0, total: 0.0 };
        // SAFETY: valid handle and out-pointers.
        check(unsafe {
            sys::aq_layer_result_stage_loss(
                self.as_ptr(),
                stage.raw(),
                &mut available,
                &mut l.mse,
                &mut l.markov,
                &mut l.entropy,
                &mut l.coupling,
                &mut l.total,
            )
        })?;
        Ok((available != 0).then_some(l))
    }

    /// The optimization result, borrowed; `None` when Phase 3 did not run.
    pub fn optimization(&self) -> Result<Option<&OptimizationRef>> {
        let mut p = ptr::null();
        // SAFETY: valid handle; the view lives until the result is freed.
        check(unsafe { sys::aq_layer_result_optimization(self.as_ptr(), &mut p) })?;
        Ok(unsafe { OptimizationRef::from_nullable(p) })
    }

    /// Wall-clock seconds of each phase.
    pub fn timings(&self) -> Result<PhaseTimings> {
        let mut t = PhaseTimings { validate_before: 0.0, smooth: 0.0, optimize: 0.0, validate_after: 0.0 };
        // SAFETY: valid handle and out-pointers.
        check(unsafe {
            sys::aq_layer_result_timings(
                self.as_ptr(),
                &mut t.validate_before,
                &mut t.smooth,
                &mut t.optimize,
                &mut t.validate_after,
            )
        })?;
        Ok(t)
    }

    /// `"recorded"` or `"data-free"`, borrowed.
    pub fn calibration_source(&self) -> &str {
        // SAFETY: valid until the result is freed, which the borrow of self prevents.
        let p = unsafe { sys::aq_layer_result_calibration_source(self.as_ptr()) };
        if p.is_null() {
            return "";
        }
        unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("")
    }
}

impl fmt::Debug for LayerResultRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ran: Vec<Stage> = Stage::ALL.into_iter().filter(|s| self.stage_ran(*s)).collect();
        f.debug_struct("LayerResult")
            .field("stages", &ran)
            .field("calibration_source", &self.calibration_source())
            .finish_non_exhaustive()
    }
}
