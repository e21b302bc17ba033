// The hierarchical super-parameter choice (RowChooseSuper in row_driver-inl.h) for several super-blocks at once,
// one super-block per binary64 lane: every lane performs the scalar code's IEEE operations in its order (the
// sums over sub-groups stay sequential within the lane), so each super-block's result is bit-identical to the
// scalar choice whatever the vector width. Textual include without a guard, inside a Highway target's namespace
// (affine-inl.h), before row_driver-inl.h, which uses it when AQ_ROW_SUPER_VECTOR is defined (the reference uses the scalar
// RowChooseSuper).

constexpr std::size_t kSuperBatch = 8;  // super-blocks per call

// f16_round_nearest (f16_round.hpp) per lane.
template <class DF, class VF = hn::Vec<DF>>
static HWY_INLINE VF SuperF16Nearest(DF df, VF x) {
  const hn::RebindToSigned<DF> di;
  const auto bits = hn::BitCast(di, x);
  const auto e = hn::Sub(hn::And(hn::ShiftRight<23>(bits), hn::Set(di, 0xFF)), hn::Set(di, 127));
  const auto k = hn::IfThenElse(e < hn::Set(di, -14), hn::Set(di, 24), hn::Sub(hn::Set(di, 10), e));
  const VF p = hn::BitCast(df, hn::ShiftLeft<23>(hn::Add(k, hn::Set(di, 127))));
  const VF pinv = hn::BitCast(df, hn::ShiftLeft<23>(hn::Sub(hn::Set(di, 127), k)));
  const VF magic = hn::Set(df, 12582912.0f);
  const VF zero = hn::Zero(df);
  VF r = hn::Sub(hn::Add(hn::Mul(x, p), magic), magic);
  r = hn::IfThenElse(r == zero, hn::Mul(zero, x), r);
  const VF res = hn::Mul(r, pinv);
  const VF inf = hn::Set(df, HUGE_VALF);
  return hn::IfThenElse(hn::Abs(x) >= hn::Set(df, 65520.0f), hn::IfThenElse(x > zero, inf, hn::Neg(inf)), res);
}

// RowSubCodes per lane: codes (as floats, into kt[g * Nd ..]) and the binary64 squared error summed in g order.
template <class DD, class DF>
static HWY_INLINE hn::Vec<DD> SuperSubCodes(DD dd, DF df, const float* vt, int ng, hn::Vec<DF> unit, bool scale,
                                            float fmaxc, float* kt) {
  const std::size_t Nd = hn::Lanes(dd);
  const auto zero = hn::Zero(df);
  const auto one = hn::Set(df, 1.0f);
  const auto vmaxc = hn::Set(df, fmaxc);
  const auto magic = hn::Set(df, 12582912.0f);
  const auto nonzero_unit = unit != zero;
  const auto du = hn::PromoteTo(dd, unit);
  auto err = hn::Zero(dd);
  for (int g = 0; g < ng; ++g) {
    const auto val = hn::Load(df, vt + g * Nd);
    auto k = hn::IfThenElseZero(nonzero_unit, hn::Sub(hn::Add(hn::Div(val, unit), magic), magic));
    const auto lo = scale ? hn::IfThenElseZero(val > zero, one) : zero;
    k = hn::IfThenElse(k > lo, k, lo);
    k = hn::IfThenElse(k < vmaxc, k, vmaxc);
    hn::Store(k, df, kt + g * Nd);
    const auto e = hn::Sub(hn::PromoteTo(dd, val), hn::Mul(du, hn::PromoteTo(dd, k)));
    err = hn::Add(err, hn::Mul(e, e));
  }
  return err;
}

// A binary64 mask as the float mask of the same lanes.
template <class DD, class DF>
static HWY_INLINE auto SuperMaskToFloat(DD dd, DF df, hn::Mask<DD> m) -> decltype(hn::Zero(df) == hn::Zero(df)) {
  return hn::DemoteTo(df, hn::IfThenElseZero(m, hn::Set(dd, 1.0))) > hn::Zero(df);
}

// B <= kSuperBatch super-blocks of ng sub-groups: vals[b * ng + g]. For each b, what RowChooseSuper does with
// first = (largest scale, or the offset of largest magnitude, first in g order) / maxc: the fp16 bits into
// bits_out[b] and the codes into c[b * ng + g]. Returns false when some super-block's first value does not fit.
static HWY_NOINLINE bool RowSuperChoose(const float* vals, int ng, std::size_t B, bool scale, int maxc,
                                        uint16_t* bits_out, int* c) {
  const hn::CappedTag<double, kSuperBatch> dd;
  const hn::Rebind<float, decltype(dd)> df;
  const std::size_t Nd = hn::Lanes(dd);
  const float fmaxc = static_cast<float>(maxc);
  HWY_ALIGN float vt[16 * kSuperBatch], k1[16 * kSuperBatch], k2[16 * kSuperBatch], firsts[kSuperBatch];
  HWY_ALIGN float uo[kSuperBatch];
  for (std::size_t b0 = 0; b0 < B; b0 += Nd) {
    const std::size_t nb = std::min(Nd, B - b0);
    // Transpose; padding lanes repeat the first super-block (their results are not used).
    for (std::size_t l = 0; l < Nd; ++l) {
      const float* v = vals + (b0 + (l < nb ? l : 0)) * static_cast<std::size_t>(ng);
      float ext = 0.0f;
      for (int g = 0; g < ng; ++g) {
        vt[g * Nd + l] = v[g];
        if (scale) {
          ext = std::max(ext, v[g]);
        } else if (std::fabs(v[g]) > std::fabs(ext)) {
          ext = v[g];
        }
      }
      firsts[l] = ext / fmaxc;
    }
    const auto zero = hn::Zero(df);
    const auto first = hn::Load(df, firsts);
    const auto afirst = hn::Abs(first);
    if (!hn::AllTrue(df, afirst <= hn::Set(df, 65504.0f))) return false;
    const auto u = SuperF16Nearest(df, first);
    const auto far = hn::And(first != zero, hn::Abs(hn::Sub(u, first)) > hn::Mul(afirst, hn::Set(df, 0.0625f)));
    if (!hn::AllFalse(df, far)) return false;
    const auto err = SuperSubCodes(dd, df, vt, ng, u, scale, fmaxc, k1);
    auto scc = hn::Zero(dd), cc = hn::Zero(dd);
    for (int g = 0; g < ng; ++g) {
      const auto kd = hn::PromoteTo(dd, hn::Load(df, k1 + g * Nd));
      scc = hn::Add(scc, hn::Mul(hn::PromoteTo(dd, hn::Load(df, vt + g * Nd)), kd));
      cc = hn::Add(cc, hn::Mul(kd, kd));
    }
    const auto has = SuperMaskToFloat(dd, df, cc > hn::Zero(dd));
    const auto refit = hn::DemoteTo(df, hn::Div(scc, cc));
    const auto u2 = SuperF16Nearest(df, refit);
    const auto near = hn::Or(first == zero, hn::Abs(hn::Sub(u2, first)) <= hn::Mul(afirst, hn::Set(df, 0.5f)));
    const auto usable = hn::And(has, hn::And(hn::Abs(u2) < hn::Set(df, HUGE_VALF), near));
    const auto err2 = SuperSubCodes(dd, df, vt, ng, u2, scale, fmaxc, k2);
    const auto take = hn::And(usable, SuperMaskToFloat(dd, df, err2 < err));
    hn::Store(hn::IfThenElse(take, u2, u), df, uo);
    HWY_ALIGN float takef[kSuperBatch];
    hn::Store(hn::IfThenElseZero(take, hn::Set(df, 1.0f)), df, takef);
    for (std::size_t l = 0; l < nb; ++l) {
      bits_out[b0 + l] = f16_bits_of(uo[l]);
      const float* kt = takef[l] != 0.0f ? k2 : k1;
      for (int g = 0; g < ng; ++g) c[(b0 + l) * static_cast<std::size_t>(ng) + g] = static_cast<int>(kt[g * Nd + l]);
    }
  }
  return true;
}
