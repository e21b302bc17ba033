#include "pipeline/quantize_stage.hpp"

#include <future>
#include <memory>

#include <boost/json.hpp>

#include "arrowquant/error.hpp"
#include "arrowquant/json_util.hpp"
#include "pipeline/planned_tensor.hpp"
#include "pipeline/test_pause.hpp"

namespace aq::pipeline {

namespace {

// What ran before a fail_fast failure, so that callers (and bindings) can show it with the error.
std::string partial_report(const std::vector<QuantizedLayer>& done_layers, const std::string& failed, int bits,
                           double cosine, double min_accuracy) {
  boost::json::object rep;
  rep["status"] = "AQ_ERR_QUALITY";
  rep["failed_layer"] = failed;
  rep["failed_bits"] = bits;
  rep["failed_cosine"] = cosine;
  rep["min_accuracy"] = min_accuracy;
  boost::json::array done;
  for (const auto& o : done_layers)
    done.push_back(boost::json::object{{"name", o.plan.tensor->name}, {"bits", o.bits_chosen},
                                       {"cosine", o.q.stats.cosine()}});
  rep["layers"] = std::move(done);
  return json::to_text_pretty(rep);
}

// Drops the codes and parameters, keeping the decisions (spec, storage) and statistics.
void keep_decisions_only(QuantizedTensor& q) {
  std::vector<uint8_t>().swap(q.codes);
  std::vector<float>().swap(q.scales);
  std::vector<float>().swap(q.offsets);
  std::vector<uint16_t>().swap(q.super_params);
  std::vector<uint8_t>().swap(q.sub_params);
}

// Single pass: each tensor's write runs on a thread of its own while the next layer is quantized. One write is in
// flight at a time, so writes keep plan order and at most two layers' outputs are held. A plain thread rather than
// a TBB task: a write blocks on the disk, and a TBB worker blocked there would be missing from the kernels.
class WriteBehind {
 public:
  WriteBehind(const LayerSink& sink, std::vector<QuantizedLayer>& outs) : sink_(sink), outs_(outs) {}
  ~WriteBehind() {
    if (job_.valid()) job_.wait();  // unwinding: the write in flight uses the layer and the writer
  }
  // Waits for the write in flight (rethrowing its error) and files its layer, decisions only, in outs; its
  // buffers become the spare the next layer is quantized into.
  void finish() {
    if (!job_.valid()) return;
    std::future<void> j = std::move(job_);
    j.get();
    if (layer_) {
      QuantizedTensor& q = layer_->q;
      spare_.codes.swap(q.codes);
      spare_.scales.swap(q.scales);
      spare_.offsets.swap(q.offsets);
      spare_.super_params.swap(q.super_params);
      spare_.sub_params.swap(q.sub_params);
      keep_decisions_only(q);
      outs_.push_back(std::move(*layer_));
      layer_.reset();
    }
  }
  // Buffers of an earlier, written layer (empty at first). Two layers alternate between the write in flight and
  // the one being quantized, so a run's outputs reuse memory that is already faulted in instead of new pages
  // (slow to fault in virtual machines).
  QuantizedTensor take_spare() { return std::move(spare_); }
  void start(const LayerPlan& p, std::unique_ptr<QuantizedLayer> l) {
    finish();
    layer_ = std::move(l);
    const QuantizedLayer* lp = layer_.get();
    job_ = std::async(std::launch::async, [this, &p, lp] { sink_(p, lp); });
  }

 private:
  const LayerSink& sink_;
  std::vector<QuantizedLayer>& outs_;
  std::unique_ptr<QuantizedLayer> layer_;
  QuantizedTensor spare_;
  std::future<void> job_;
};

}  // namespace

std::vector<QuantizedLayer> quantize_layers(const st::Reader& reader, const std::vector<LayerPlan>& plan,
                                            const PipelineConfig& config, bool two_pass, RunProgress& progress,
                                            std::string* report_on_error, double* seconds, const LayerSink& sink) {
  std::vector<QuantizedLayer> outs;
  WriteBehind behind(sink, outs);
  // Large tensors are read with O_DIRECT into one reused buffer (peak memory gains the largest of them) unless
  // the output is written through the page cache by request.
  io::DirectReader direct;
  io::DirectReader* const dr = config.io_mode == IoMode::buffered ? nullptr : &direct;
  double t_quant = 0;
  for (const auto& p : plan) {
    if (!p.quantize) {
      if (sink) behind.start(p, nullptr);
      progress.item_done(p.tensor->name, p.tensor->nbytes);
      continue;
    }
    const auto t0 = Clock::now();
    const st::TensorInfo& t = *p.tensor;
    QuantizedLayer l;
    l.plan = p;
    if (sink) l.q = behind.take_spare();
    {
      const TensorWeights weights(reader, t, dr);
      int bits = p.bits;
      while (true) {
        QuantSpec spec{bits, config.group_size, config.mode, ParamFormat::automatic};
        try {
          quantize_planned_into(l.q, weights, p, spec, config.num_threads);
        } catch (const Error& e) {
          fail(e.status(), "tensor " + t.name + ": " + e.what());
        }
        if (l.q.stats.cosine() >= config.min_accuracy) break;
        if (config.fail_fast) {
          behind.finish();  // the layers before this one are all in outs
          if (report_on_error)
            *report_on_error = partial_report(outs, t.name, bits, l.q.stats.cosine(), config.min_accuracy);
          fail(Status::quality, "tensor " + t.name + ": cosine similarity " + json::number_text(l.q.stats.cosine()) +
                                    " at " + std::to_string(bits) + " bits is below min_accuracy " +
                                    json::number_text(config.min_accuracy) + " (fail_fast: no fallback)");
        }
        if (bits == 8) {
          l.below_min_accuracy = true;
          break;
        }
        l.fallback.push_back(bits);
        bits = bits == 2 ? 4 : 8;
      }
      l.bits_chosen = bits;
    }
    reader.release(t);
    l.quantize_s = since(t0);
    t_quant += l.quantize_s;
    if (sink) {
      behind.start(p, std::make_unique<QuantizedLayer>(std::move(l)));
    } else {
      if (two_pass) keep_decisions_only(l.q);
      outs.push_back(std::move(l));
    }
    progress.item_done(t.name, t.nbytes);
    pause_for_test("quantize", progress.cancel_check());
  }
  behind.finish();
  *seconds = t_quant;
  return outs;
}

}  // namespace aq::pipeline
