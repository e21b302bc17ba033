// Behaviour of the tensor quantizer: canonical packing, error bounds, input dtypes, determinism, edge cases.
#define BOOST_TEST_MODULE quantize
#include <boost/test/unit_test.hpp>

#include <cfloat>
#include <cmath>
#include <cstring>

#include "arrowquant/error.hpp"
#include "arrowquant/fp16.hpp"
#include "arrowquant/quantize.hpp"
#include "kernels/quantize_impl.hpp"
#include "test_data.hpp"

using aq::DType;
using aq::Mode;
using aq::ParamFormat;

BOOST_AUTO_TEST_CASE(int4_packing_puts_even_element_in_low_nibble) {
  const uint8_t codes[5] = {0x1, 0x2, 0xA, 0xF, 0x7};
  uint8_t out[3] = {0xEE, 0xEE, 0xEE};
  aq::detail::pack_codes(codes, 5, 4, out);
  BOOST_TEST(out[0] == 0x21);
  BOOST_TEST(out[1] == 0xFA);
  BOOST_TEST(out[2] == 0x07);  // odd tail: high nibble zero
  uint8_t back[5];
  aq::detail::unpack_codes(out, 5, 4, back);
  BOOST_TEST(std::memcmp(back, codes, 5) == 0);
}

BOOST_AUTO_TEST_CASE(int2_packing_puts_element_4k_plus_j_in_bits_2j) {
  const uint8_t codes[6] = {1, 2, 3, 0, 3, 1};
  uint8_t out[2];
  aq::detail::pack_codes(codes, 6, 2, out);
  BOOST_TEST(out[0] == (1 | 2 << 2 | 3 << 4 | 0 << 6));  // 0x39
  BOOST_TEST(out[1] == (3 | 1 << 2));                    // 0x07
}

BOOST_AUTO_TEST_CASE(rows_start_on_a_byte_boundary) {
  // 3 columns of INT4 take 2 bytes per row; rows do not share a byte.
  std::vector<float> x = {0, 1, 2, 3, 4, 5};  // two rows
  auto q = aq::quantize(x.data(), DType::f32, 2, 3, {4, 32, Mode::rtn, ParamFormat::flat});
  BOOST_TEST(q.row_bytes == 2u);
  BOOST_TEST(q.codes.size() == 4u);
  // row 0: min 0, max 2 -> codes 0, 7.5->8?, 15; check the layout, not the rounding: high nibble of byte 1 is 0.
  BOOST_TEST((q.codes[1] >> 4) == 0);
  BOOST_TEST((q.codes[3] >> 4) == 0);
}

BOOST_AUTO_TEST_CASE(sub_parameter_bit_stream_round_trips) {
  uint8_t v[32], back[32], packed[24];
  for (int k = 0; k < 32; ++k) v[k] = static_cast<uint8_t>((k * 37 + 5) & 63);
  aq::detail::pack_sub_params(v, 16, 6, packed, 12);
  aq::detail::unpack_sub_params(packed, 16, 6, back);
  BOOST_TEST(std::memcmp(v, back, 16) == 0);
  for (int k = 0; k < 32; ++k) v[k] &= 15;
  aq::detail::pack_sub_params(v, 32, 4, packed, 16);
  aq::detail::unpack_sub_params(packed, 32, 4, back);
  BOOST_TEST(std::memcmp(v, back, 32) == 0);
  // Golden bytes: 6-bit values 63, 1 -> byte 0 = 0x7F (63 | 1 << 6), byte 1 = 0x00; 4-bit values 1, 2 -> 0x21.
  uint8_t six[2] = {63, 1}, four[2] = {1, 2}, out[2];
  aq::detail::pack_sub_params(six, 2, 6, out, 2);
  BOOST_TEST(out[0] == 0x7F);
  BOOST_TEST(out[1] == 0x00);
  aq::detail::pack_sub_params(four, 2, 4, out, 1);
  BOOST_TEST(out[0] == 0x21);
}

BOOST_AUTO_TEST_CASE(rtn_error_is_at_most_half_a_step_per_group) {
  const uint64_t rows = 7, cols = 1000;
  auto x = aqtest::gaussian(rows * cols, 0.02, 1);
  for (int bits : {2, 4, 8})
    for (int gs : {32, 64, 128, 256}) {
      auto q = aq::quantize(x.data(), DType::f32, rows, cols, {bits, gs, Mode::rtn, ParamFormat::flat});
      std::vector<float> y(rows * cols);
      aq::dequantize(q, DType::f32, y.data());
      for (uint64_t r = 0; r < rows; ++r)
        for (uint64_t c = 0; c < cols; ++c) {
          const float s = q.scales[r * q.groups_per_row + c / q.group_len];
          const float err = std::fabs(x[r * cols + c] - y[r * cols + c]);
          BOOST_TEST_REQUIRE(err <= s * 0.5f * 1.0001f + 1e-7f, "bits " << bits << " gs " << gs << " r " << r << " c " << c);
        }
      BOOST_TEST(q.stats.count == rows * cols);
    }
}

BOOST_AUTO_TEST_CASE(groups_without_zero_stay_exact_at_their_ends) {
  // A group far from zero: [1000.25, 1001.0]; min and max reconstruct within half a step.
  std::vector<float> x(64);
  for (int i = 0; i < 64; ++i) x[i] = 1000.25f + 0.75f * static_cast<float>(i) / 63.0f;
  auto q = aq::quantize(x.data(), DType::f32, 1, 64, {4, 64, Mode::rtn, ParamFormat::flat});
  std::vector<float> y(64);
  aq::dequantize(q, DType::f32, y.data());
  BOOST_TEST(q.params_f32);  // fp16 cannot hold the offset precisely enough: parameters switch to f32
  for (int i = 0; i < 64; ++i) BOOST_TEST(std::fabs(x[i] - y[i]) <= q.scales[0] * 0.5f + 1e-4f);
}

BOOST_AUTO_TEST_CASE(search_is_never_worse_than_rtn_on_gaussian_data) {
  auto x = aqtest::gaussian(64 * 1024, 0.02, 3);
  for (int bits : {2, 4, 8}) {
    auto r = aq::quantize(x.data(), DType::f32, 64, 1024, {bits, 64, Mode::rtn, ParamFormat::flat});
    auto s = aq::quantize(x.data(), DType::f32, 64, 1024, {bits, 64, Mode::search, ParamFormat::flat});
    BOOST_TEST(s.stats.sse <= r.stats.sse, "bits " << bits);
  }
}

BOOST_AUTO_TEST_CASE(hierarchical_formats_cost_k_quant_bits_per_weight) {
  auto x = aqtest::gaussian(16 * 512, 0.02, 4);
  auto q = aq::quantize(x.data(), DType::f32, 16, 512, {4, 256, Mode::search, ParamFormat::automatic});
  BOOST_TEST((q.spec.format == ParamFormat::hierarchical));
  BOOST_TEST(q.group_len == 32u);
  BOOST_TEST(q.bits_per_weight() == 4.5);    // 4 + (8*12 + 32) / 256
  auto q2 = aq::quantize(x.data(), DType::f32, 16, 512, {2, 256, Mode::search, ParamFormat::automatic});
  BOOST_TEST(q2.group_len == 16u);
  BOOST_TEST(q2.bits_per_weight() == 2.625);  // 2 + (16*8 + 32) / 256
  auto q3 = aq::quantize(x.data(), DType::f32, 16, 512, {4, 128, Mode::search, ParamFormat::automatic});
  BOOST_TEST(q3.bits_per_weight() == 4.625);  // 4 + (4*12 + 32) / 128
  auto f = aq::quantize(x.data(), DType::f32, 16, 512, {4, 64, Mode::rtn, ParamFormat::automatic});
  BOOST_TEST((f.spec.format == ParamFormat::flat));
  BOOST_TEST(f.bits_per_weight() == 4.5);  // 4 + 2*16/64
}

BOOST_AUTO_TEST_CASE(f16_and_bf16_inputs_quantize_like_their_f32_values) {
  auto x = aqtest::gaussian(4 * 256, 0.5, 5);
  std::vector<uint16_t> h(x.size()), b(x.size());
  std::vector<float> xh(x.size()), xb(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    h[i] = aq::f32_to_f16(x[i]);
    xh[i] = aq::f16_to_f32(h[i]);
    b[i] = aq::f32_to_bf16(x[i]);
    xb[i] = aq::bf16_to_f32(b[i]);
  }
  aq::QuantSpec spec{4, 64, Mode::search, ParamFormat::automatic};
  auto qh = aq::quantize(h.data(), DType::f16, 4, 256, spec);
  auto qxh = aq::quantize(xh.data(), DType::f32, 4, 256, spec);
  BOOST_TEST(qh.codes == qxh.codes);
  BOOST_TEST(qh.sub_params == qxh.sub_params);
  auto qb = aq::quantize(b.data(), DType::bf16, 4, 256, spec);
  auto qxb = aq::quantize(xb.data(), DType::f32, 4, 256, spec);
  BOOST_TEST(qb.codes == qxb.codes);
  // Dequantize to every dtype: F16/BF16 outputs are the rounded F32 outputs.
  std::vector<float> y(x.size());
  std::vector<uint16_t> yh(x.size()), yb(x.size());
  aq::dequantize(qh, DType::f32, y.data());
  aq::dequantize(qh, DType::f16, yh.data());
  aq::dequantize(qh, DType::bf16, yb.data());
  for (std::size_t i = 0; i < x.size(); ++i) {
    BOOST_TEST_REQUIRE(yh[i] == aq::f32_to_f16(y[i]));
    BOOST_TEST_REQUIRE(yb[i] == aq::f32_to_bf16(y[i]));
  }
}

BOOST_AUTO_TEST_CASE(output_is_identical_for_one_and_two_threads) {
  auto x = aqtest::gaussian(300 * 700, 0.02, 6);
  for (Mode m : {Mode::rtn, Mode::search}) {
    aq::QuantSpec spec{4, 128, m, ParamFormat::automatic};
    auto a = aq::quantize(x.data(), DType::f32, 300, 700, spec, 1);
    auto b = aq::quantize(x.data(), DType::f32, 300, 700, spec, 2);
    BOOST_TEST(a.codes == b.codes);
    BOOST_TEST(a.serialize_params() == b.serialize_params());
    BOOST_TEST(std::memcmp(&a.stats, &b.stats, sizeof(a.stats)) == 0);
  }
}

BOOST_AUTO_TEST_CASE(edge_shapes_and_values_quantize_and_round_trip) {
  auto check = [](std::vector<float> x, uint64_t rows, uint64_t cols, int bits, int gs, Mode m, double tol) {
    auto q = aq::quantize(x.data(), DType::f32, rows, cols, {bits, gs, m, ParamFormat::automatic});
    std::vector<float> y(x.size());
    aq::dequantize(q, DType::f32, y.data());
    for (std::size_t i = 0; i < x.size(); ++i) BOOST_TEST_REQUIRE(std::fabs(x[i] - y[i]) <= tol, "index " << i << " x " << x[i] << " y " << y[i] << " bits " << bits << " cols " << cols);
    return q;
  };
  check({0.3f}, 1, 1, 4, 32, Mode::rtn, 1e-3);                      // one element
  check({0.1f, -0.2f, 0.3f}, 3, 1, 2, 32, Mode::search, 1e-3);      // one column
  check(aqtest::gaussian(40, 1.0, 9), 1, 40, 8, 256, Mode::rtn, 0.05);  // group longer than the row
  auto c = check(std::vector<float>(64, 0.5f), 1, 64, 2, 32, Mode::rtn, 0.0);  // constant, fp16-exact
  BOOST_TEST(c.stats.sse == 0.0);
  check({-0.0f, 0.0f, -0.0f, 0.0f}, 1, 4, 4, 32, Mode::rtn, 0.0);   // signed zeros
  // Denormals: scales below FLT_MIN are raised to FLT_MIN (keeps 1/scale finite), so a group whose whole range
  // is subnormal is reproduced to within FLT_MIN, not to within its own tiny step.
  check({1e-40f, -1e-41f, 3e-42f, 0.0f}, 1, 4, 8, 32, Mode::rtn, FLT_MIN);
  check({1e-40f, 0.5f, 3e-42f, 0.0f}, 1, 4, 8, 32, Mode::rtn, 0.5 / 255);  // denormals beside normal values
  auto big = check({FLT_MAX, FLT_MAX * 0.5f, FLT_MAX * 0.25f, 0.0f}, 1, 4, 8, 32, Mode::rtn, FLT_MAX / 255.0);
  BOOST_TEST(big.params_f32);
}

BOOST_AUTO_TEST_CASE(non_finite_weights_are_rejected_with_their_index) {
  auto x = aqtest::gaussian(1000, 1.0, 2);
  x[777] = std::nanf("");
  try {
    aq::quantize(x.data(), DType::f32, 10, 100, {4, 32, Mode::rtn, ParamFormat::automatic}, 2);
    BOOST_FAIL("no error");
  } catch (const aq::Error& e) {
    BOOST_TEST(static_cast<int>(e.status()) == static_cast<int>(aq::Status::invalid_argument));
    BOOST_TEST(std::string(e.what()).find("NaN weight at index 777") != std::string::npos, e.what());
  }
  std::vector<uint16_t> h(64, aq::f32_to_f16(1.0f));
  h[5] = 0x7C00;  // +inf in fp16
  try {
    aq::quantize(h.data(), DType::f16, 1, 64, {4, 32, Mode::rtn, ParamFormat::automatic});
    BOOST_FAIL("no error");
  } catch (const aq::Error& e) {
    BOOST_TEST(std::string(e.what()).find("infinite weight at index 5") != std::string::npos, e.what());
  }
  // BF16 rows are widened without a separate scan: the min/max kernel must still catch NaN and both infinities,
  // in a vector-width body and in a scalar tail (100 columns), in every mode.
  for (uint16_t bad : {uint16_t(0x7FC0), uint16_t(0x7F80), uint16_t(0xFF80), uint16_t(0x7F81)}) {
    for (std::size_t at : {std::size_t(3), std::size_t(299), std::size_t(98)}) {
      for (Mode mode : {Mode::rtn, Mode::search}) {
        std::vector<uint16_t> b(300, aq::f32_to_bf16(0.5f));
        b[at] = bad;
        try {
          aq::quantize(b.data(), DType::bf16, 3, 100, {4, 32, mode, ParamFormat::automatic});
          BOOST_FAIL("no error for bf16 bits " << bad << " at " << at);
        } catch (const aq::Error& e) {
          BOOST_TEST(static_cast<int>(e.status()) == static_cast<int>(aq::Status::invalid_argument));
          BOOST_TEST(std::string(e.what()).find("weight at index " + std::to_string(at)) != std::string::npos,
                     e.what());
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(groups_spanning_the_float_range_are_unsupported_not_garbage) {
  std::vector<float> x = {-FLT_MAX, FLT_MAX};
  try {
    aq::quantize(x.data(), DType::f32, 1, 2, {8, 32, Mode::rtn, ParamFormat::automatic});
    BOOST_FAIL("no error");
  } catch (const aq::Error& e) {
    BOOST_TEST(static_cast<int>(e.status()) == static_cast<int>(aq::Status::unsupported));
  }
}

BOOST_AUTO_TEST_CASE(a_nan_weight_is_reported_even_after_a_group_spanning_the_float_range) {
  // Row 0 overflows the range of a group; the NaN sits in a later row that the failing block may never reach.
  std::vector<float> x(64 * 32, 0.01f);
  x[0] = -FLT_MAX;
  x[1] = FLT_MAX;
  x[40 * 32 + 3] = std::nanf("");
  for (int threads : {1, 2}) {
    try {
      aq::quantize(x.data(), DType::f32, 64, 32, {8, 32, Mode::rtn, ParamFormat::automatic}, threads);
      BOOST_FAIL("no error");
    } catch (const aq::Error& e) {
      BOOST_TEST(static_cast<int>(e.status()) == static_cast<int>(aq::Status::invalid_argument), e.what());
      BOOST_TEST(std::string(e.what()).find("NaN weight at index 1283") != std::string::npos, e.what());
    }
  }
}

BOOST_AUTO_TEST_CASE(from_parts_rebuilds_the_same_tensor) {
  auto x = aqtest::gaussian(8 * 300, 0.02, 8);
  for (ParamFormat f : {ParamFormat::flat, ParamFormat::hierarchical}) {
    auto q = aq::quantize(x.data(), DType::f32, 8, 300, {4, 32, Mode::search, f});
    auto p = q.serialize_params();
    auto r = aq::from_parts(8, 300, q.spec, q.params_f32, q.codes, p.data(), p.size());
    BOOST_TEST(std::memcmp(r.scales.data(), q.scales.data(), q.scales.size() * 4) == 0);
    BOOST_TEST(std::memcmp(r.offsets.data(), q.offsets.data(), q.offsets.size() * 4) == 0);
    BOOST_CHECK_THROW(aq::from_parts(8, 300, q.spec, q.params_f32, q.codes, p.data(), p.size() - 1), aq::Error);
  }
}

BOOST_AUTO_TEST_CASE(outputs_are_byte_identical_to_the_0_1_0_release) {
  // Codes, serialized parameters and error statistics of every bits / group size / mode / format / dtype on
  // heavy-tailed data (zeros included, four shapes with short last groups) hash to the value the 0.1.0 quantizer
  // produced: faster kernels must not change a byte of what users already wrote (docs/format.md).
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  auto mix = [&h](const void* p, std::size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    for (std::size_t i = 0; i < n; ++i) {
      h ^= b[i];
      h *= 1099511628211ull;
    }
  };
  uint64_t s = 7;
  auto rnd = [&s] {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  };
  for (uint64_t cols : {4096ull, 300ull, 1000ull, 17ull}) {
    const uint64_t rows = 64;
    std::vector<float> x(rows * cols);
    for (float& v : x) {
      const double u = rnd(), w = rnd();
      v = static_cast<float>(0.002 * (u - 0.5) / (w + 0.01));
    }
    for (std::size_t i = 0; i < 50 && i < x.size(); ++i) x[i * 7 % x.size()] = 0.0f;
    std::vector<uint16_t> hx(x.size()), bx(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      hx[i] = aq::f32_to_f16(x[i]);
      bx[i] = aq::f32_to_bf16(x[i]);
    }
    for (int bits : {2, 4, 8})
      for (int gs : {32, 64, 128, 256})
        for (int mode = 0; mode < 2; ++mode)
          for (int f = 0; f < 3; ++f) {
            if (bits == 8 && f == 2) continue;
            for (int dt = 0; dt < 3; ++dt) {
              const void* src = dt == 0   ? static_cast<const void*>(x.data())
                                : dt == 1 ? static_cast<const void*>(hx.data())
                                          : static_cast<const void*>(bx.data());
              const aq::QuantSpec spec{bits, gs, static_cast<Mode>(mode), static_cast<ParamFormat>(f)};
              const auto q = aq::quantize(src, static_cast<DType>(dt), rows, cols, spec, 2);
              mix(q.codes.data(), q.codes.size());
              const auto p = q.serialize_params();
              mix(p.data(), p.size());
              const double st[4] = {q.stats.sse, q.stats.energy, q.stats.recon_energy, q.stats.dot};
              mix(st, sizeof(st));
              mix(&q.stats.max_abs, sizeof(q.stats.max_abs));
              mix(&q.stats.count, sizeof(q.stats.count));
              mix(&q.params_f32, 1);
            }
          }
  }
  BOOST_TEST(h == 0x4894437537da601full);
}

BOOST_AUTO_TEST_CASE(quantize_into_reuses_buffers_and_equals_quantize) {
  // A tensor whose first group needs f32 parameters (values beyond fp16) after ordinary ones, so the reused
  // buffers go through the fallback; then smaller and larger shapes and a hierarchical spec into the same q.
  std::vector<float> big = aqtest::gaussian(64 * 512, 0.02, 5);
  std::vector<float> huge = big;
  huge[3] = 1e6f;
  const aq::QuantSpec specs[] = {{4, 128, aq::Mode::rtn, aq::ParamFormat::flat},
                                 {2, 256, aq::Mode::search, aq::ParamFormat::hierarchical},
                                 {8, 64, aq::Mode::rtn, aq::ParamFormat::automatic}};
  aq::QuantizedTensor q;
  for (const aq::QuantSpec& spec : specs) {
    for (const auto& shape : {std::pair<uint64_t, uint64_t>{64, 512}, {8, 256}, {64, 512}}) {
      for (const std::vector<float>* x : {&big, &huge}) {
        aq::quantize_into(q, x->data(), aq::DType::f32, shape.first, shape.second, spec, 2);
        const aq::QuantizedTensor want = aq::quantize(x->data(), aq::DType::f32, shape.first, shape.second, spec, 1);
        BOOST_TEST(q.codes == want.codes);
        BOOST_TEST(q.scales == want.scales);
        BOOST_TEST(q.offsets == want.offsets);
        BOOST_TEST(q.super_params == want.super_params);
        BOOST_TEST(q.sub_params == want.sub_params);
        BOOST_TEST(q.params_f32 == want.params_f32);
        BOOST_TEST(static_cast<int>(q.spec.format) == static_cast<int>(want.spec.format));
        BOOST_TEST(std::memcmp(&q.stats, &want.stats, sizeof(q.stats)) == 0);
      }
    }
  }
  BOOST_TEST(q.params_f32);  // the last call took the f32 fallback
}
