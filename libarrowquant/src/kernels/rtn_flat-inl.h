// The vector primitives of the rtn fast path for flat fp16 parameters (row_driver-inl.h, RowRtnFlat). Textual
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

// EncodeRun for rtn with flat fp16 parameters: codes in [0, maxq] without clamping, and the statistics other
// than the energy (ScanGroups took it). n a multiple of 16; the vector length must be kN.
template <class P>
static HWY_INLINE void EncodeRunRtn(const float* HWY_RESTRICT x, size_t n, size_t G, const P* eff, const float* inv,
                                    uint8_t* HWY_RESTRICT codes, StatLanes* HWY_RESTRICT lanes, float* max_abs) {
  using D = hn::ScalableTag<float>;
  const D d;
  const hn::Rebind<uint32_t, D> du32;
  const hn::Rebind<uint8_t, D> du8;
  constexpr size_t kN = HWY_LANES(float) < kVLanes ? HWY_LANES(float) : kVLanes;
  constexpr size_t K = kVLanes / kN;
  const auto vmagic = hn::Set(d, kMagic);
  const auto vlow = hn::Set(du32, 0xFFu);
  auto vmaxabs = hn::Zero(d);
  VLaneAcc<K, D> sse, recon, dot;
  sse.load(d, lanes->sse);
  recon.load(d, lanes->recon);
  dot.load(d, lanes->dot);
  for (size_t g = 0; g < G; ++g) {
    const auto voff = hn::Set(d, eff[g].offset);
    const auto vsc = hn::Set(d, eff[g].scale);
    const auto vinv = hn::Set(d, inv[g]);
    const float* xg = x + g * n;
    uint8_t* cg = codes + g * n;
    for (size_t i = 0; i < n; i += kVLanes) {
      for (size_t k = 0; k < K; ++k) {
        const auto w = hn::LoadU(d, xg + i + k * kN);
        const auto t = hn::Mul(hn::Sub(w, voff), vinv);
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

// Whether this target's vectors hold at most 16 lanes (the fast path's layout).
static HWY_INLINE bool RowRtnLanesOk() {
  constexpr size_t kN = HWY_LANES(float) < kVLanes ? HWY_LANES(float) : kVLanes;
  return hn::Lanes(hn::ScalableTag<float>()) == kN;
}
static HWY_INLINE bool RowScanGroups(const float* x, size_t n, size_t G, float* gmin, float* gmax, float* energy) {
  return ScanGroups(x, n, G, gmin, gmax, energy);
}
template <class P>
static HWY_INLINE void RowEncodeRunRtn(const float* x, size_t n, size_t G, const P* eff, const float* inv,
                                       uint8_t* codes, StatLanes* lanes, float* max_abs) {
  EncodeRunRtn(x, n, G, eff, inv, codes, lanes, max_abs);
}
