// Parsing and checking of a safetensors header and of a sharded index. Every field is validated before use; the
// messages name the file, the tensor and the field ("<file>: tensor 'w': data_offsets: ...").
#include <algorithm>
#include <cstring>
#include <string>

#include <boost/json.hpp>

#include "arrowquant/json_util.hpp"
#include "arrowquant/safetensors.hpp"

namespace aq::st {
namespace {

namespace bj = boost::json;

const char* kind_name(const bj::value& v) {
  switch (v.kind()) {
    case bj::kind::null: return "null";
    case bj::kind::bool_: return "a boolean";
    case bj::kind::int64:
    case bj::kind::uint64: return "an integer";
    case bj::kind::double_: return "a real number";
    case bj::kind::string: return "a string";
    case bj::kind::array: return "an array";
    case bj::kind::object: return "an object";
  }
  return "?";
}

// Tensor names are quoted in messages; keep absurdly long ones short.
std::string show(std::string_view name) {
  if (name.size() <= 200) return "'" + std::string(name) + "'";
  return "'" + std::string(name.substr(0, 200)) + "...'";
}

// A JSON integer in [0, 2^64): int64 >= 0 or uint64. Reals (even 3.0) and negatives are rejected so that a
// header means exactly one thing.
bool as_u64(const bj::value& v, uint64_t* out) {
  if (v.is_uint64()) {
    *out = v.get_uint64();
    return true;
  }
  if (v.is_int64() && v.get_int64() >= 0) {
    *out = uint64_t(v.get_int64());
    return true;
  }
  return false;
}

std::string describe_number(const bj::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_double()) return aq::json::number_text(v.get_double());
  return kind_name(v);
}

TensorInfo parse_entry(const std::string& label, std::string_view name, const bj::value& v, uint64_t data_bytes) {
  const std::string at = label + ": tensor " + show(name);
  if (name.empty()) fail(Status::format, label + ": a tensor has an empty name");
  if (name.size() > kMaxNameBytes)
    fail(Status::format, at + ": name is " + std::to_string(name.size()) + " bytes (cap " +
                             std::to_string(kMaxNameBytes) + ")");
  if (!v.is_object()) fail(Status::format, at + ": entry must be an object, got " + kind_name(v));
  const bj::object& o = v.get_object();
  for (const auto& kv : o) {
    const std::string_view k(kv.key().data(), kv.key().size());
    if (k != "dtype" && k != "shape" && k != "data_offsets")
      fail(Status::format, at + ": unknown field " + aq::json::quote(k));
  }
  TensorInfo t;
  t.name = std::string(name);

  const bj::value* dt = o.if_contains("dtype");
  if (!dt) fail(Status::format, at + ": dtype: missing");
  if (!dt->is_string()) fail(Status::format, at + ": dtype: must be a string, got " + kind_name(*dt));
  t.dtype = parse_dtype(std::string_view(dt->get_string().data(), dt->get_string().size()), at + ": dtype");

  const bj::value* sh = o.if_contains("shape");
  if (!sh) fail(Status::format, at + ": shape: missing");
  if (!sh->is_array()) fail(Status::format, at + ": shape: must be an array, got " + kind_name(*sh));
  const bj::array& dims = sh->get_array();
  if (dims.size() > kMaxRank)
    fail(Status::format, at + ": shape: rank " + std::to_string(dims.size()) + " exceeds the cap of " +
                             std::to_string(kMaxRank));
  for (std::size_t i = 0; i < dims.size(); ++i) {
    uint64_t d;
    if (!as_u64(dims[i], &d))
      fail(Status::format, at + ": shape[" + std::to_string(i) + "]: must be a non-negative integer, got " +
                               describe_number(dims[i]));
    t.shape.push_back(d);
  }
  t.nbytes = tensor_bytes(t.dtype, t.shape, at);
  t.numel = 1;
  for (uint64_t d : t.shape) t.numel *= d;  // cannot overflow: size * product did not

  const bj::value* off = o.if_contains("data_offsets");
  if (!off) fail(Status::format, at + ": data_offsets: missing");
  if (!off->is_array() || off->get_array().size() != 2)
    fail(Status::format, at + ": data_offsets: must be an array [begin, end], got " +
                             (off->is_array() ? "an array of " + std::to_string(off->get_array().size()) + " elements"
                                              : std::string(kind_name(*off))));
  uint64_t b, e;
  if (!as_u64(off->get_array()[0], &b))
    fail(Status::format, at + ": data_offsets[0]: must be a non-negative integer, got " +
                             describe_number(off->get_array()[0]));
  if (!as_u64(off->get_array()[1], &e))
    fail(Status::format, at + ": data_offsets[1]: must be a non-negative integer, got " +
                             describe_number(off->get_array()[1]));
  if (b > e)
    fail(Status::format, at + ": data_offsets: begin " + std::to_string(b) + " is after end " + std::to_string(e));
  if (e > data_bytes)
    fail(Status::format, at + ": data_offsets: end " + std::to_string(e) + " is past the data section (" +
                             std::to_string(data_bytes) + " bytes)");
  if (e - b != t.nbytes)
    fail(Status::format, at + ": data_offsets: span " + std::to_string(e - b) + " bytes != " +
                             std::to_string(t.nbytes) + " bytes of dtype " + dtype_name(t.dtype) + " x shape");
  t.begin = b;
  return t;
}

}  // namespace

Header parse_header(const uint8_t* data, uint64_t file_size, const std::string& label) {
  if (file_size < 8)
    fail(Status::format, label + ": header length: file has " + std::to_string(file_size) +
                             " bytes, fewer than the 8-byte header length");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | data[i];  // little-endian on every host
  // A file of another kind (JSON, a pickle, text) fails here: say that first, then the numbers.
  if (n > kMaxHeaderBytes)
    fail(Status::format, label + ": not a safetensors file: its first 8 bytes give a header length of " +
                             std::to_string(n) + " bytes, which exceeds the cap of " + std::to_string(kMaxHeaderBytes) +
                             (n > file_size ? " and is larger than the file (" + std::to_string(file_size) + " bytes)"
                                            : std::string()));
  if (n > file_size - 8)
    fail(Status::format, label + ": not a safetensors file: its first 8 bytes give a header length of " +
                             std::to_string(n) + " bytes, larger than the file (" + std::to_string(file_size) +
                             " bytes): the header runs past the end of the file");
  if (n < 2) fail(Status::format, label + ": header length: " + std::to_string(n) + " bytes cannot hold a JSON object");

  Header h;
  h.header_bytes = n;
  h.data_start = 8 + n;
  const uint64_t data_bytes = file_size - h.data_start;
  const std::string_view text(reinterpret_cast<const char*>(data + 8), std::size_t(n));
  aq::json::ParseLimits lim;
  lim.max_depth = kMaxJsonDepth;
  const bj::value root = aq::json::parse_strict(text, label + ": header", Status::format, lim);
  if (!root.is_object()) fail(Status::format, label + ": header: must be a JSON object, got " + kind_name(root));
  const bj::object& obj = root.get_object();
  const uint64_t tensor_entries = obj.size() - (obj.contains("__metadata__") ? 1 : 0);
  if (tensor_entries > kMaxTensors)
    fail(Status::format, label + ": header: " + std::to_string(tensor_entries) + " entries exceed the cap of " +
                             std::to_string(kMaxTensors) + " tensors");

  for (const auto& kv : obj) {
    const std::string_view key(kv.key().data(), kv.key().size());
    if (key == "__metadata__") {
      const std::string at = label + ": __metadata__";
      if (!kv.value().is_object())
        fail(Status::format, at + ": must be an object of strings, got " + kind_name(kv.value()));
      const bj::object& md = kv.value().get_object();
      if (md.size() > kMaxMetadataEntries)
        fail(Status::format, at + ": " + std::to_string(md.size()) + " entries exceed the cap of " +
                                 std::to_string(kMaxMetadataEntries));
      for (const auto& m : md) {
        const std::string mk(m.key().data(), m.key().size());
        if (!m.value().is_string())
          fail(Status::format, at + ": key " + aq::json::quote(mk) + ": value must be a string, got " +
                                   kind_name(m.value()));
        h.metadata.emplace(mk, std::string(m.value().get_string().data(), m.value().get_string().size()));
      }
      continue;
    }
    h.tensors.push_back(parse_entry(label, key, kv.value(), data_bytes));
  }

  // Coverage: sorted by (begin, end), each tensor must start where the previous one ended, and the last must end
  // at the end of the file. Zero-byte tensors may sit at any boundary.
  std::vector<const TensorInfo*> by_offset;
  by_offset.reserve(h.tensors.size());
  for (const auto& t : h.tensors) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(), [](const TensorInfo* a, const TensorInfo* b) {
    if (a->begin != b->begin) return a->begin < b->begin;
    if (a->nbytes != b->nbytes) return a->nbytes < b->nbytes;
    return a->name < b->name;
  });
  uint64_t cursor = 0;
  const TensorInfo* prev = nullptr;
  for (const TensorInfo* t : by_offset) {
    if (t->begin < cursor)
      fail(Status::format, label + ": tensor " + show(t->name) + ": data_offsets: [" + std::to_string(t->begin) +
                               ", " + std::to_string(t->begin + t->nbytes) + ") overlaps tensor " + show(prev->name) +
                               " (ends at " + std::to_string(cursor) + ")");
    if (t->begin > cursor)
      fail(Status::format, label + ": tensor " + show(t->name) + ": data_offsets: begins at " +
                               std::to_string(t->begin) + ", leaving a hole of " + std::to_string(t->begin - cursor) +
                               " bytes after " + (prev ? "tensor " + show(prev->name) : std::string("the header")));
    cursor = t->begin + t->nbytes;
    if (t->nbytes) prev = t;
  }
  if (cursor != data_bytes)
    fail(Status::format, label + ": data section has " + std::to_string(data_bytes) + " bytes but the tensors cover " +
                             std::to_string(cursor) + " (" + std::to_string(data_bytes - cursor) +
                             " trailing bytes)");

  std::sort(h.tensors.begin(), h.tensors.end(),
            [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
  for (auto& t : h.tensors) t.file_offset = h.data_start + t.begin;
  return h;
}

ShardIndex parse_index(std::string_view json_text, const std::string& label) {
  aq::json::ParseLimits lim;
  lim.max_depth = kMaxJsonDepth;
  const bj::value root = aq::json::parse_strict(json_text, label, Status::format, lim);
  if (!root.is_object()) fail(Status::format, label + ": must be a JSON object, got " + kind_name(root));
  const bj::object& obj = root.get_object();
  ShardIndex idx;

  if (const bj::value* md = obj.if_contains("metadata")) {
    if (!md->is_object() && !md->is_null())
      fail(Status::format, label + ": metadata: must be an object, got " + kind_name(*md));
    if (md->is_object()) {
      if (const bj::value* ts = md->get_object().if_contains("total_size")) {
        uint64_t v;
        if (!as_u64(*ts, &v))
          fail(Status::format, label + ": metadata.total_size: must be a non-negative integer, got " +
                                   describe_number(*ts));
        idx.has_total_size = true;
        idx.total_size = v;
      }
    }
  }
  const bj::value* wm = obj.if_contains("weight_map");
  if (!wm) fail(Status::format, label + ": weight_map: missing");
  if (!wm->is_object()) fail(Status::format, label + ": weight_map: must be an object, got " + kind_name(*wm));
  if (wm->get_object().size() > kMaxTensors)
    fail(Status::format, label + ": weight_map: " + std::to_string(wm->get_object().size()) +
                             " entries exceed the cap of " + std::to_string(kMaxTensors) + " tensors");
  for (const auto& kv : wm->get_object()) {
    const std::string name(kv.key().data(), kv.key().size());
    const std::string at = label + ": weight_map: tensor " + show(name);
    if (!kv.value().is_string()) fail(Status::format, at + ": shard must be a string, got " + kind_name(kv.value()));
    const std::string shard(kv.value().get_string().data(), kv.value().get_string().size());
    // A shard is a plain file name next to the index: no directories, no way out of the model directory.
    if (shard.empty() || shard == "." || shard == ".." || shard.find('/') != std::string::npos ||
        shard.find('\\') != std::string::npos || shard.find('\0') != std::string::npos)
      fail(Status::format, at + ": shard " + aq::json::quote(shard) + " is not a plain file name");
    idx.weight_map.emplace(name, shard);
  }
  for (const auto& kv : idx.weight_map) idx.shards.push_back(kv.second);
  std::sort(idx.shards.begin(), idx.shards.end());
  idx.shards.erase(std::unique(idx.shards.begin(), idx.shards.end()), idx.shards.end());
  if (idx.shards.size() > kMaxShards)
    fail(Status::format, label + ": weight_map names " + std::to_string(idx.shards.size()) +
                             " shard files, more than the cap of " + std::to_string(kMaxShards));
  return idx;
}

bool is_temporary_name(std::string_view file_name) {
  return !file_name.empty() && file_name[0] == '.' && file_name.find(kTempMarker) != std::string_view::npos;
}

}  // namespace aq::st
