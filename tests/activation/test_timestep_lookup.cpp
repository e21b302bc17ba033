// The runtime side of the time-aware parameters through the C ABI: the timestep mapping, the per-tensor metadata
// an engine needs, the lookup (a 20-step sampler reading parameters recorded with 200 steps), the integer zero
// point export, the honest data-free default, and bad input.
#define BOOST_TEST_MODULE timestep_lookup
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "arrowquant.h"
#include "arrowquant/safetensors.hpp"
#include "temp_dir.hpp"
#include "test_data.hpp"

namespace {

const char* const kQ = "blocks.0.attn.to_q.weight";
const char* const kK = "blocks.0.attn.to_k.weight";
const char* const kV = "blocks.0.attn.to_v.weight";

// to_q, to_k, to_v: three different weights that read one input; plus a bias (not quantized).
void write_model(const std::string& path) {
  aq::st::WriterOptions wo;
  wo.overwrite = true;
  aq::st::Writer w(path, wo);
  const char* names[] = {kQ, kK, kV};
  std::vector<std::vector<float>> ws;
  for (int i = 0; i < 3; ++i) {
    ws.push_back(aqtest::gaussian(64 * 128, 0.02, 10 + i));
    w.declare(names[i], aq::st::DType::F32, {64, 128});
  }
  std::vector<float> bias(64, 0.0f);
  w.declare("blocks.0.attn.to_q.bias", aq::st::DType::F32, {64});
  w.begin();
  for (int i = 0; i < 3; ++i) w.write(names[i], ws[i].data(), ws[i].size() * 4);
  w.write("blocks.0.attn.to_q.bias", bias.data(), bias.size() * 4);
  w.commit();
}

aq_config* config_with(std::initializer_list<std::pair<const char*, std::string>> kv) {
  aq_config* c = nullptr;
  BOOST_REQUIRE(aq_config_create(&c) == AQ_OK);
  for (const auto& [k, v] : kv) BOOST_REQUIRE_MESSAGE(aq_config_set(c, k, v.c_str()) == AQ_OK, k << ": " << aq_last_error_message());
  return c;
}

void quantize(const std::string& in, const std::string& out, aq_config* c) {
  aq_report* rep = nullptr;
  BOOST_REQUIRE_MESSAGE(aq_quantize_model(in.c_str(), out.c_str(), c, nullptr, nullptr, &rep) == AQ_OK,
                        aq_last_error_message());
  aq_report_free(rep);
  aq_config_free(c);
}

aq_model* open(const std::string& path) {
  aq_model* m = nullptr;
  BOOST_REQUIRE(aq_model_open(path.c_str(), &m) == AQ_OK);
  return m;
}

boost::json::object time_aware_meta(aq_model* m, const char* name) {
  const char* data = nullptr;
  uint64_t bytes = 0;
  BOOST_REQUIRE(aq_model_tensor_info(m, name, &data, &bytes) == AQ_OK);
  return boost::json::parse(std::string(data, bytes)).as_object().at("time_aware").as_object();
}

uint64_t index_of(double t, double t_clean, double t_noise, uint64_t T) {
  uint64_t i = 0;
  BOOST_REQUIRE_MESSAGE(aq_timestep_index(t, t_clean, t_noise, T, &i) == AQ_OK, aq_last_error_message());
  return i;
}

// The activation range a layer sees at continuous time u in [0, 1] (0 = clean): it grows with the noise.
float range_at(double u) { return static_cast<float>(0.5 + 3.0 * u); }

}  // namespace

BOOST_AUTO_TEST_CASE(timestep_index_maps_the_axis_ends_and_ddpm_steps) {
  BOOST_TEST(index_of(0.0, 0.0, 1.0, 1000) == 0u);
  BOOST_TEST(index_of(1.0, 0.0, 1.0, 1000) == 999u);
  BOOST_TEST(index_of(0.5, 0.0, 1.0, 3) == 1u);
  BOOST_TEST(index_of(10.0, 0.0, 10.0, 50) == 49u);
  // Discrete DDPM timesteps on [0, T - 1] map to themselves.
  for (uint64_t k = 0; k < 1000; ++k) BOOST_TEST(index_of(double(k), 0.0, 999.0, 1000) == k);
  // An axis that runs the other way (t = 1 clean, t = 0 noise).
  BOOST_TEST(index_of(1.0, 1.0, 0.0, 100) == 0u);
  BOOST_TEST(index_of(0.0, 1.0, 0.0, 100) == 99u);
  // sigma in [0.002, 80].
  BOOST_TEST(index_of(80.0, 0.002, 80.0, 1000) == 999u);
  BOOST_TEST(index_of(0.002, 0.002, 80.0, 1000) == 0u);
  BOOST_TEST(index_of(0.3, 0.0, 1.0, 1) == 0u);
}

BOOST_AUTO_TEST_CASE(timestep_index_rejects_bad_input_naming_it) {
  uint64_t i = 0;
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  BOOST_TEST(aq_timestep_index(1.5, 0.0, 1.0, 10, &i) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(std::string(aq_last_error_message()).find("outside") != std::string::npos);
  BOOST_TEST(aq_timestep_index(-0.1, 0.0, 1.0, 10, &i) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_timestep_index(nan, 0.0, 1.0, 10, &i) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_timestep_index(0.5, nan, 1.0, 10, &i) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_timestep_index(0.5, 0.0, inf, 10, &i) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_timestep_index(0.5, 1.0, 1.0, 10, &i) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_timestep_index(0.5, 0.0, 1.0, 0, &i) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(std::string(aq_last_error_message()).find("num_timesteps") != std::string::npos);
  BOOST_TEST(aq_timestep_index(0.5, 0.0, 1.0, UINT64_MAX, &i) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_timestep_index(0.5, 0.0, 1.0, 10, nullptr) == AQ_ERR_INVALID_ARGUMENT);
}

BOOST_AUTO_TEST_CASE(twenty_step_sampler_reads_parameters_recorded_with_two_hundred_steps) {
  aqtest::TempDir d("lookup");
  write_model(d / "in.safetensors");
  // The recorder: a 200-step sampler walks t from 1 (noise) to 0 (clean) and files each evaluation under
  // aq_timestep_index(t, 0, 1, 200). The layer's input range at time t is range_at(t).
  const uint64_t T = 200;
  std::vector<float> mn(T), mx(T), mean(T, 0.0f), sd(T);
  std::vector<int> hits(T, 0);
  for (uint64_t j = 0; j < T; ++j) {
    const double t = 1.0 - double(j) / double(T - 1);
    const uint64_t i = index_of(t, 0.0, 1.0, T);
    ++hits[i];
    mx[i] = range_at(t);
    mn[i] = -range_at(t);
    sd[i] = range_at(t) / 3.0f;
  }
  for (uint64_t i = 0; i < T; ++i) BOOST_TEST_REQUIRE(hits[i] == 1, "timestep " << i << " recorded " << hits[i] << " times");
  boost::json::object layer{{"min", boost::json::value_from(mn)}, {"max", boost::json::value_from(mx)},
                            {"mean", boost::json::value_from(mean)}, {"std", boost::json::value_from(sd)}};
  boost::json::object doc{{"format", "arrowquant-calibration/1"}, {"num_timesteps", T},
                          {"layers", boost::json::object{{"blocks.0.attn.to_q", layer}}}};
  std::ofstream(d / "calib.json") << boost::json::serialize(doc);

  quantize(d / "in.safetensors", d / "out.safetensors",
           config_with({{"calibration_file", d / "calib.json"}, {"num_time_groups", "10"}, {"activation_bits", "8"},
                        {"group_size", "64"}}));
  aq_model* m = open(d / "out.safetensors");

  // The metadata says what an engine needs.
  const auto ta = time_aware_meta(m, kQ);
  BOOST_TEST(ta.at("activation_bits").to_number<int>() == 8);
  BOOST_TEST(ta.at("num_timesteps").to_number<uint64_t>() == T);
  BOOST_TEST(ta.at("module").as_string() == "blocks.0.attn.to_q");
  BOOST_TEST(ta.at("calibration_source").as_string() == "recorded");
  BOOST_TEST(ta.at("synthetic").as_bool() == false);
  BOOST_TEST(std::string(ta.at("timestep_order").as_string()).find("index 0 = clean") == 0u);

  uint64_t file_T = 0, groups = 0;
  int bits = 0, synthetic = -1;
  BOOST_REQUIRE(aq_model_activation_info(m, kQ, &file_T, &groups, &bits, &synthetic) == AQ_OK);
  BOOST_TEST(file_T == T);
  BOOST_TEST(groups == 10u);
  BOOST_TEST(bits == 8);
  BOOST_TEST(synthetic == 0);

  // The 20-step sampler (Euler from t = 1 to t = 0, plus a Heun-type second evaluation at each next time) maps each
  // evaluation's own t onto the file's 200-step axis and gets the parameters recorded around that t: the scale of
  // the time group holding the index, whose range was recorded at times within one group width (20/199) of t.
  const int steps = 20;
  std::set<uint64_t> groups_seen;
  for (int k = 0; k < steps; ++k) {
    for (double t : {1.0 - double(k) / (steps - 1), 1.0 - (k + 0.5) / (steps - 1)}) {
      if (t < 0) continue;
      const uint64_t idx = index_of(t, 0.0, 1.0, file_T);
      float scale = 0, zp = 0;
      int b = 0;
      BOOST_REQUIRE(aq_model_activation_params(m, kQ, idx, &scale, &zp, &b) == AQ_OK);
      BOOST_TEST(b == 8);
      // Expected from the recorded statistics, as params_from_stats computes it: the group of 20 indices.
      const uint64_t g = idx / 20;
      groups_seen.insert(g);
      float gmin = mn[g * 20], gmax = mx[g * 20];
      for (uint64_t i = g * 20; i < g * 20 + 20; ++i) {
        gmin = std::min(gmin, mn[i]);
        gmax = std::max(gmax, mx[i]);
      }
      BOOST_TEST(scale == (gmax - gmin) / 255.0f, "t " << t << " index " << idx);
      BOOST_TEST(zp == -gmin / ((gmax - gmin) / 255.0f), boost::test_tools::tolerance(1e-5f));
      // And that group's range was recorded close to t.
      const float half_range = scale * 255.0f / 2.0f;
      BOOST_TEST(std::fabs(half_range - range_at(t)) <= 3.0f * 21.0f / 199.0f, "t " << t);
      uint64_t start = 0, end = 0;
      BOOST_REQUIRE(aq_model_activation_group(m, kQ, g, &start, &end, nullptr, nullptr, nullptr) == AQ_OK);
      BOOST_TEST((start <= idx && idx < end));
    }
  }
  BOOST_TEST(groups_seen.size() == 10u);  // the sampler walks through every recorded group

  // The layer the file does not name is labelled synthetic and has the config's axis (1000 by default).
  BOOST_REQUIRE(aq_model_activation_info(m, kK, &file_T, &groups, &bits, &synthetic) == AQ_OK);
  BOOST_TEST(synthetic == 1);
  BOOST_TEST(file_T == 1000u);
  BOOST_TEST(time_aware_meta(m, kK).at("calibration_source").as_string() == "data-free");
  aq_model_free(m);
}

BOOST_AUTO_TEST_CASE(lookup_errors_name_the_tensor_and_the_index) {
  aqtest::TempDir d("lookup");
  write_model(d / "in.safetensors");
  quantize(d / "in.safetensors", d / "out.safetensors", config_with({{"group_size", "64"}}));
  aq_model* m = open(d / "out.safetensors");
  float s = 0;
  BOOST_TEST(aq_model_activation_params(m, kQ, 999, &s, nullptr, nullptr) == AQ_OK);
  BOOST_TEST(aq_model_activation_params(m, kQ, 1000, &s, nullptr, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  std::string msg = aq_last_error_message();
  BOOST_TEST(msg.find(kQ) != std::string::npos);
  BOOST_TEST(msg.find("1000") != std::string::npos);
  BOOST_TEST(aq_model_activation_params(m, "no.such.weight", 0, &s, nullptr, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(std::string(aq_last_error_message()).find("no.such.weight") != std::string::npos);
  BOOST_TEST(aq_model_activation_params(m, "blocks.0.attn.to_q.bias", 0, &s, nullptr, nullptr) ==
             AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(std::string(aq_last_error_message()).find("blocks.0.attn.to_q.bias") != std::string::npos);
  BOOST_TEST(aq_model_activation_params(nullptr, kQ, 0, &s, nullptr, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_model_activation_params(m, nullptr, 0, &s, nullptr, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  BOOST_TEST(aq_model_activation_group(m, kQ, 10, nullptr, nullptr, nullptr, nullptr, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  aq_model_free(m);

  // Quantized without time-aware parameters: the lookup says so.
  quantize(d / "in.safetensors", d / "plain.safetensors", config_with({{"group_size", "64"}, {"enable_time_aware", "false"}}));
  m = open(d / "plain.safetensors");
  BOOST_TEST(aq_model_activation_params(m, kQ, 0, &s, nullptr, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  msg = aq_last_error_message();
  BOOST_TEST(msg.find(kQ) != std::string::npos);
  BOOST_TEST(msg.find("no time-aware parameters") != std::string::npos);
  aq_model_free(m);
}

BOOST_AUTO_TEST_CASE(without_a_calibration_file_layers_with_one_input_get_the_same_synthetic_parameters) {
  aqtest::TempDir d("lookup");
  write_model(d / "in.safetensors");
  quantize(d / "in.safetensors", d / "out.safetensors", config_with({{"group_size", "64"}}));
  aq_model* m = open(d / "out.safetensors");
  const char* data = nullptr;
  uint64_t bytes = 0;
  std::vector<boost::json::array> tables;
  for (const char* n : {kQ, kK, kV}) {
    BOOST_REQUIRE(aq_model_activation_json(m, n, &data, &bytes) == AQ_OK);
    auto o = boost::json::parse(std::string(data, bytes)).as_object();
    BOOST_TEST(o.at("synthetic").as_bool() == true);
    BOOST_TEST(o.at("calibration_source").as_string() == "data-free");
    tables.push_back(o.at("groups").as_array());
  }
  BOOST_TEST(tables[0] == tables[1]);
  BOOST_TEST(tables[0] == tables[2]);
  BOOST_TEST(tables[0].size() == 10u);
  // The integer zero point of each group is its zero point rounded half to even into the code range.
  for (const auto& g : tables[0]) {
    const double zp = g.at("zero_point").to_number<double>();
    const int64_t iz = g.at("integer_zero_point").to_number<int64_t>();
    BOOST_TEST(iz == std::min<int64_t>(255, std::max<int64_t>(0, static_cast<int64_t>(std::nearbyint(zp)))));
  }
  aq_model_free(m);
}

BOOST_AUTO_TEST_CASE(table_boundaries_are_exact_at_the_largest_num_timesteps) {
  aqtest::TempDir d("lookup");
  write_model(d / "in.safetensors");
  const uint64_t T = 1000000;  // the key's maximum; F32 boundaries are exact below 2^24
  quantize(d / "in.safetensors", d / "out.safetensors",
           config_with({{"group_size", "64"}, {"num_timesteps", std::to_string(T)}, {"num_time_groups", "7"},
                        {"calibration_samples", "1"}}));
  aq_model* m = open(d / "out.safetensors");
  std::vector<uint64_t> b(8);
  BOOST_REQUIRE(aq_group_timesteps(T, 7, b.data(), b.size()) == AQ_OK);
  for (uint64_t g = 0; g < 7; ++g) {
    uint64_t start = 0, end = 0;
    BOOST_REQUIRE(aq_model_activation_group(m, kQ, g, &start, &end, nullptr, nullptr, nullptr) == AQ_OK);
    BOOST_TEST(start == b[g]);
    BOOST_TEST(end == b[g + 1]);
  }
  float s = 0;
  BOOST_TEST(aq_model_activation_params(m, kQ, T - 1, &s, nullptr, nullptr) == AQ_OK);
  BOOST_TEST(aq_model_activation_params(m, kQ, T, &s, nullptr, nullptr) == AQ_ERR_INVALID_ARGUMENT);
  aq_model_free(m);
}

namespace {

// A copy of a quantized file with tensor_name's tg_params table and metadata changed by the two callbacks.
template <class EditTable, class EditMeta>
void rewrite(const std::string& in, const std::string& out, const std::string& tensor_name, EditTable edit_table,
             EditMeta edit_meta) {
  aq::st::Reader r = aq::st::Reader::open(in);
  aq::st::WriterOptions wo;
  wo.overwrite = true;
  aq::st::Writer w(out, wo);
  for (const auto& [k, v] : r.metadata())
    w.set_metadata(k, k == "arrowquant.tensor." + tensor_name ? edit_meta(v) : v);
  for (const auto& t : r.tensors()) w.declare(t.name, t.dtype, t.shape);
  w.begin();
  for (const auto& t : r.tensors()) {
    std::vector<uint8_t> bytes(t.nbytes);
    r.read(t, 0, bytes.data(), t.nbytes);
    if (t.name == tensor_name + ".tg_params") edit_table(reinterpret_cast<float*>(bytes.data()));
    w.write(t.name, bytes.data(), bytes.size());
  }
  w.commit();
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  BOOST_REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_CASE(malformed_tables_and_old_metadata_are_format_errors_naming_the_tensor) {
  aqtest::TempDir d("lookup");
  write_model(d / "in.safetensors");
  quantize(d / "in.safetensors", d / "out.safetensors", config_with({{"group_size", "64"}}));
  auto keep = [](std::string m) { return m; };
  struct Case {
    const char* what;
    std::function<void(float*)> table;
    std::function<std::string(std::string)> meta;
  };
  const Case cases[] = {
      {"negative scale", [](float* t) { t[4 * 3 + 2] = -1.0f; }, keep},
      {"NaN zero point", [](float* t) { t[4 * 1 + 3] = std::numeric_limits<float>::quiet_NaN(); }, keep},
      {"gap between groups", [](float* t) { t[4 * 2 + 0] += 1.0f; }, keep},
      {"last group short of num_timesteps", [](float* t) { t[4 * 9 + 1] -= 1.0f; }, keep},
      {"no activation_bits (an older file)", [](float*) {},
       [](std::string m) { return replace_once(m, "\"activation_bits\":8,", ""); }},
      {"activation_bits out of range", [](float*) {},
       [](std::string m) { return replace_once(m, "\"activation_bits\":8", "\"activation_bits\":40"); }},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      rewrite(d / "out.safetensors", d / "bad.safetensors", kQ, c.table, c.meta);
      aq_model* m = open(d / "bad.safetensors");
      float s = 0;
      BOOST_TEST(aq_model_activation_params(m, kQ, 0, &s, nullptr, nullptr) == AQ_ERR_FORMAT);
      BOOST_TEST(std::string(aq_last_error_message()).find(kQ) != std::string::npos);
      // The other tensors are unaffected.
      BOOST_TEST(aq_model_activation_params(m, kK, 0, &s, nullptr, nullptr) == AQ_OK);
      aq_model_free(m);
    }
  }
}
