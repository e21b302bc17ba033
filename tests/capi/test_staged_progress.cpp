// aq_quantize_model_staged: the stage-aware progress callback sees the stages in order (quantize, time-aware,
// write), each starting with done 0 and item "", then one event per item naming it with growing counts up to the
// total; returning non-zero cancels in any stage and leaves nothing behind.
#define BOOST_TEST_MODULE staged_progress
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "arrowquant.h"
#include "arrowquant/safetensors.hpp"
#include "temp_dir.hpp"
#include "test_data.hpp"

namespace {

struct Event {
  aq_run_stage stage;
  std::string item;
  uint64_t done, total, bytes_done, bytes_total;
};

struct Recorder {
  std::vector<Event> events;
  aq_run_stage cancel_stage = AQ_RUN_QUANTIZE;
  uint64_t cancel_done = UINT64_MAX;  // cancel at the first event of cancel_stage with this done count
};

int record(void* user_data, aq_run_stage stage, const char* item, uint64_t done, uint64_t total, uint64_t bytes_done,
           uint64_t bytes_total) {
  auto* r = static_cast<Recorder*>(user_data);
  r->events.push_back({stage, item ? item : "(null)", done, total, bytes_done, bytes_total});
  return stage == r->cancel_stage && done == r->cancel_done;
}

// 3 linear weights and 3 norms.
std::string write_model(const aqtest::TempDir& d) {
  const std::string path = d / "m.safetensors";
  aq::st::Writer w(path);
  for (int l = 0; l < 3; ++l) {
    w.declare("blocks." + std::to_string(l) + ".linear.weight", aq::st::DType::F32, {32, 128});
    w.declare("blocks." + std::to_string(l) + ".norm.weight", aq::st::DType::F32, {128});
  }
  w.begin();
  for (int l = 0; l < 3; ++l) {
    const auto v = aqtest::gaussian(32 * 128, 0.02, uint64_t(l));
    w.write("blocks." + std::to_string(l) + ".linear.weight", v.data(), v.size() * 4);
    std::vector<float> ones(128, 1.0f);
    w.write("blocks." + std::to_string(l) + ".norm.weight", ones.data(), ones.size() * 4);
  }
  w.commit();
  return path;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_stage_reports_its_start_and_each_item_in_order) {
  aqtest::TempDir d;
  const std::string in = write_model(d);
  Recorder r;
  aq_report* rep = nullptr;
  BOOST_REQUIRE_MESSAGE(aq_quantize_model_staged(in.c_str(), (d / "q.safetensors").c_str(), nullptr, record, &r,
                                                 &rep) == AQ_OK,
                        aq_last_error_message());
  aq_report_free(rep);
  const uint64_t totals[3] = {6, 3, 6};  // tensors, quantized layers, tensors
  for (int s = 0; s < 3; ++s) {
    std::vector<Event> ev;
    for (const auto& e : r.events)
      if (e.stage == s) ev.push_back(e);
    BOOST_TEST_CONTEXT("stage " << s) {
      BOOST_REQUIRE(!ev.empty());
      BOOST_TEST(ev.front().done == 0u);
      BOOST_TEST(ev.front().item == "");
      BOOST_TEST(ev.back().done == totals[s]);
      BOOST_TEST(ev.back().total == totals[s]);
      BOOST_TEST(ev.back().bytes_done == ev.back().bytes_total);
      for (std::size_t i = 1; i < ev.size(); ++i) {
        BOOST_TEST(ev[i].done >= ev[i - 1].done);
        if (ev[i].done > ev[i - 1].done) BOOST_TEST(ev[i].item.rfind("blocks.", 0) == 0u, ev[i].item);
      }
    }
  }
  for (std::size_t i = 1; i < r.events.size(); ++i) BOOST_TEST(r.events[i].stage >= r.events[i - 1].stage);
  BOOST_TEST(r.events[0].bytes_total == 3u * (32 * 128 * 4 + 128 * 4));
}

BOOST_AUTO_TEST_CASE(returning_non_zero_cancels_in_every_stage) {
  aqtest::TempDir d;
  const std::string in = write_model(d);
  const uint64_t totals[3] = {6, 3, 6};
  for (aq_run_stage stage : {AQ_RUN_QUANTIZE, AQ_RUN_TIME_AWARE, AQ_RUN_WRITE}) {
    for (uint64_t at : {uint64_t(0), totals[stage]}) {  // at the stage's start, and after its last item
      Recorder r;
      r.cancel_stage = stage;
      r.cancel_done = at;
      aq_report* rep = nullptr;
      BOOST_TEST(aq_quantize_model_staged(in.c_str(), (d / "q.safetensors").c_str(), nullptr, record, &r, &rep) ==
                     AQ_ERR_CANCELLED,
                 "stage " << stage << " at " << at);
      BOOST_TEST(rep == nullptr);
      BOOST_TEST((aqtest::TempDir::list(d.path) == std::vector<std::string>{"m.safetensors"}));
    }
  }
}
