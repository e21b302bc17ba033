// The `search` of several groups at once, one group per vector lane: the computation of SearchGroup
// (search-inl.h) with the same IEEE operations in the same order in every lane, so each group's (scale, offset)
// is bit-identical to SearchGroup's whatever the vector width. Textual include without a guard, inside a
// Highway target's namespace (affine-inl.h) where `hn` names it.
//
// Layout: the groups are transposed into xt[j * N + lane], so element j of every group is one vector load. Per
// candidate the float sums (sum_l, sum_ll, and x*l in the 16 virtual lanes of element j % 16) are accumulated in
// element order; the least-squares fit and its error are then evaluated in binary64 vectors, half a float vector
// at a time, and the best candidate is kept per lane with a strict "<" in candidate order.

constexpr std::size_t kRowBatch = 16;   // groups per call of RowSearchBatch
constexpr std::size_t kBatchMaxN = 256; // longest group

// sum x and sum x^2 of one group (n a multiple of 8) in binary64: partial sum i & 7 in lane i & 7 of one to eight
// double vectors, combined in SearchGroup's order.
static HWY_INLINE void BatchSumsXX(const float* HWY_RESTRICT xg, std::size_t n, double* sx, double* sxx) {
  const hn::CappedTag<double, 8> dd;
  const hn::Rebind<float, decltype(dd)> df;
  using VD = hn::Vec<decltype(dd)>;
  const std::size_t Nd = hn::Lanes(dd);
  const std::size_t K = 8 / Nd;
  VD px[8], pxx[8];
  for (std::size_t k = 0; k < K; ++k) px[k] = pxx[k] = hn::Zero(dd);
  for (std::size_t i = 0; i < n; i += 8) {
    for (std::size_t k = 0; k < K; ++k) {
      const VD v = hn::PromoteTo(dd, hn::LoadU(df, xg + i + k * Nd));
      px[k] = hn::Add(px[k], v);
      pxx[k] = hn::Add(pxx[k], hn::Mul(v, v));
    }
  }
  HWY_ALIGN double a[8], b[8];
  for (std::size_t k = 0; k < K; ++k) {
    hn::StoreU(px[k], dd, a + k * Nd);
    hn::StoreU(pxx[k], dd, b + k * Nd);
  }
  *sx = ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7]));
  *sxx = ((b[0] + b[4]) + (b[2] + b[6])) + ((b[1] + b[5]) + (b[3] + b[7]));
}

struct BatchState {
  HWY_ALIGN double sx[kRowBatch], sxx[kRowBatch];
  HWY_ALIGN double best_err[kRowBatch], best_s[kRowBatch], best_m[kRowBatch];
  HWY_ALIGN float acc[16][kRowBatch];
  HWY_ALIGN float sl[kRowBatch], sll[kRowBatch];
};

// Fit of one candidate (offset voff, inverse scale vinv per lane): codes and their float sums, into st.acc/sl/sll.
// kGrid: the candidate's offset is the lane's minimum and ut holds xt - offset (the same subtraction, done once
// for the ten grid candidates), so t >= 0 and the lower clamp is a no-op.
template <bool kGrid, class D, class V = hn::Vec<D>>
static HWY_INLINE void BatchFit(D d, const float* HWY_RESTRICT xt, const float* HWY_RESTRICT ut, std::size_t n,
                                V voff, V vinv, V vmaxq, BatchState& st) {
  const std::size_t N = hn::Lanes(d);
  const V vzero = hn::Zero(d);
  const V vmagic = hn::Set(d, kMagic);
  V acc[16];
  for (std::size_t k = 0; k < 16; ++k) acc[k] = vzero;
  // The code sums are integers below 2^24, exact in any order: four partial sums each keep the chains of
  // dependent additions short (a group of 16 elements would otherwise wait on 16 in a row).
  V vl[4] = {vzero, vzero, vzero, vzero}, vll[4] = {vzero, vzero, vzero, vzero};
  for (std::size_t j = 0; j < n; j += 16) {
    for (std::size_t k = 0; k < 16; ++k) {
      const V w = hn::Load(d, xt + (j + k) * N);
      V t;
      if (kGrid) {
        t = hn::Min(hn::Mul(hn::Load(d, ut + (j + k) * N), vinv), vmaxq);
      } else {
        t = hn::Min(hn::Max(hn::Mul(hn::Sub(w, voff), vinv), vzero), vmaxq);
      }
      const V qf = hn::Sub(hn::Add(t, vmagic), vmagic);
      vl[k & 3] = hn::Add(vl[k & 3], qf);
      vll[k & 3] = hn::Add(vll[k & 3], hn::Mul(qf, qf));
      acc[k] = hn::Add(acc[k], hn::Mul(w, qf));
    }
  }
  for (std::size_t k = 0; k < 16; ++k) hn::Store(acc[k], d, st.acc[k]);
  hn::Store(hn::Add(hn::Add(vl[0], vl[1]), hn::Add(vl[2], vl[3])), d, st.sl);
  hn::Store(hn::Add(hn::Add(vll[0], vll[1]), hn::Add(vll[2], vll[3])), d, st.sll);
}

// SearchGroup's try_fit for every lane: least-squares (scale, offset) for the codes of BatchFit, its squared
// error, and the update of the best pair when the fit is valid and strictly better. Returns whether some lane
// took a new pair.
static HWY_INLINE bool BatchDecide(std::size_t lanes, std::size_t n, BatchState& st) {
  const hn::CappedTag<double, kRowBatch> dd;
  const hn::Rebind<float, decltype(dd)> df;
  using VD = hn::Vec<decltype(dd)>;
  const std::size_t Nd = hn::Lanes(dd);
  const VD dn = hn::Set(dd, static_cast<double>(n));
  const VD two = hn::Set(dd, 2.0);
  const VD one = hn::Set(dd, 1.0);
  const VD zero = hn::Zero(dd);
  bool any_better = false;
  for (std::size_t h = 0; h < lanes; h += Nd) {
    VD a[8];
    for (std::size_t l = 0; l < 8; ++l)
      a[l] = hn::Add(hn::PromoteTo(dd, hn::Load(df, st.acc[l] + h)), hn::PromoteTo(dd, hn::Load(df, st.acc[l + 8] + h)));
    for (std::size_t l = 0; l < 4; ++l) a[l] = hn::Add(a[l], a[l + 4]);
    const VD sxl = hn::Add(hn::Add(a[0], a[2]), hn::Add(a[1], a[3]));
    const VD sl = hn::PromoteTo(dd, hn::Load(df, st.sl + h));
    const VD sll = hn::PromoteTo(dd, hn::Load(df, st.sll + h));
    const VD sx = hn::Load(dd, st.sx + h);
    const VD sxx = hn::Load(dd, st.sxx + h);
    const VD det = hn::Sub(hn::Mul(dn, sll), hn::Mul(sl, sl));
    const VD inv_det = hn::Div(one, det);
    const VD s = hn::Mul(hn::Sub(hn::Mul(dn, sxl), hn::Mul(sl, sx)), inv_det);
    const VD m = hn::Mul(hn::Sub(hn::Mul(sll, sx), hn::Mul(sl, sxl)), inv_det);
    // sxx - 2*s*sxl - 2*m*sx + s*s*sll + 2*s*m*sl + dn*m*m, left to right as in SearchGroup
    VD err = hn::Sub(sxx, hn::Mul(hn::Mul(two, s), sxl));
    err = hn::Sub(err, hn::Mul(hn::Mul(two, m), sx));
    err = hn::Add(err, hn::Mul(hn::Mul(s, s), sll));
    err = hn::Add(err, hn::Mul(hn::Mul(hn::Mul(two, s), m), sl));
    err = hn::Add(err, hn::Mul(hn::Mul(dn, m), m));
    const VD best = hn::Load(dd, st.best_err + h);
    const auto better = hn::And(hn::And(det > zero, s > zero), err < best);
    any_better = any_better || !hn::AllFalse(dd, better);
    hn::Store(hn::IfThenElse(better, err, best), dd, st.best_err + h);
    hn::Store(hn::IfThenElse(better, s, hn::Load(dd, st.best_s + h)), dd, st.best_s + h);
    hn::Store(hn::IfThenElse(better, m, hn::Load(dd, st.best_m + h)), dd, st.best_m + h);
  }
  return any_better;
}

// Up to N (= lanes of a float vector, at most kRowBatch) groups of n elements at x + l*n.
static HWY_NOINLINE void BatchSearchChunk(const float* HWY_RESTRICT x, std::size_t n, std::size_t G,
                                          const float* mn, const float* mx, uint32_t maxq, float* scale,
                                          float* offset) {
  const hn::CappedTag<float, kRowBatch> d;
  using V = hn::Vec<decltype(d)>;
  const std::size_t N = hn::Lanes(d);
  HWY_ALIGN float xt[kBatchMaxN * kRowBatch], ut[kBatchMaxN * kRowBatch];
  HWY_ALIGN float range[kRowBatch], off0[kRowBatch], inv[kRowBatch], off[kRowBatch];
  BatchState st;
  bool active[kRowBatch];
  bool any = false;
  const float fmaxq = static_cast<float>(maxq);
  for (std::size_t l = 0; l < N; ++l) {
    const float r = l < G ? mx[l] - mn[l] : 0.0f;
    active[l] = r > 0.0f;
    any = any || active[l];
    // Lanes without a search (padding, constant groups) run on zeros with offset 0 and range 1; ignored.
    range[l] = active[l] ? r : 1.0f;
    off0[l] = active[l] ? mn[l] : 0.0f;
    st.best_err[l] = std::numeric_limits<double>::infinity();
    st.best_s[l] = static_cast<double>(range[l] / fmaxq);
    st.best_m[l] = static_cast<double>(off0[l]);
    if (active[l]) {
      const float* xg = x + l * n;
      for (std::size_t j = 0; j < n; ++j) {
        xt[j * N + l] = xg[j];
        ut[j * N + l] = xg[j] - off0[l];
      }
      BatchSumsXX(xg, n, &st.sx[l], &st.sxx[l]);
    } else {
      for (std::size_t j = 0; j < n; ++j) xt[j * N + l] = ut[j * N + l] = 0.0f;
      st.sx[l] = st.sxx[l] = 0.0;
    }
  }
  if (any) {
    const V vmaxq = hn::Set(d, fmaxq);
    const V vrange = hn::Load(d, range);
    const V voff0 = hn::Load(d, off0);
    constexpr int kSteps = 10;
    for (int step = 0; step < kSteps; ++step) {
      const float c = fmaxq + (-0.9f + 0.2f * static_cast<float>(step));
      BatchFit<true>(d, xt, ut, n, voff0, hn::Div(hn::Set(d, c), vrange), vmaxq, st);
      BatchDecide(N, n, st);
    }
    // A round in which no lane took a new pair leaves every lane's candidate for the next round as it was, so
    // the remaining rounds would change nothing: stop there.
    for (int round = 0; round < 3; ++round) {
      for (std::size_t l = 0; l < N; ++l) {
        const float cs = static_cast<float>(st.best_s[l]), cm = static_cast<float>(st.best_m[l]);
        off[l] = active[l] ? cm : 0.0f;
        inv[l] = active[l] ? 1.0f / cs : 0.0f;
      }
      BatchFit<false>(d, xt, ut, n, hn::Load(d, off), hn::Load(d, inv), vmaxq, st);
      if (!BatchDecide(N, n, st)) break;
    }
  }
  for (std::size_t l = 0; l < G; ++l) {
    if (active[l]) {
      scale[l] = static_cast<float>(st.best_s[l]);
      offset[l] = static_cast<float>(st.best_m[l]);
    } else {
      scale[l] = (mx[l] - mn[l]) / fmaxq;
      offset[l] = mn[l];
    }
  }
}

// G <= kRowBatch groups of n elements (n a multiple of 16, at most kBatchMaxN) at x + g*n.
static HWY_INLINE void RowSearchBatch(const float* HWY_RESTRICT x, std::size_t n, std::size_t G, const float* mn,
                                      const float* mx, uint32_t maxq, float* scale, float* offset) {
  const hn::CappedTag<float, kRowBatch> d;
  const std::size_t N = hn::Lanes(d);
  for (std::size_t c = 0; c < G; c += N) {
    BatchSearchChunk(x + c * n, n, std::min(N, G - c), mn + c, mx + c, maxq, scale + c, offset + c);
  }
}
