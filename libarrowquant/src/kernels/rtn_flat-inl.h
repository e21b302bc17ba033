// The vector primitives of the rtn fast path (row_driver-inl.h, RowRtnFast) for fp16 parameters, flat or
// hierarchical. Textual
// include without a guard, inside a Highway target's namespace (affine-inl.h) after EncodeRun and VLaneAcc.
//
// Why a separate path: a row is read from memory once, by the min/max scan, which waits on memory; the encode
// pass that follows runs from cache and is bound by arithmetic. So the sum of squares of the weights (which does
// not depend on the codes) moves into the scan, and the encode pass drops the clamps that rtn never needs with
// fp16 parameters (see RowRtnFlat). Both give the same bits as the general path: the same additions per virtual
// lane in the same order, and clamps that are proven no-ops.

// Min/max of G consecutive groups of n elements (n a multiple of 16) into gmin/gmax (+0 for zeros of either
// sign), and the squares of all their elements added to the virtual lanes `energy` in element order. Returns
// false when some value is NaN (the caller then leaves the slice to the general path, which reports it): the
// lanes come in without NaN, squares are never negative, so a lane is NaN afterwards exactly when some value
// was, and the scan needs no compare per element.
static HWY_INLINE bool ScanGroups(const float* HWY_RESTRICT x, size_t n, size_t G, float* HWY_RESTRICT gmin,
                                  float* HWY_RESTRICT gmax, float* HWY_RESTRICT energy) {
  using D = hn::ScalableTag<float>;
  const D d;
  constexpr size_t kN = HWY_LANES(float) < kVLanes ? HWY_LANES(float) : kVLanes;
  constexpr size_t K = kVLanes / kN;
  VLaneAcc<K, D> en;
  en.load(d, energy);
  for (size_t g = 0; g < G; ++g) {
    const float* xg = x + g * n;
    hn::Vec<D> vmin[K], vmax[K];
    for (size_t k = 0; k < K; ++k) {
      vmin[k] = hn::Set(d, HUGE_VALF);
      vmax[k] = hn::Set(d, -HUGE_VALF);
    }
    for (size_t i = 0; i < n; i += kVLanes) {
      for (size_t k = 0; k < K; ++k) {
        const auto w = hn::LoadU(d, xg + i + k * kN);
        vmin[k] = hn::Min(vmin[k], w);
        vmax[k] = hn::Max(vmax[k], w);
        en.v[k] = hn::Add(en.v[k], hn::Mul(w, w));
      }
    }
    for (size_t k = 1; k < K; ++k) {
      vmin[0] = hn::Min(vmin[0], vmin[k]);
      vmax[0] = hn::Max(vmax[0], vmax[k]);
    }
    gmin[g] = hn::GetLane(hn::MinOfLanes(d, vmin[0])) + 0.0f;
    gmax[g] = hn::GetLane(hn::MaxOfLanes(d, vmax[0])) + 0.0f;
  }
  en.store(d, energy);
  bool nan = false;
  for (size_t l = 0; l < kVLanes; ++l) nan |= !(energy[l] == energy[l]);
  return !nan;
}

// EncodeRun for rtn, with the statistics other than the energy (ScanGroups took it). kClamp false: flat fp16
// parameters, whose codes are in [0, maxq] without clamping (RowRtnFast); true: hierarchical parameters, whose
// sub-group ranges are quantized and may not cover the values. n a multiple of 16; vector length kN.
template <bool kClamp>
static HWY_INLINE void EncodeRunRtn(const float* HWY_RESTRICT x, size_t n, size_t G, const float* scale,
                                    const float* offset, const float* inv, uint8_t* HWY_RESTRICT codes,
                                    uint32_t maxq, StatLanes* HWY_RESTRICT lanes, float* max_abs) {
  using D = hn::ScalableTag<float>;
  const D d;
  const hn::Rebind<uint32_t, D> du32;
  const hn::Rebind<uint8_t, D> du8;
  constexpr size_t kN = HWY_LANES(float) < kVLanes ? HWY_LANES(float) : kVLanes;
  constexpr size_t K = kVLanes / kN;
  const auto vmagic = hn::Set(d, kMagic);
  const auto vlow = hn::Set(du32, 0xFFu);
  const auto vzero = hn::Zero(d);
  const auto vmaxq = hn::Set(d, static_cast<float>(maxq));
  auto vmaxabs = hn::Zero(d);
  VLaneAcc<K, D> sse, recon, dot;
  sse.load(d, lanes->sse);
  recon.load(d, lanes->recon);
  dot.load(d, lanes->dot);
  for (size_t g = 0; g < G; ++g) {
    const auto voff = hn::Set(d, offset[g]);
    const auto vsc = hn::Set(d, scale[g]);
    const auto vinv = hn::Set(d, inv[g]);
    const float* xg = x + g * n;
    uint8_t* cg = codes + g * n;
    for (size_t i = 0; i < n; i += kVLanes) {
      for (size_t k = 0; k < K; ++k) {
        const auto w = hn::LoadU(d, xg + i + k * kN);
        auto t = hn::Mul(hn::Sub(w, voff), vinv);
        if (kClamp) t = hn::Min(hn::Max(t, vzero), vmaxq);
        // t + 1.5 * 2^23 holds the rounded code (0 <= code <= 255) in its low mantissa bits: masked, it narrows
        // without the float-to-integer conversion and the saturating packs.
        const auto tm = hn::Add(t, vmagic);
        const auto qf = hn::Sub(tm, vmagic);
        hn::StoreU(hn::U8FromU32(hn::And(hn::BitCast(du32, tm), vlow)), du8, cg + i + k * kN);
        const auto wh = hn::Add(voff, hn::Mul(qf, vsc));
        const auto e = hn::Sub(w, wh);
        vmaxabs = hn::Max(vmaxabs, hn::Abs(e));
        sse.v[k] = hn::Add(sse.v[k], hn::Mul(e, e));
        recon.v[k] = hn::Add(recon.v[k], hn::Mul(wh, wh));
        dot.v[k] = hn::Add(dot.v[k], hn::Mul(w, wh));
      }
    }
  }
  sse.store(d, lanes->sse);
  recon.store(d, lanes->recon);
  dot.store(d, lanes->dot);
  const float m = hn::GetLane(hn::MaxOfLanes(d, vmaxabs));
  if (m > *max_abs) *max_abs = m;
}

// 2^k and 2^-k for the binary16 spacing 2^-k at each lane of x (f16_quantum_exp): k = 24 below 2^-14, else
// 10 - exponent(x). Lanes far outside the binary16 range get some finite power of two (their group fails anyway).
template <class D, class V = hn::Vec<D>>
static HWY_INLINE void F16Quantum(D d, V x, V* p, V* pinv) {
  const hn::RebindToSigned<D> di;
  const auto e = hn::Sub(hn::And(hn::ShiftRight<23>(hn::BitCast(di, x)), hn::Set(di, 0xFF)), hn::Set(di, 127));
  const auto k = hn::IfThenElse(hn::Lt(e, hn::Set(di, -14)), hn::Set(di, 24), hn::Sub(hn::Set(di, 10), e));
  *p = hn::BitCast(d, hn::ShiftLeft<23>(hn::Add(k, hn::Set(di, 127))));
  *pinv = hn::BitCast(d, hn::ShiftLeft<23>(hn::Sub(hn::Set(di, 127), k)));
}

// Floor (kCeil false) or ceiling. On the emulated targets (SCALAR, EMU128), Highway 1.0.3's Floor/Ceil gave
// scales that differ from the reference's std::floor/std::ceil in the per-target test, so those targets call the
// C library per lane.
template <bool kCeil, class D, class V>
static HWY_INLINE V RoundExact(D d, V v) {
#if HWY_TARGET == HWY_SCALAR || HWY_TARGET == HWY_EMU128
  HWY_ALIGN float a[HWY_LANES(float)];
  hn::Store(v, d, a);
  for (size_t i = 0; i < hn::Lanes(d); ++i) a[i] = kCeil ? std::ceil(a[i]) : std::floor(a[i]);
  return hn::Load(d, a);
#else
  (void)d;
  return kCeil ? hn::Ceil(v) : hn::Floor(v);
#endif
}

// RowStoreFlat for rtn with fp16 parameters, for G groups at once: offset = the binary16 value at or below mn,
// scale = the one at or above (mx - offset) / maxq, inv = 1/scale (0 for scale 0). False when some group does
// not fit binary16 (RowStoreFlat's test). Per lane the same IEEE operations as f16_round_down/up (the floor and
// ceiling of x * 2^k are exact on every target), so the values are RowStoreFlat's.
static HWY_INLINE bool RtnFlatParams(const float* HWY_RESTRICT gmin, const float* HWY_RESTRICT gmax, size_t G,
                                     uint32_t maxq, float* HWY_RESTRICT scale, float* HWY_RESTRICT offset,
                                     float* HWY_RESTRICT inv) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const auto vmaxq = hn::Set(d, static_cast<float>(maxq));
  const auto lim = hn::Set(d, 65504.0f);
  const auto zero = hn::Zero(d);
  const auto one = hn::Set(d, 1.0f);
  const auto grow = hn::Set(d, 1.0625f);
  auto bad = hn::Zero(d);
  HWY_ALIGN float mnb[HWY_LANES(float)], mxb[HWY_LANES(float)], sb[HWY_LANES(float)], ob[HWY_LANES(float)], ib[HWY_LANES(float)];
  for (size_t g = 0; g < G; g += N) {
    const size_t m = std::min(N, G - g);
    // A short last chunk runs on zero padding (a valid group: scale 0), its extra lanes discarded.
    for (size_t l = 0; l < N; ++l) {
      mnb[l] = l < m ? gmin[g + l] : 0.0f;
      mxb[l] = l < m ? gmax[g + l] : 0.0f;
    }
    const auto mn = hn::Load(d, mnb), mx = hn::Load(d, mxb);
    const auto raw = hn::Div(hn::Sub(mx, mn), vmaxq);
    auto fail = hn::Or(hn::Gt(hn::Abs(mn), lim), hn::Gt(hn::Abs(mx), lim));
    fail = hn::Or(fail, hn::Gt(raw, lim));
    hn::Vec<decltype(d)> p, pinv;
    F16Quantum(d, mn, &p, &pinv);
    const auto off = hn::Mul(RoundExact<false>(d, hn::Mul(mn, p)), pinv);
    const auto q0 = hn::Div(hn::Sub(mx, off), vmaxq);
    fail = hn::Or(fail, hn::Gt(q0, lim));
    F16Quantum(d, q0, &p, &pinv);
    const auto sc = hn::Mul(RoundExact<true>(d, hn::Mul(q0, p)), pinv);
    fail = hn::Or(fail, hn::And(hn::Gt(raw, zero), hn::Gt(sc, hn::Mul(raw, grow))));
    bad = hn::Or(bad, hn::VecFromMask(d, fail));
    hn::Store(sc, d, sb);
    hn::Store(off, d, ob);
    hn::Store(hn::IfThenElseZero(hn::Gt(sc, zero), hn::Div(one, sc)), d, ib);
    for (size_t l = 0; l < m; ++l) {
      scale[g + l] = sb[l];
      offset[g + l] = ob[l];
      inv[g + l] = ib[l];
    }
  }
  return hn::AllFalse(d, hn::MaskFromVec(bad));
}

// Whether this target's vectors hold at most 16 lanes (the fast path's layout).
static HWY_INLINE bool RowRtnLanesOk() {
  constexpr size_t kN = HWY_LANES(float) < kVLanes ? HWY_LANES(float) : kVLanes;
  return hn::Lanes(hn::ScalableTag<float>()) == kN;
}
static HWY_INLINE bool RowScanGroups(const float* x, size_t n, size_t G, float* gmin, float* gmax, float* energy) {
  return ScanGroups(x, n, G, gmin, gmax, energy);
}
static HWY_INLINE void RowEncodeRunRtn(bool clamp, const float* x, size_t n, size_t G, const float* scale,
                                       const float* offset, const float* inv, uint32_t maxq, uint8_t* codes,
                                       StatLanes* lanes, float* max_abs) {
  if (clamp) {
    EncodeRunRtn<true>(x, n, G, scale, offset, inv, codes, maxq, lanes, max_abs);
  } else {
    EncodeRunRtn<false>(x, n, G, scale, offset, inv, codes, maxq, lanes, max_abs);
  }
}
// inv[g] = 1 / scale[g], 0 where scale[g] is not positive (RowSafeInv), in vectors.
static HWY_INLINE void RowInverses(const float* HWY_RESTRICT scale, size_t G, float* HWY_RESTRICT inv) {
  const hn::ScalableTag<float> d;
  const size_t N = hn::Lanes(d);
  const auto zero = hn::Zero(d), one = hn::Set(d, 1.0f);
  size_t g = 0;
  for (; g + N <= G; g += N) {
    const auto s = hn::LoadU(d, scale + g);
    hn::StoreU(hn::IfThenElseZero(hn::Gt(s, zero), hn::Div(one, s)), d, inv + g);
  }
  for (; g < G; ++g) inv[g] = scale[g] > 0.0f ? 1.0f / scale[g] : 0.0f;
}
static HWY_INLINE bool RowRtnFlatParams(const float* gmin, const float* gmax, size_t G, uint32_t maxq, float* scale,
                                        float* offset, float* inv) {
  return RtnFlatParams(gmin, gmax, G, maxq, scale, offset, inv);
}
