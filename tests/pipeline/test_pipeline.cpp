// The model pipeline end to end on the synthetic demo model and on small generated models.
#define BOOST_TEST_MODULE pipeline
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "arrowquant/error.hpp"
#include "arrowquant/pipeline.hpp"
#include "arrowquant/safetensors.hpp"
#include "test_data.hpp"

namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("aq-pipeline-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int c = 0;
    return c;
  }
  std::string operator/(const std::string& n) const { return (path / n).string(); }
};

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A small model: two matrices, a norm, a bias, an I64 tensor.
void write_small_model(const std::string& path, float outlier = 0.0f) {
  aq::st::WriterOptions wo;
  wo.overwrite = true;
  aq::st::Writer w(path, wo);
  auto a = aqtest::gaussian(64 * 256, 0.02, 1);
  auto b = aqtest::gaussian(128 * 64, 0.05, 2);
  if (outlier != 0.0f) a[5] = outlier;
  std::vector<float> norm(64, 1.0f), bias(64, 0.0f);
  std::vector<int64_t> ids(16);
  for (int i = 0; i < 16; ++i) ids[i] = i;
  w.declare("layers.0.attn.to_q.weight", aq::st::DType::F32, {64, 256});
  w.declare("layers.0.mlp.down.weight", aq::st::DType::F32, {128, 64});
  w.declare("layers.0.norm1.weight", aq::st::DType::F32, {64});
  w.declare("layers.0.attn.to_q.bias", aq::st::DType::F32, {64});
  w.declare("position_ids", aq::st::DType::I64, {16});
  w.begin();
  w.write("layers.0.attn.to_q.weight", a.data(), a.size() * 4);
  w.write("layers.0.mlp.down.weight", b.data(), b.size() * 4);
  w.write("layers.0.norm1.weight", norm.data(), 256);
  w.write("layers.0.attn.to_q.bias", bias.data(), 256);
  w.write("position_ids", ids.data(), 128);
  w.commit();
}

}  // namespace

BOOST_AUTO_TEST_CASE(small_model_round_trips_and_keeps_unquantized_tensors) {
  TempDir d;
  write_small_model(d / "in.safetensors");
  aq::PipelineConfig c;
  c.bit_width = 4;
  c.group_size = 64;
  std::string report = aq::quantize_model(d / "in.safetensors", d / "out.safetensors", c, nullptr);
  auto rep = boost::json::parse(report).as_object();
  BOOST_TEST(rep.at("totals").at("quantized_tensors").to_number<uint64_t>() == 2u);
  BOOST_TEST(rep.at("kept_tensors").as_array().size() == 3u);
  aq::ModelView v = aq::ModelView::open(d / "out.safetensors");
  BOOST_TEST(v.names().size() == 5u);
  BOOST_TEST(v.is_quantized("layers.0.attn.to_q.weight"));
  BOOST_TEST(!v.is_quantized("layers.0.norm1.weight"));
  std::vector<float> y(64 * 256);
  v.read("layers.0.attn.to_q.weight", aq::DType::f32, y.data(), y.size() * 4);
  auto a = aqtest::gaussian(64 * 256, 0.02, 1);
  double err = 0;
  for (std::size_t i = 0; i < a.size(); ++i) err = std::max(err, double(std::fabs(a[i] - y[i])));
  BOOST_TEST(err < 0.02);
  // tg_params present with one row per time group
  const auto* tg = v.reader().find("layers.0.attn.to_q.weight.tg_params");
  BOOST_TEST_REQUIRE(tg);
  BOOST_TEST(tg->shape[0] == 10u);
  BOOST_TEST(tg->shape[1] == 4u);
  BOOST_TEST(v.reader().metadata().at("arrowquant.format") == "1");
  // Comparison and export
  auto cmp = boost::json::parse(aq::compare_models(d / "in.safetensors", d / "out.safetensors")).as_object();
  BOOST_TEST(cmp.at("totals").at("cosine").as_double() > 0.99);
  aq::export_dequantized(d / "out.safetensors", d / "deq.safetensors", aq::DType::bf16);
  aq::st::Reader r = aq::st::Reader::open(d / "deq.safetensors");
  BOOST_TEST(aq::st::dtype_name(r.at("layers.0.attn.to_q.weight").dtype) == std::string("BF16"));
  BOOST_TEST(aq::st::dtype_name(r.at("position_ids").dtype) == std::string("I64"));
}

BOOST_AUTO_TEST_CASE(output_file_is_byte_identical_for_one_and_two_threads) {
  TempDir d;
  write_small_model(d / "in.safetensors");
  aq::PipelineConfig c;
  c.mode = aq::Mode::search;
  c.time_aware.thermodynamic.boundary_smoothing.enabled = true;
  c.time_aware.thermodynamic.transition_optimization.enabled = true;
  c.time_aware.thermodynamic.transition_optimization.max_iterations = 5;
  c.num_threads = 1;
  aq::quantize_model(d / "in.safetensors", d / "a.safetensors", c, nullptr);
  c.num_threads = 2;
  aq::quantize_model(d / "in.safetensors", d / "b.safetensors", c, nullptr);
  BOOST_TEST((slurp(d / "a.safetensors") == slurp(d / "b.safetensors")));
}

BOOST_AUTO_TEST_CASE(an_already_quantized_model_is_refused_as_input) {
  TempDir d;
  write_small_model(d / "in.safetensors");
  aq::PipelineConfig c;
  aq::quantize_model(d / "in.safetensors", d / "q.safetensors", c, nullptr);
  try {
    aq::quantize_model(d / "q.safetensors", d / "qq.safetensors", c, nullptr);
    BOOST_FAIL("a quantized model was quantized again");
  } catch (const aq::Error& e) {
    BOOST_TEST(static_cast<int>(e.status()) == static_cast<int>(aq::Status::invalid_argument));
    BOOST_TEST(std::string(e.what()).find("already quantized") != std::string::npos, e.what());
  }
  BOOST_TEST(!fs::exists(d / "qq.safetensors"));
}

BOOST_AUTO_TEST_CASE(cancel_leaves_nothing_under_the_output_name) {
  TempDir d;
  write_small_model(d / "in.safetensors");
  aq::PipelineConfig c;
  int calls = 0;
  try {
    aq::quantize_model(d / "in.safetensors", d / "out.safetensors", c, [&](uint64_t, uint64_t, uint64_t, uint64_t) {
      return ++calls < 2;
    });
    BOOST_FAIL("not cancelled");
  } catch (const aq::Error& e) {
    BOOST_TEST(static_cast<int>(e.status()) == static_cast<int>(aq::Status::cancelled));
  }
  BOOST_TEST(!fs::exists(d / "out.safetensors"));
  for (const auto& e : fs::directory_iterator(d.path)) BOOST_TEST(e.path().filename() == "in.safetensors");
}

// A single streamed pass writes on another thread while it quantizes: the callback is still asked only on the
// calling thread, and cancelling in any stage, with a write in flight, leaves nothing.
BOOST_AUTO_TEST_CASE(single_pass_streaming_asks_on_the_calling_thread_and_cancels_cleanly) {
  TempDir d;
  aq::write_demo_model(d / "demo.safetensors", 3);
  aq::PipelineConfig c;
  c.time_aware.num_time_groups = 4;
  c.max_memory_limit_mb = 1;
  const auto caller = std::this_thread::get_id();
  int calls = 0, other_thread = 0;
  const std::string rep = aq::quantize_model_staged(
      d / "demo.safetensors", d / "full.safetensors", c,
      [&](aq::RunStage, const std::string&, uint64_t, uint64_t, uint64_t, uint64_t) {
        ++calls;
        if (std::this_thread::get_id() != caller) ++other_thread;
        return true;
      });
  BOOST_TEST(boost::json::parse(rep).at("streaming_single_pass").as_bool());
  BOOST_TEST(calls > 100);
  BOOST_TEST(other_thread == 0);
  for (int stop_at : {1, 2, 40, 150, calls - 1}) {
    BOOST_TEST_CONTEXT("cancelled at call " << stop_at << " of " << calls) {
      TempDir o;
      int n = 0;
      try {
        aq::quantize_model_staged(d / "demo.safetensors", o / "out.safetensors", c,
                                  [&](aq::RunStage, const std::string&, uint64_t, uint64_t, uint64_t, uint64_t) {
                                    return ++n < stop_at;
                                  });
        BOOST_FAIL("not cancelled");
      } catch (const aq::Error& e) {
        BOOST_TEST(static_cast<int>(e.status()) == static_cast<int>(aq::Status::cancelled), e.what());
      }
      BOOST_TEST(fs::is_empty(o.path));
    }
  }
}

BOOST_AUTO_TEST_CASE(low_cosine_falls_back_to_more_bits_or_fails_fast) {
  TempDir d;
  write_small_model(d / "in.safetensors");  // Gaussian matrices: INT2 cosine is about 0.94
  aq::PipelineConfig c;
  c.bit_width = 2;
  c.min_accuracy = 0.99;
  c.enable_time_aware = false;
  auto rep = boost::json::parse(aq::quantize_model(d / "in.safetensors", d / "out.safetensors", c, nullptr)).as_object();
  for (const auto& l : rep.at("layers").as_array()) {
    BOOST_TEST(l.at("bits").as_int64() > 2);  // both fell back
    BOOST_TEST(!l.at("fallback_from_bits").as_array().empty());
  }
  c.fail_fast = true;
  try {
    aq::quantize_model(d / "in.safetensors", d / "ff.safetensors", c, nullptr);
    BOOST_FAIL("no quality error");
  } catch (const aq::Error& e) {
    BOOST_TEST(static_cast<int>(e.status()) == static_cast<int>(aq::Status::quality));
    BOOST_TEST(std::string(e.what()).find("layers.0") != std::string::npos, e.what());
  }
  BOOST_TEST(!fs::exists(d / "ff.safetensors"));
}

BOOST_AUTO_TEST_CASE(plan_rules_keep_sensitive_and_16_bit_layers) {
  TempDir d;
  write_small_model(d / "in.safetensors");
  aq::PipelineConfig c;
  c.enable_time_aware = false;
  c.sensitive_layer_patterns = {"mlp\\.down"};
  c.layer_bit_widths = {{"layers.0.attn.to_q.weight", 8}};
  aq::quantize_model(d / "in.safetensors", d / "out.safetensors", c, nullptr);
  aq::ModelView v = aq::ModelView::open(d / "out.safetensors");
  BOOST_TEST(!v.is_quantized("layers.0.mlp.down.weight"));
  BOOST_TEST(v.tensor_info_json("layers.0.attn.to_q.weight").find("\"bits\":8") != std::string::npos);
  c.sensitive_layer_patterns = {"("};
  BOOST_CHECK_THROW(aq::quantize_model(d / "in.safetensors", d / "x.safetensors", c, nullptr), aq::Error);
}

BOOST_AUTO_TEST_CASE(demo_model_is_dit_shaped_and_quantizes) {
  TempDir d;
  aq::write_demo_model(d / "demo.safetensors", 0);
  aq::st::Reader r = aq::st::Reader::open(d / "demo.safetensors");
  uint64_t params = 0;
  for (const auto& t : r.tensors()) params += t.numel;
  BOOST_TEST(params > 20'000'000u);
  BOOST_TEST(params < 50'000'000u);
  BOOST_TEST(r.metadata().at("arrowquant.synthetic") == "true");
  BOOST_TEST(r.find("blocks.0.attn.to_q.weight"));
  BOOST_TEST(r.find("blocks.11.adaLN_modulation.1.weight"));
}

// The tensors and metadata of a model, whatever their order in the file.
std::string contents(const std::string& path) {
  const aq::st::Reader r = aq::st::Reader::open(path);
  std::string out;
  for (const auto& [k, v] : r.metadata()) out += "M " + k + "=" + v + "\n";
  for (const auto& t : r.tensors()) {
    out += "T " + t.name + " " + aq::st::dtype_name(t.dtype);
    for (uint64_t dim : t.shape) out += " " + std::to_string(dim);
    out += "\n";
    std::string b(t.nbytes, '\0');
    if (t.nbytes) r.read(t, 0, b.data(), t.nbytes);
    out += b;
  }
  return out;
}

BOOST_AUTO_TEST_CASE(streamed_outputs_hold_the_in_memory_output) {
  TempDir d;
  aq::write_demo_model(d / "demo.safetensors", 1);
  for (bool time_aware : {false, true}) {
    BOOST_TEST_CONTEXT("time-aware " << time_aware) {
      aq::PipelineConfig c;
      c.enable_time_aware = time_aware;
      c.mode = aq::Mode::search;
      c.bit_width = 2;
      c.time_aware.num_time_groups = 4;
      auto held = boost::json::parse(aq::quantize_model(d / "demo.safetensors", d / "a.safetensors", c, nullptr)).as_object();
      BOOST_TEST(!held.at("streaming_two_pass").as_bool());
      BOOST_TEST(!held.at("streaming_single_pass").as_bool());
      c.max_memory_limit_mb = 1;  // far below the ~10 MB of outputs
      // Single pass: the same tensors and metadata, in the order written, after a reserved header.
      auto single = boost::json::parse(aq::quantize_model(d / "demo.safetensors", d / "b.safetensors", c, nullptr)).as_object();
      BOOST_TEST(single.at("streaming_single_pass").as_bool());
      BOOST_TEST(contents(d / "a.safetensors") == contents(d / "b.safetensors"));
      BOOST_TEST(slurp(d / "a.safetensors").size() < slurp(d / "b.safetensors").size());  // the reserve's padding
      // Two passes: the very bytes of the in-memory run.
      ::setenv("AQ_TEST_TWO_PASS", "1", 1);
      auto two = boost::json::parse(aq::quantize_model(d / "demo.safetensors", d / "c.safetensors", c, nullptr)).as_object();
      ::unsetenv("AQ_TEST_TWO_PASS");
      BOOST_TEST(two.at("streaming_two_pass").as_bool());
      BOOST_TEST((slurp(d / "a.safetensors") == slurp(d / "c.safetensors")));
      // Deterministic: a second single pass on another thread count and io_mode gives the same bytes.
      c.num_threads = 1;
      c.io_mode = aq::IoMode::direct;
      aq::quantize_model(d / "demo.safetensors", d / "e.safetensors", c, nullptr);
      BOOST_TEST((slurp(d / "b.safetensors") == slurp(d / "e.safetensors")));
    }
  }
}

BOOST_AUTO_TEST_CASE(target_model_size_is_met_with_less_error_than_uniform_int2) {
  TempDir d;
  write_small_model(d / "in.safetensors");
  aq::PipelineConfig c;
  c.enable_time_aware = false;
  c.min_accuracy = 0;
  c.bit_width = 2;
  auto all2 = boost::json::parse(aq::quantize_model(d / "in.safetensors", d / "a.safetensors", c, nullptr)).as_object();
  c.bit_width = 8;
  auto all8 = boost::json::parse(aq::quantize_model(d / "in.safetensors", d / "b.safetensors", c, nullptr)).as_object();
  const double mb2 = all2.at("totals").at("model_size_mb").as_double();
  const double mb8 = all8.at("totals").at("model_size_mb").as_double();
  c.target_model_size_mb = (mb2 + mb8) / 2;
  auto mixed = boost::json::parse(aq::quantize_model(d / "in.safetensors", d / "c.safetensors", c, nullptr)).as_object();
  const auto& sp = mixed.at("size_plan").as_object();
  BOOST_TEST(sp.at("target_met").as_bool());
  BOOST_TEST(mixed.at("totals").at("model_size_mb").as_double() <= c.target_model_size_mb);
  BOOST_TEST(mixed.at("totals").at("sqnr_db").as_double() > all2.at("totals").at("sqnr_db").as_double());
  c.target_model_size_mb = mb2 / 4;  // impossible: even INT2 is bigger
  auto tiny = boost::json::parse(aq::quantize_model(d / "in.safetensors", d / "e.safetensors", c, nullptr)).as_object();
  BOOST_TEST(!tiny.at("size_plan").at("target_met").as_bool());
}

BOOST_AUTO_TEST_CASE(sharded_output_reads_back_like_a_single_file) {
  TempDir d;
  aq::write_demo_model(d / "demo.safetensors", 2);
  aq::PipelineConfig c;
  c.enable_time_aware = false;
  aq::quantize_model(d / "demo.safetensors", d / "single.safetensors", c, nullptr);
  c.max_shard_size_mb = 4;
  aq::quantize_model(d / "demo.safetensors", d / "sharded", c, nullptr);
  BOOST_TEST_REQUIRE(fs::is_directory(d / "sharded"));
  aq::ModelView a = aq::ModelView::open(d / "single.safetensors");
  aq::ModelView b = aq::ModelView::open(d / "sharded");
  BOOST_TEST_REQUIRE(b.reader().sharded());
  BOOST_TEST(b.reader().files().size() > 2u);
  BOOST_TEST(a.names() == b.names());
  for (const std::string n : {"blocks.3.mlp.up.weight", "blocks.11.attn.to_out.weight", "pos_embed"}) {
    const uint64_t e = a.elements(n);
    std::vector<float> x(e), y(e);
    a.read(n, aq::DType::f32, x.data(), e * 4);
    b.read(n, aq::DType::f32, y.data(), e * 4);
    BOOST_TEST((x == y), n);
  }
}
