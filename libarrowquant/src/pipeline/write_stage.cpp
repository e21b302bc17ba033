#include "pipeline/write_stage.hpp"

#include <string>

#include "arrowquant/json_util.hpp"
#include "pipeline/model_format.hpp"
#include "pipeline/planned_tensor.hpp"
#include "pipeline/test_pause.hpp"

namespace aq::pipeline {

namespace {

// NAME.tg_params rows (start, end, scale, zero_point) of a layer with time-aware parameters, else empty.
std::vector<float> tg_table(const QuantizedLayer& l) {
  std::vector<float> buf;
  if (!l.time_aware) return buf;
  for (const auto& gp : l.time_aware->params) {
    buf.push_back(static_cast<float>(gp.start));
    buf.push_back(static_cast<float>(gp.end));
    buf.push_back(gp.scale);
    buf.push_back(gp.zero_point);
  }
  return buf;
}

std::string version_text() {
  return std::to_string(AQ_VERSION_MAJOR) + "." + std::to_string(AQ_VERSION_MINOR) + "." +
         std::to_string(AQ_VERSION_PATCH);
}

// `"KEY":"VALUE",` in the header.
uint64_t entry_bytes(const std::string& k, const std::string& v) {
  return json::quote(k).size() + 1 + json::quote(v).size() + 1;
}

// A tensor's entry `"NAME":{"dtype":"BF16","shape":[...],"data_offsets":[B,E]},` with the longest dtype name
// (4 characters) and every number at 20 digits.
uint64_t tensor_entry_bound(const std::string& name, std::size_t rank) {
  return json::quote(name).size() + std::string(":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[,]},").size() +
         21 * rank + 40;
}

// Commits the writer; the write stage's times from t_w0 on, the commit (fsync, rename) separately.
WriteTimes commit_timed(st::Writer& w, Clock::time_point t_w0) {
  WriteTimes times;
  const auto t_c0 = Clock::now();
  w.commit();
  times.commit_s = since(t_c0);
  times.write_s = since(t_w0);
  return times;
}

}  // namespace

void set_model_metadata(st::Writer& w, const st::Reader& reader) {
  w.set_metadata(st::kFormatKey, st::kFormatVersion);
  w.set_metadata(st::kVersionKey, version_text());
  for (const auto& [k, v] : reader.metadata())
    if (k != st::kFormatKey && k != st::kVersionKey) w.set_metadata(k, v);
}

LayerSink streaming_sink(st::Writer& w, const st::Reader& reader) {
  return [&w, &reader](const LayerPlan& p, const QuantizedLayer* l) {
    const st::TensorInfo& t = *p.tensor;
    if (!l) {
      w.declare(t.name, t.dtype, t.shape);
      if (t.nbytes) w.write(t.name, reader.data(t), t.nbytes);
      reader.release(t);
      return;
    }
    declare_quantized(w, t.name, l->q, nullptr);  // NAME.tg_params comes after the time-aware stage
    write_quantized(w, t.name, l->q, nullptr);
  };
}

WriteTimes finish_streamed_model(st::Writer& w, const std::vector<LayerPlan>& plan,
                                 std::vector<QuantizedLayer>& layers, RunProgress& progress) {
  const auto t_w0 = Clock::now();
  pause_for_test("write", progress.cancel_check());  // the temporary holds data: the point a signal test wants
  progress.check_cancel();
  std::size_t oi = 0;
  for (const auto& p : plan) {
    const st::TensorInfo& t = *p.tensor;
    if (p.quantize) {
      QuantizedLayer& l = layers[oi++];
      if (l.time_aware) {
        const std::vector<float> tg = tg_table(l);
        w.declare(t.name + ".tg_params", st::DType::F32, {tg.size() / 4, 4});
        w.write(t.name + ".tg_params", tg.data(), tg.size() * sizeof(float));
      }
      w.set_tensor_metadata(t.name + ".qweight", tensor_metadata_key(t.name),
                            json::to_text(tensor_meta(l, t.shape, st::dtype_name(t.dtype))));
    }
    progress.item_done(t.name, t.nbytes);
  }
  return commit_timed(w, t_w0);
}

uint64_t streaming_header_bound(const st::Reader& reader, const std::vector<LayerPlan>& plan,
                                const PipelineConfig& config) {
  uint64_t n = 64;  // braces, "__metadata__":{}, the 8-byte alignment
  n += entry_bytes(st::kFormatKey, st::kFormatVersion) + entry_bytes(st::kVersionKey, version_text());
  for (const auto& [k, v] : reader.metadata()) n += entry_bytes(k, v);
  for (const auto& p : plan) {
    const st::TensorInfo& t = *p.tensor;
    if (!p.quantize) {
      n += tensor_entry_bound(t.name, t.shape.size());
      continue;
    }
    // Both parameter formats' parts (the format is decided while quantizing) and the time-aware table.
    for (const char* suffix : {".qweight", ".scales", ".offsets", ".super", ".subparams", ".tg_params"})
      n += tensor_entry_bound(t.name + suffix, 3);
    // The description is JSON text inside a JSON string: quoting at most doubles it.
    n += json::quote(tensor_metadata_key(t.name)).size() + 2 +
         2 * tensor_meta_bound(t.name, t.shape, st::dtype_name(t.dtype), config.enable_time_aware) + 2 + 64;
  }
  return n;
}

WriteTimes write_model(st::Writer& w, const st::Reader& reader, const std::vector<LayerPlan>& plan,
                       std::vector<QuantizedLayer>& layers, const PipelineConfig& config, bool two_pass,
                       RunProgress& progress) {
  const auto t_w0 = Clock::now();
  set_model_metadata(w, reader);

  // Declare every tensor (quantized layers as their parts), then write them in plan order.
  std::size_t oi = 0;
  std::vector<std::vector<float>> tg_buffers(layers.size());
  for (const auto& p : plan) {
    const st::TensorInfo& t = *p.tensor;
    if (!p.quantize) {
      w.declare(t.name, t.dtype, t.shape);
      continue;
    }
    QuantizedLayer& l = layers[oi];
    tg_buffers[oi] = tg_table(l);
    declare_quantized(w, t.name, l.q, l.time_aware ? &tg_buffers[oi] : nullptr);
    // Attached to the shard holding NAME.qweight (the writer puts tensor metadata only into that shard).
    w.set_tensor_metadata(t.name + ".qweight", tensor_metadata_key(t.name),
                          json::to_text(tensor_meta(l, t.shape, st::dtype_name(t.dtype))));
    ++oi;
  }
  w.begin();
  oi = 0;
  bool paused = false;
  for (const auto& p : plan) {
    if (!paused && w.bytes_written() > 0) {  // the temporary holds data: the point a signal test wants
      pause_for_test("write", progress.cancel_check());
      paused = true;
      progress.check_cancel();
    }
    const st::TensorInfo& t = *p.tensor;
    if (!p.quantize) {
      if (t.nbytes) w.write(t.name, reader.data(t), t.nbytes);
      reader.release(t);
      progress.item_done(t.name, t.nbytes);
      continue;
    }
    QuantizedLayer& l = layers[oi];
    const std::vector<float>* tg = l.time_aware ? &tg_buffers[oi] : nullptr;
    if (two_pass) {
      const QuantizedTensor again = quantize_planned(TensorWeights(reader, t), p, l.q.spec, config.num_threads);
      write_quantized(w, t.name, again, tg);
      reader.release(t);
    } else {
      write_quantized(w, t.name, l.q, tg);
      std::vector<uint8_t>().swap(l.q.codes);  // written: release early
    }
    ++oi;
    progress.item_done(t.name, t.nbytes);
  }
  return commit_timed(w, t_w0);
}

}  // namespace aq::pipeline
