// The per-row driver of the weight quantizer: min/max of every group, the parameters (rtn or search), their
// storage (flat fp16/f32 or hierarchical), codes with error statistics, canonical packing.
//
// Textual include without a guard: it is compiled once inside each Highway target's namespace (affine-inl.h)
// and once inside the scalar reference (affine_reference.cpp), so every target runs the whole row with its own
// primitives inlined and no function pointer in the loop. The including namespace defines:
//   bool RowMinMax(const float* x, size_t n, float* mn, float* mx)                        (Table::min_max)
//   void RowEncode(x, n, offset, scale, inv, maxq, stat_scale, codes, lanes, max_abs)      (Table::encode)
//   void RowSearchOne(x, n, mn, mx, maxq, scale*, offset*)                                 (Table::search)
//   void RowSearchBatch(x, n, G, mn*, mx*, maxq, scale*, offset*): G <= kRowBatch groups of n elements
//        (n a multiple of 16) at x + g*n, each with the same result as RowSearchOne
//   void RowEncodeRun(x, n, G, eff*, inv*, maxq, codes, lanes, max_abs): G groups of n elements at x + g*n,
//        statistics scale 1; the same as G calls of RowEncode
//   void RowPack(codes, n, bits, out)
//   and, if it defines AQ_ROW_SUPER_VECTOR, RowSuperChoose (super_params-inl.h) for the super-parameters;
//   if it defines AQ_ROW_RTN_FLAT, RowRtnLanesOk, RowScanGroups, RowRtnFlatParams, RowInverses and
//   RowEncodeRunRtn (rtn_flat-inl.h) for the rtn fast path (RowRtnFast), which gives the general path's bits.
// Included after <algorithm>, <cfloat>, <cmath>, <cstring>, arrowquant/fp16.hpp, kernels/kernels.hpp,
// kernels/f16_round.hpp, kernels/quantize_impl.hpp and kernels/search.hpp.

constexpr int kRowMaxSubs = 16;  // sub-groups per super-block: 256 / 16

struct RowParams {
  float scale;
  float offset;
};

static inline float RowSafeInv(float scale) {
  if (!(scale > 0.0f)) return 0.0f;
  return 1.0f / scale;
}

// Adds the virtual lanes (times factor) to the row's binary64 sums and clears them.
static inline void RowFoldInto(StatLanes& lanes, double factor, ErrorStats* row) {
  row->sse += fold_lanes(lanes.sse) * factor;
  row->energy += fold_lanes(lanes.energy) * factor;
  row->recon_energy += fold_lanes(lanes.recon) * factor;
  row->dot += fold_lanes(lanes.dot) * factor;
  std::memset(&lanes, 0, sizeof(lanes));
}

// Storage of one flat group's parameters. Returns false when fp16 cannot hold them well (the tensor is then
// redone with f32 parameters): a value outside the fp16 range, or fp16 rounding that would inflate the scale by
// more than 1/16.
static inline bool RowStoreFlat(RowParams p, float mn, float mx, uint32_t maxq, Mode mode, bool f32, RowParams* out) {
  if (f32) {
    float s = p.scale;
    if (s > 0.0f && s < FLT_MIN) s = FLT_MIN;  // keeps 1/scale finite
    // Near the float limit offset + maxq*scale could round to infinity: step the scale down until it does not.
    while (s > 0.0f && !std::isfinite(p.offset + static_cast<float>(maxq) * s)) s = std::nextafter(s, 0.0f);
    *out = RowParams{s, p.offset};
    return true;
  }
  if (std::fabs(p.offset) > 65504.0f || p.scale > 65504.0f || std::fabs(mn) > 65504.0f || std::fabs(mx) > 65504.0f)
    return false;
  if (mode == Mode::rtn) {
    // Offset rounded down and scale up, so [offset, offset + maxq*scale] still covers [mn, mx].
    const float off = f16_round_down(mn);
    const float s = f16_round_up((mx - off) / static_cast<float>(maxq));
    if (!std::isfinite(s)) return false;
    if (p.scale > 0.0f && s > p.scale * 1.0625f) return false;
    *out = RowParams{s, off};
    return true;
  }
  const float off = f16_to_f32(f32_to_f16(p.offset));
  const float s = f16_to_f32(f32_to_f16(p.scale));
  if (!std::isfinite(s) || !std::isfinite(off)) return false;
  if (std::fabs(s - p.scale) > p.scale * 0.0625f) return false;
  *out = RowParams{s, off};
  return true;
}

// Codes k = clamp(nearest(val / unit), lo, maxc) of the ng values and the squared error of unit * k in binary64,
// summed in g order. The quotient is at most a few times maxc (unit is derived from the largest value), so the
// 1.5 * 2^23 addition rounds it to nearest even exactly like nearbyint; codes first (a loop the compiler may
// vectorise), then the ordered sum.
static inline double RowSubCodes(const float* vals, int ng, float unit, bool scale, int maxc, int* c) {
  const float fmaxc = static_cast<float>(maxc);
  for (int g = 0; g < ng; ++g) {
    const float val = vals[g];
    float k = 0.0f;
    if (unit != 0.0f) k = (val / unit + 12582912.0f) - 12582912.0f;
    const float lo = scale && val > 0.0f ? 1.0f : 0.0f;
    k = k > lo ? k : lo;
    k = k < fmaxc ? k : fmaxc;
    c[g] = static_cast<int>(k);
  }
  double err = 0;
  for (int g = 0; g < ng; ++g) {
    const double e = static_cast<double>(vals[g]) - static_cast<double>(unit) * c[g];
    err += e * e;
  }
  return err;
}

// A super-parameter: start from first = max/maxc, then one least-squares step d' = sum(c*v)/sum(c^2) over the
// codes c it gives; keep whichever reproduces the sub-group values with the smaller squared error.
static inline bool RowChooseSuper(const float* vals, int ng, float first, bool scale, int maxc, uint16_t* bits_out,
                                  int* c) {
  if (std::fabs(first) > 65504.0f) return false;
  float h = f16_round_nearest(first);
  const float u = h;
  if (first != 0.0f && std::fabs(u - first) > std::fabs(first) * 0.0625f) return false;
  double err = RowSubCodes(vals, ng, u, scale, maxc, c);
  double scc = 0, cc = 0;
  for (int g = 0; g < ng; ++g) {
    scc += static_cast<double>(vals[g]) * c[g];
    cc += static_cast<double>(c[g]) * c[g];
  }
  if (cc > 0) {
    const float refit = static_cast<float>(scc / cc);
    const float u2 = f16_round_nearest(refit);
    const float h2 = u2;
    int c2[kRowMaxSubs];
    if (std::isfinite(u2) && (first == 0.0f || std::fabs(u2 - first) <= std::fabs(first) * 0.5f)) {
      const double err2 = RowSubCodes(vals, ng, u2, scale, maxc, c2);
      if (err2 < err) {
        h = h2;
        err = err2;
        std::memcpy(c, c2, sizeof(int) * static_cast<std::size_t>(ng));
      }
    }
  }
  *bits_out = f16_bits_of(h);
  return true;
}

// detail::pack_sub_params: count values of `bits` bits as a little-endian bit stream, zero-padded to out_bytes.
static inline void RowPackSub(const uint8_t* v, int count, int bits, uint8_t* out, uint64_t out_bytes) {
  uint32_t acc = 0;
  int nbits = 0;
  uint64_t o = 0;
  const uint32_t mask = (1u << bits) - 1u;
  for (int k = 0; k < count; ++k) {
    acc |= (v[k] & mask) << nbits;
    nbits += bits;
    while (nbits >= 8) {
      out[o++] = static_cast<uint8_t>(acc & 0xFFu);
      acc >>= 8;
      nbits -= 8;
    }
  }
  if (nbits > 0) out[o++] = static_cast<uint8_t>(acc);
  for (; o < out_bytes; ++o) out[o] = 0;
}

// Hierarchical: quantize the (scale, offset) of the ng sub-groups of each of B consecutive super-blocks
// (p[b * ng + g]) against fp16 super-parameters (d, dmin) with sub_bits-bit codes. Returns false when d or dmin
// of some super-block does not fit fp16 well.
constexpr std::size_t kRowSuperRun = 8;
static inline bool RowStoreHier(const RowParams* p, int ng, std::size_t B, int sub_bits, uint64_t sub_bytes,
                                uint16_t* super2, uint8_t* sub, RowParams* eff) {
  if (ng < 1 || ng > kRowMaxSubs || B > kRowSuperRun) return false;  // never: the layout bounds both
  const int maxc = (1 << sub_bits) - 1;
  const std::size_t n = B * static_cast<std::size_t>(ng);
  float sv[kRowSuperRun * kRowMaxSubs], mv[kRowSuperRun * kRowMaxSubs];
  for (std::size_t i = 0; i < n; ++i) {
    sv[i] = p[i].scale;
    mv[i] = p[i].offset;
  }
  uint16_t dh[kRowSuperRun], dmh[kRowSuperRun];
  int sc[kRowSuperRun * kRowMaxSubs], mc[kRowSuperRun * kRowMaxSubs];
#ifdef AQ_ROW_SUPER_VECTOR
  if (!RowSuperChoose(sv, ng, B, true, maxc, dh, sc) || !RowSuperChoose(mv, ng, B, false, maxc, dmh, mc))
    return false;
#else
  const float fmaxc = static_cast<float>(maxc);
  for (std::size_t b = 0; b < B; ++b) {
    const float* s = sv + b * ng;
    const float* m = mv + b * ng;
    float smax = 0.0f, mext = 0.0f;
    for (int g = 0; g < ng; ++g) {
      smax = std::max(smax, s[g]);
      if (std::fabs(m[g]) > std::fabs(mext)) mext = m[g];
    }
    if (!RowChooseSuper(s, ng, smax / fmaxc, true, maxc, &dh[b], sc + b * ng) ||
        !RowChooseSuper(m, ng, mext / fmaxc, false, maxc, &dmh[b], mc + b * ng))
      return false;
  }
#endif
  for (std::size_t b = 0; b < B; ++b) {
    const float df = f16_to_f32(dh[b]), dmf = f16_to_f32(dmh[b]);
    uint8_t v[2 * kRowMaxSubs] = {0};
    for (int g = 0; g < ng; ++g) {
      const std::size_t i = b * ng + g;
      v[g] = static_cast<uint8_t>(sc[i]);
      v[ng + g] = static_cast<uint8_t>(mc[i]);
      eff[i] = RowParams{df * static_cast<float>(sc[i]), dmf * static_cast<float>(mc[i])};
    }
    super2[2 * b] = dh[b];
    super2[2 * b + 1] = dmh[b];
    RowPackSub(v, 2 * ng, sub_bits, sub + b * sub_bytes, sub_bytes);
  }
  return true;
}

// The largest row the driver keeps per-group state for on the stack; longer rows go through it in slices of
// whole super-blocks.
constexpr uint64_t kRowSliceGroups = 512;

// Groups [g_begin, g_end) of row r (g_begin a multiple of the chunk: one flat group or one super-block).
#ifdef AQ_ROW_RTN_FLAT
// The rtn fast path for a slice of whole groups (flat) or whole super-blocks (hierarchical), groups of a multiple
// of 16 elements, fp16 parameters: one scan for min/max and the energy, the parameters in vectors (flat) or by
// RowStoreHier, then the codes and the other statistics. Returns false (nothing written, lanes untouched) when a
// group needs the general path: a NaN/Inf, a range above the float limit, or values above 2^60 (their
// statistics are scaled). Otherwise *flag is the row flag.
//
// Flat parameters need no clamp in the encode pass: offset = fp16 below mn <= w, so w - offset >= 0; scale =
// fp16 above (mx - offset) / maxq, so (w - offset) * (1/scale) <= maxq * (1 + 3 * 2^-24) < maxq + 0.5, and
// rounding gives at most maxq (scale 0 gives inv 0 and every code 0): the codes of the clamped general path.
static inline bool RowRtnFast(const RowJob& j, uint64_t r, const float* x, uint64_t g_begin, uint64_t g_end,
                              uint8_t* codes_row, StatLanes& lanes, float& max_abs, int* flag) {
  QuantizedTensor& q = *j.q;
  const uint64_t gpr = q.groups_per_row;
  const uint64_t gsize = q.group_len;
  const bool hier = j.format == ParamFormat::hierarchical;
  const std::size_t G = static_cast<std::size_t>(g_end - g_begin);
  const float* xs = x + g_begin * gsize;
  float gmin[kRowSliceGroups], gmax[kRowSliceGroups];
  alignas(64) float energy[kVLanes];
  std::memcpy(energy, lanes.energy, sizeof(energy));
  if (!RowScanGroups(xs, static_cast<std::size_t>(gsize), G, gmin, gmax, energy)) return false;
  for (std::size_t g = 0; g < G; ++g) {
    const float mn = gmin[g], mx = gmax[g];
    if (!(mn > -HUGE_VALF && mx < HUGE_VALF)) return false;
    if (!(static_cast<double>(mx) - mn <= static_cast<double>(FLT_MAX))) return false;
    if (std::max(std::fabs(mn), std::fabs(mx)) > 0x1p60f) return false;
  }
  float* scale = &q.scales[r * gpr + g_begin];
  float* offset = &q.offsets[r * gpr + g_begin];
  float inv[kRowSliceGroups];
  if (!hier) {
    if (!RowRtnFlatParams(gmin, gmax, G, j.maxq, scale, offset, inv)) {
      *flag = kRowNeedF32;
      return true;
    }
  } else {
    const float fmaxq = static_cast<float>(j.maxq);
    const std::size_t per = static_cast<std::size_t>(q.subs_per_super);
    RowParams raw[kRowSliceGroups], eff[kRowSliceGroups];
    for (std::size_t g = 0; g < G; ++g) raw[g] = RowParams{(gmax[g] - gmin[g]) / fmaxq, gmin[g]};
    for (std::size_t c0 = 0; c0 < G;) {
      const std::size_t B = std::min(kRowSuperRun, (G - c0) / per);
      const uint64_t si = r * q.supers_per_row + (g_begin + c0) / per;
      if (!RowStoreHier(raw + c0, static_cast<int>(per), B, hier_sub_bits(j.bits), q.sub_bytes,
                        &q.super_params[si * 2], &q.sub_params[si * q.sub_bytes], eff + c0)) {
        *flag = kRowNeedF32;
        return true;
      }
      c0 += B * per;
    }
    for (std::size_t g = 0; g < G; ++g) {
      scale[g] = eff[g].scale;
      offset[g] = eff[g].offset;
    }
    RowInverses(scale, G, inv);
  }
  std::memcpy(lanes.energy, energy, sizeof(energy));
  RowEncodeRunRtn(hier, xs, static_cast<std::size_t>(gsize), G, scale, offset, inv, j.maxq,
                  codes_row + g_begin * gsize, &lanes, &max_abs);
  *flag = kRowOk;
  return true;
}
#endif

static inline int RowSlice(const RowJob& j, uint64_t r, const float* x, uint64_t g_begin, uint64_t g_end,
                           uint8_t* codes_row, StatLanes& lanes, ErrorStats& row, float& max_abs) {
  QuantizedTensor& q = *j.q;
  const uint64_t gpr = q.groups_per_row;
  const uint64_t gsize = q.group_len;
  const uint64_t ng_all = g_end - g_begin;
#ifdef AQ_ROW_RTN_FLAT
  if (j.mode == Mode::rtn && !j.params_f32 && gsize % kVLanes == 0 && RowRtnLanesOk()) {
    // Whole groups (flat) or whole super-blocks (hierarchical) take the fast path, a short last group or
    // super-block the general one after them (the same operations in the same order as one general pass). The
    // short part is checked first, so a NaN in it is reported as before.
    const uint64_t chunk = j.format == ParamFormat::hierarchical ? q.subs_per_super : 1;
    const uint64_t whole_groups = (j.cols / (chunk * gsize)) * chunk;  // groups in whole chunks of the row
    const uint64_t g_fast_end = std::min(g_end, std::max(g_begin, whole_groups));
    bool tail_ok = true;
    if (g_fast_end < g_end) {
      const uint64_t begin = g_fast_end * gsize;
      const uint64_t end = std::min<uint64_t>(j.cols, g_end * gsize);
      float mn, mx;
      for (uint64_t b = begin; b < end && tail_ok; b += gsize) {
        tail_ok = RowMinMax(x + b, static_cast<std::size_t>(std::min<uint64_t>(gsize, end - b)), &mn, &mx) &&
                  static_cast<double>(mx) - mn <= static_cast<double>(FLT_MAX);
      }
    }
    int flag = kRowOk;
    if (g_fast_end > g_begin && tail_ok && RowRtnFast(j, r, x, g_begin, g_fast_end, codes_row, lanes, max_abs, &flag)) {
      if (flag != kRowOk || g_fast_end == g_end) return flag;
      return RowSlice(j, r, x, g_fast_end, g_end, codes_row, lanes, row, max_abs);
    }
  }
#endif
  float gmin[kRowSliceGroups], gmax[kRowSliceGroups];
  RowParams raw[kRowSliceGroups];
  // 1. min/max of every group.
  for (uint64_t g = 0; g < ng_all; ++g) {
    const uint64_t begin = (g_begin + g) * gsize;
    const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(gsize, j.cols - begin));
    float mn, mx;
    if (!RowMinMax(x + begin, n, &mn, &mx)) return kRowNonFinite;
    if (!(static_cast<double>(mx) - mn <= static_cast<double>(FLT_MAX))) return kRowRangeOverflow;
    gmin[g] = mn;
    gmax[g] = mx;
  }
  // 2. Raw parameters: rtn from the range; search for whole groups in batches, the short last group alone.
  if (j.mode == Mode::search) {
    uint64_t full = ng_all;
    if (g_end == gpr && j.cols % gsize != 0) --full;
    for (uint64_t g = 0; g < full; g += kRowBatch) {
      const std::size_t G = static_cast<std::size_t>(std::min<uint64_t>(kRowBatch, full - g));
      float s[kRowBatch], o[kRowBatch];
      RowSearchBatch(x + (g_begin + g) * gsize, static_cast<std::size_t>(gsize), G, gmin + g, gmax + g, j.maxq, s, o);
      for (std::size_t l = 0; l < G; ++l) raw[g + l] = RowParams{s[l], o[l]};
    }
    for (uint64_t g = full; g < ng_all; ++g) {
      const uint64_t begin = (g_begin + g) * gsize;
      const std::size_t n = static_cast<std::size_t>(j.cols - begin);
      RowSearchOne(x + begin, n, gmin[g], gmax[g], j.maxq, &raw[g].scale, &raw[g].offset);
    }
  } else {
    const float fmaxq = static_cast<float>(j.maxq);
    for (uint64_t g = 0; g < ng_all; ++g) raw[g] = RowParams{(gmax[g] - gmin[g]) / fmaxq, gmin[g]};
  }
  // 3. Stored parameters of every group (independent per chunk, so their divisions overlap), then 4. codes and
  // statistics group by group.
  const bool hier = j.format == ParamFormat::hierarchical;
  const uint64_t per_chunk = hier ? q.subs_per_super : 1;
  RowParams eff[kRowSliceGroups];
  float inv[kRowSliceGroups];
  for (uint64_t c0 = 0; c0 < ng_all;) {
    const uint64_t g0 = g_begin + c0;
    const int ng = static_cast<int>(std::min<uint64_t>(per_chunk, gpr - g0));
    if (hier) {
      // Up to kRowSuperRun whole super-blocks at once (a partial last one on its own).
      std::size_t B = 1;
      while (ng == static_cast<int>(per_chunk) && B < kRowSuperRun && c0 + (B + 1) * per_chunk <= ng_all &&
             g0 + (B + 1) * per_chunk <= gpr)
        ++B;
      const uint64_t si = r * q.supers_per_row + g0 / q.subs_per_super;
      if (!RowStoreHier(raw + c0, ng, B, hier_sub_bits(j.bits), q.sub_bytes, &q.super_params[si * 2],
                        &q.sub_params[si * q.sub_bytes], eff + c0))
        return kRowNeedF32;
      c0 += B * per_chunk;
      continue;
    } else if (!RowStoreFlat(raw[c0], gmin[c0], gmax[c0], j.maxq, j.mode, j.params_f32, &eff[c0])) {
      return kRowNeedF32;
    }
    ++c0;
  }
  for (uint64_t g = 0; g < ng_all; ++g) {
    q.scales[r * gpr + g_begin + g] = eff[g].scale;
    q.offsets[r * gpr + g_begin + g] = eff[g].offset;
    inv[g] = RowSafeInv(eff[g].scale);
  }
  for (uint64_t g = 0; g < ng_all;) {
    const uint64_t begin = (g_begin + g) * gsize;
    const std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(gsize, j.cols - begin));
    // Squares of weights above 2^60 would overflow the binary32 lanes: such a group is accumulated scaled by a
    // power of two on its own (exact) and folded into the row's binary64 sums with the inverse factor.
    const float amax = std::max(std::fabs(gmin[g]), std::fabs(gmax[g]));
    if (amax > 0x1p60f) {
      RowFoldInto(lanes, 1.0, &row);
      const int e = std::ilogb(amax) + 1;
      RowEncode(x + begin, n, eff[g].offset, eff[g].scale, inv[g], j.maxq, std::ldexp(1.0f, -e), codes_row + begin,
                &lanes, &max_abs);
      RowFoldInto(lanes, std::ldexp(1.0, 2 * e), &row);
      ++g;
      continue;
    }
    // The run of whole groups with ordinary statistics that starts here (a short last group ends it).
    uint64_t g1 = g + 1;
    while (n == gsize && g1 < ng_all && (g_begin + g1 + 1) * gsize <= j.cols &&
           !(std::max(std::fabs(gmin[g1]), std::fabs(gmax[g1])) > 0x1p60f))
      ++g1;
    RowEncodeRun(x + begin, n, static_cast<std::size_t>(g1 - g), eff + g, inv + g, j.maxq, codes_row + begin, &lanes,
                 &max_abs);
    g = g1;
  }
  return kRowOk;
}

static int RowQuantize(const RowJob& j, uint64_t r, const float* x, uint8_t* codes_row, ErrorStats* rs) {
  QuantizedTensor& q = *j.q;
  const uint64_t gpr = q.groups_per_row;
  const uint64_t per_chunk = j.format == ParamFormat::hierarchical ? q.subs_per_super : 1;
  const uint64_t slice = (kRowSliceGroups / per_chunk) * per_chunk;
  StatLanes lanes;
  std::memset(&lanes, 0, sizeof(lanes));
  ErrorStats row;
  float max_abs = 0.0f;
  for (uint64_t g = 0; g < gpr; g += slice) {
    const int flag = RowSlice(j, r, x, g, std::min(gpr, g + slice), codes_row, lanes, row, max_abs);
    if (flag != kRowOk) return flag;
  }
  RowPack(codes_row, j.cols, j.bits, &q.codes[r * q.row_bytes]);
  RowFoldInto(lanes, 1.0, &row);
  row.max_abs = max_abs;
  row.count = j.cols;
  rs->merge(row);
  return kRowOk;
}
