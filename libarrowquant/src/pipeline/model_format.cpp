// Writing and reading the parts of a quantized tensor (layouts in docs/quantized-layouts.md).
#include "pipeline/model_format.hpp"

#include <boost/json.hpp>
#include <cstring>

#include "arrowquant/error.hpp"
#include "arrowquant/json_util.hpp"

namespace aq::pipeline {

void declare_quantized(st::Writer& w, const std::string& name, const QuantizedTensor& q, const std::vector<float>* tg) {
  w.declare(name + ".qweight", st::DType::U8, {q.rows, q.row_bytes});
  if (q.spec.format == ParamFormat::hierarchical) {
    w.declare(name + ".super", st::DType::F16, {q.rows, q.supers_per_row, 2});
    w.declare(name + ".subparams", st::DType::U8, {q.rows, q.supers_per_row, q.sub_bytes});
  } else {
    const st::DType pd = q.params_f32 ? st::DType::F32 : st::DType::F16;
    w.declare(name + ".scales", pd, {q.rows, q.groups_per_row});
    w.declare(name + ".offsets", pd, {q.rows, q.groups_per_row});
  }
  if (tg) w.declare(name + ".tg_params", st::DType::F32, {tg->size() / 4, 4});
}

void write_quantized(st::Writer& w, const std::string& name, const QuantizedTensor& q, const std::vector<float>* tg) {
  w.write(name + ".qweight", q.codes.data(), q.codes.size());
  const std::vector<uint8_t> p = q.serialize_params();
  if (q.spec.format == ParamFormat::hierarchical) {
    const uint64_t super_bytes = q.super_params.size() * 2;
    w.write(name + ".super", p.data(), super_bytes);
    w.write(name + ".subparams", p.data() + super_bytes, p.size() - super_bytes);
  } else {
    w.write(name + ".scales", p.data(), p.size() / 2);
    w.write(name + ".offsets", p.data() + p.size() / 2, p.size() / 2);
  }
  if (tg) w.write(name + ".tg_params", tg->data(), tg->size() * sizeof(float));
}

namespace {
const st::TensorInfo& part(const st::Reader& r, const std::string& name, const std::string& suffix) {
  const st::TensorInfo* t = r.find(name + suffix);
  if (!t) fail(Status::format, "quantized tensor " + name + ": part " + name + suffix + " is missing");
  return *t;
}
std::vector<uint8_t> bytes_of(const st::Reader& r, const st::TensorInfo& t) {
  std::vector<uint8_t> v(t.nbytes);
  if (t.nbytes) r.read(t, 0, v.data(), t.nbytes);
  return v;
}
}  // namespace

QuantizedTensor read_quantized(const st::Reader& r, const std::string& name, const std::string& meta,
                               std::vector<uint64_t>* shape, std::string* orig_dtype) {
  const std::string what = "quantized tensor " + name;
  boost::json::value v = json::parse_strict(meta, what + " metadata", Status::format);
  if (!v.is_object()) fail(Status::format, what + ": metadata is not a JSON object");
  const auto& o = v.as_object();
  auto get_int = [&](const char* k) -> int64_t {
    const auto* x = o.if_contains(k);
    if (!x || !x->is_int64()) fail(Status::format, what + ": metadata field " + k + " missing or not an integer");
    return x->as_int64();
  };
  auto get_str = [&](const char* k) -> std::string {
    const auto* x = o.if_contains(k);
    if (!x || !x->is_string()) fail(Status::format, what + ": metadata field " + k + " missing or not a string");
    return std::string(x->as_string());
  };
  QuantSpec spec;
  spec.bits = static_cast<int>(get_int("bits"));
  spec.group_size = static_cast<int>(get_int("group_size"));
  const std::string mode = get_str("mode"), fmt = get_str("format"), pd = get_str("params_dtype");
  spec.mode = mode == "search" ? Mode::search : Mode::rtn;
  if (fmt == "flat") spec.format = ParamFormat::flat;
  else if (fmt == "hierarchical") spec.format = ParamFormat::hierarchical;
  else fail(Status::format, what + ": unknown parameter format '" + fmt + "'");
  if (pd != "F16" && pd != "F32") fail(Status::format, what + ": params_dtype must be F16 or F32");
  const int64_t rows = get_int("rows"), cols = get_int("cols");
  if (rows <= 0 || cols <= 0) fail(Status::format, what + ": rows and cols must be positive");
  std::vector<uint64_t> shape_local;
  if (!shape) shape = &shape_local;  // the shape is always checked against rows x cols
  {
    shape->clear();
    const auto* s = o.if_contains("shape");
    if (!s || !s->is_array()) fail(Status::format, what + ": metadata field shape missing");
    uint64_t prod = 1, rc = 0;
    for (const auto& d : s->as_array()) {
      if (!d.is_int64() || d.as_int64() < 0) fail(Status::format, what + ": shape must hold non-negative integers");
      shape->push_back(static_cast<uint64_t>(d.as_int64()));
      if (__builtin_mul_overflow(prod, static_cast<uint64_t>(d.as_int64()), &prod))
        fail(Status::format, what + ": shape: element count overflows 64 bits");
    }
    if (__builtin_mul_overflow(uint64_t(rows), uint64_t(cols), &rc) || prod != rc)
      fail(Status::format, what + ": shape does not match rows x cols");
  }
  if (orig_dtype) *orig_dtype = get_str("dtype");
  const st::TensorInfo& qw = part(r, name, ".qweight");
  std::vector<uint8_t> codes = bytes_of(r, qw);
  std::vector<uint8_t> params;
  if (spec.format == ParamFormat::hierarchical) {
    params = bytes_of(r, part(r, name, ".super"));
    auto sub = bytes_of(r, part(r, name, ".subparams"));
    params.insert(params.end(), sub.begin(), sub.end());
  } else {
    params = bytes_of(r, part(r, name, ".scales"));
    auto off = bytes_of(r, part(r, name, ".offsets"));
    if (off.size() != params.size()) fail(Status::format, what + ": scales and offsets differ in size");
    params.insert(params.end(), off.begin(), off.end());
  }
  return from_parts(uint64_t(rows), uint64_t(cols), spec, pd == "F32", std::move(codes), params.data(), params.size());
}

}  // namespace aq::pipeline
