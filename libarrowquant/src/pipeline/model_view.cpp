// Reading models back: logical tensors of a quantized file, dequantized export, and model comparison.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>

#include "arrowquant/error.hpp"
#include "arrowquant/fp16.hpp"
#include "arrowquant/json_util.hpp"
#include "arrowquant/pipeline.hpp"
#include "io/path_identity.hpp"
#include "arrowquant/safetensors.hpp"
#include "pipeline/model_format.hpp"

namespace aq {

struct ModelView::Impl {
  st::Reader reader;
  std::vector<std::string> names;               // logical names, sorted
  std::map<std::string, std::string> quantized;  // logical name -> metadata JSON
};

namespace {

const char* const kSuffixes[] = {".qweight", ".scales", ".offsets", ".super", ".subparams", ".tg_params"};

void convert_plain(const st::Reader& r, const st::TensorInfo& t, DType dtype, void* dst) {
  std::vector<uint8_t> raw(t.nbytes);
  if (t.nbytes) r.read(t, 0, raw.data(), t.nbytes);
  std::vector<float> f(t.numel);
  for (uint64_t i = 0; i < t.numel; ++i) {
    switch (t.dtype) {
      case st::DType::F32: std::memcpy(&f[i], &raw[4 * i], 4); break;
      case st::DType::F16: f[i] = f16_to_f32(uint16_t(raw[2 * i] | raw[2 * i + 1] << 8)); break;
      case st::DType::BF16: f[i] = bf16_to_f32(uint16_t(raw[2 * i] | raw[2 * i + 1] << 8)); break;
      default:
        fail(Status::unsupported, "tensor " + t.name + " has dtype " + st::dtype_name(t.dtype) +
                                      " and cannot be read as floating point");
    }
  }
  if (dtype == DType::f32) {
    if (!f.empty()) std::memcpy(dst, f.data(), f.size() * 4);  // memcpy with a NULL pointer is UB even for 0 bytes
  } else {
    uint16_t* o = static_cast<uint16_t*>(dst);
    for (uint64_t i = 0; i < t.numel; ++i) o[i] = dtype == DType::f16 ? f32_to_f16(f[i]) : f32_to_bf16(f[i]);
  }
}

}  // namespace

ModelView::ModelView(Impl* impl) : impl_(impl) {}
ModelView::ModelView(ModelView&& o) noexcept : impl_(o.impl_) { o.impl_ = nullptr; }
ModelView& ModelView::operator=(ModelView&& o) noexcept {
  std::swap(impl_, o.impl_);
  return *this;
}
ModelView::~ModelView() { delete impl_; }

ModelView ModelView::open(const std::string& path) {
  auto* impl = new Impl{st::Reader::open(path), {}, {}};
  ModelView v(impl);
  const auto& md = impl->reader.metadata();
  const std::string prefix = "arrowquant.tensor.";
  auto fmt = md.find(st::kFormatKey);
  if (fmt != md.end() && fmt->second != st::kFormatVersion)
    fail(Status::format, path + ": arrowquant.format is \"" + fmt->second + "\", this version reads \"" +
                             st::kFormatVersion + "\"");
  for (const auto& [k, val] : md)
    if (k.rfind(prefix, 0) == 0) impl->quantized[k.substr(prefix.size())] = val;
  for (const auto& t : impl->reader.tensors()) {
    bool part = false;
    for (const char* s : kSuffixes) {
      const std::size_t n = std::strlen(s);
      if (t.name.size() > n && t.name.compare(t.name.size() - n, n, s) == 0 &&
          impl->quantized.count(t.name.substr(0, t.name.size() - n))) {
        part = true;
        break;
      }
    }
    if (!part) impl->names.push_back(t.name);
  }
  for (const auto& [n, m] : impl->quantized) impl->names.push_back(n);
  std::sort(impl->names.begin(), impl->names.end());
  return v;
}

const std::vector<std::string>& ModelView::names() const { return impl_->names; }
bool ModelView::is_quantized(const std::string& name) const { return impl_->quantized.count(name) != 0; }
const st::Reader& ModelView::reader() const { return impl_->reader; }

std::string ModelView::tensor_info_json(const std::string& name) const {
  boost::json::object o;
  o["name"] = name;
  auto q = impl_->quantized.find(name);
  if (q != impl_->quantized.end()) {
    boost::json::value m = json::parse_strict(q->second, "tensor " + name + " metadata", Status::format);
    if (m.is_object())
      for (const auto& [k, v] : m.as_object()) o[k] = v;
    o["quantized"] = true;
    uint64_t bytes = 0;
    for (const char* s : kSuffixes)
      if (const auto* t = impl_->reader.find(name + s)) bytes += t->nbytes;
    o["stored_bytes"] = bytes;
    return json::to_text(o);
  }
  const st::TensorInfo* t = impl_->reader.find(name);
  if (!t) invalid("no tensor named '" + name + "'");
  o["quantized"] = false;
  o["dtype"] = st::dtype_name(t->dtype);
  boost::json::array sh;
  for (uint64_t d : t->shape) sh.push_back(d);
  o["shape"] = std::move(sh);
  o["stored_bytes"] = t->nbytes;
  return json::to_text(o);
}

std::string ModelView::info_json() const {
  boost::json::object o;
  o["path"] = impl_->reader.path();
  o["sharded"] = impl_->reader.sharded();
  boost::json::object md;
  for (const auto& [k, v] : impl_->reader.metadata())
    if (k.rfind("arrowquant.tensor.", 0) != 0) md[k] = v;
  o["metadata"] = std::move(md);
  boost::json::array ts;
  for (const auto& n : impl_->names) ts.push_back(json::parse_strict(tensor_info_json(n), n, Status::internal));
  o["tensors"] = std::move(ts);
  o["total_bytes"] = impl_->reader.total_tensor_bytes();
  return json::to_text_pretty(o);
}

uint64_t ModelView::elements(const std::string& name) const {
  auto q = impl_->quantized.find(name);
  if (q != impl_->quantized.end()) {
    std::vector<uint64_t> shape;
    QuantizedTensor t = pipeline::read_quantized(impl_->reader, name, q->second, &shape, nullptr);
    return t.elements();
  }
  const st::TensorInfo* t = impl_->reader.find(name);
  if (!t) invalid("no tensor named '" + name + "'");
  return t->numel;
}

void ModelView::read(const std::string& name, DType dtype, void* dst, uint64_t dst_bytes) const {
  // dst may be NULL only for a tensor with no elements (nothing to write).
  auto q = impl_->quantized.find(name);
  if (q != impl_->quantized.end()) {
    QuantizedTensor t = pipeline::read_quantized(impl_->reader, name, q->second, nullptr, nullptr);
    if (!dst) invalid("dst is NULL");
    if (dst_bytes < t.elements() * dtype_size(dtype))
      invalid("dst_bytes is " + std::to_string(dst_bytes) + " but tensor " + name + " needs " +
              std::to_string(t.elements() * dtype_size(dtype)));
    dequantize(t, dtype, dst);
    return;
  }
  const st::TensorInfo* t = impl_->reader.find(name);
  if (!t) invalid("no tensor named '" + name + "'");
  if (dst_bytes < t->numel * dtype_size(dtype))
    invalid("dst_bytes is " + std::to_string(dst_bytes) + " but tensor " + name + " needs " +
            std::to_string(t->numel * dtype_size(dtype)));
  if (!dst && t->numel != 0) invalid("dst is NULL");
  convert_plain(impl_->reader, *t, dtype, dst);
}

void export_dequantized(const std::string& quantized_path, const std::string& output_path, DType dtype) {
  ModelView v = ModelView::open(quantized_path);
  const st::Reader& r = v.reader();
  {
    std::vector<io::NamedPath> inputs = {{"input", quantized_path}};
    for (const auto& f : r.files())
      if (f != quantized_path) inputs.push_back({"input shard", f});
    io::check_outputs_distinct(inputs, {{"output", output_path}});
  }
  if (!r.metadata().count(st::kFormatKey))
    invalid(quantized_path + " is not an ArrowQuant output (its metadata has no " + st::kFormatKey +
            "): there is nothing to dequantize; it already is a plain model");
  st::WriterOptions wo;
  wo.overwrite = true;
  st::Writer w(output_path, wo);
  w.reserve();  // the output path is checked before any tensor is dequantized
  for (const auto& [k, val] : r.metadata())
    if (k.rfind("arrowquant.tensor.", 0) != 0 && k != st::kFormatKey) w.set_metadata(k, val);
  const st::DType sd = dtype == DType::f32 ? st::DType::F32 : dtype == DType::f16 ? st::DType::F16 : st::DType::BF16;
  for (const auto& n : v.names()) {
    if (v.is_quantized(n)) {
      std::vector<uint64_t> shape;
      pipeline::read_quantized(r, n, r.metadata().at(tensor_metadata_key(n)), &shape, nullptr);
      w.declare(n, sd, shape);
    } else {
      const auto& t = r.at(n);
      w.declare(n, t.dtype, t.shape);
    }
  }
  w.begin();
  for (const auto& n : v.names()) {
    if (v.is_quantized(n)) {
      const uint64_t e = v.elements(n);
      std::vector<uint8_t> buf(e * dtype_size(dtype));
      v.read(n, dtype, buf.data(), buf.size());
      w.write(n, buf.data(), buf.size());
    } else {
      const auto& t = r.at(n);
      if (t.nbytes) w.write(n, r.data(t), t.nbytes);
    }
  }
  w.commit();
}

std::string compare_models(const std::string& original_path, const std::string& quantized_path) {
  st::Reader orig = st::Reader::open(original_path);
  ModelView q = ModelView::open(quantized_path);
  if (!q.reader().metadata().count(st::kFormatKey))
    invalid(quantized_path + " is not an ArrowQuant output (its metadata has no " + st::kFormatKey +
            "): there are no quantized tensors to compare; pass the quantized model as the second argument");
  boost::json::array layers;
  double sse = 0, energy = 0, recon = 0, dot = 0, max_abs = 0;
  uint64_t count = 0;
  for (const auto& n : q.names()) {
    if (!q.is_quantized(n)) continue;
    const st::TensorInfo* t = orig.find(n);
    if (!t) fail(Status::invalid_argument, "tensor " + n + " of the quantized model is not in " + original_path);
    const uint64_t e = q.elements(n);
    if (e != t->numel) fail(Status::invalid_argument, "tensor " + n + " has a different size in the two models");
    std::vector<float> a(e), b(e);
    convert_plain(orig, *t, DType::f32, a.data());
    q.read(n, DType::f32, b.data(), e * 4);
    double ls = 0, le = 0, lr = 0, ld = 0, lm = 0;
    for (uint64_t i = 0; i < e; ++i) {
      const double x = a[i], y = b[i], d = x - y;
      ls += d * d;
      le += x * x;
      lr += y * y;
      ld += x * y;
      lm = std::max(lm, std::fabs(d));
    }
    ErrorStats s{ls, le, lr, ld, lm, e};
    boost::json::object o;
    o["name"] = n;
    o["elements"] = e;
    o["cosine"] = s.cosine();
    o["sqnr_db"] = s.sqnr_db();
    o["mse"] = s.mse();
    o["max_abs_error"] = lm;
    layers.push_back(std::move(o));
    sse += ls;
    energy += le;
    recon += lr;
    dot += ld;
    max_abs = std::max(max_abs, lm);
    count += e;
  }
  ErrorStats tot{sse, energy, recon, dot, max_abs, count};
  boost::json::object out;
  out["original"] = original_path;
  out["quantized"] = quantized_path;
  out["layers"] = std::move(layers);
  out["totals"] = boost::json::object{{"elements", count}, {"cosine", tot.cosine()}, {"sqnr_db", tot.sqnr_db()},
                                      {"mse", tot.mse()}, {"max_abs_error", max_abs}};
  return json::to_text_pretty(out);
}

}  // namespace aq
