// The safetensors element types we know, their names and sizes, and checked byte-size arithmetic.
#include <string>

#include "arrowquant/safetensors.hpp"

namespace aq::st {
namespace {

struct Entry {
  DType dtype;
  const char* name;
  uint32_t size;
};

constexpr Entry kTable[] = {
    {DType::F64, "F64", 8},         {DType::F32, "F32", 4},         {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2},       {DType::I64, "I64", 8},         {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},         {DType::I8, "I8", 1},           {DType::U64, "U64", 8},
    {DType::U32, "U32", 4},         {DType::U16, "U16", 2},         {DType::U8, "U8", 1},
    {DType::BOOL, "BOOL", 1},       {DType::F8_E4M3, "F8_E4M3", 1}, {DType::F8_E5M2, "F8_E5M2", 1},
    {DType::F8_E8M0, "F8_E8M0", 1}, {DType::C64, "C64", 8},
};

// Newer safetensors versions define packed sub-byte types; their byte size is not dtype size x numel.
constexpr const char* kSubByte[] = {"F4", "F6_E2M3", "F6_E3M2"};

}  // namespace

const char* dtype_name(DType d) {
  for (const auto& e : kTable)
    if (e.dtype == d) return e.name;
  return "?";
}

uint32_t dtype_size(DType d) {
  for (const auto& e : kTable)
    if (e.dtype == d) return e.size;
  return 0;
}

bool lookup_dtype(std::string_view name, DType* out) {
  for (const auto& e : kTable) {
    if (name == e.name) {
      if (out) *out = e.dtype;
      return true;
    }
  }
  return false;
}

DType parse_dtype(std::string_view name, const std::string& what) {
  DType d;
  if (lookup_dtype(name, &d)) return d;
  for (const char* s : kSubByte)
    if (name == s)
      fail(Status::unsupported, what + ": dtype \"" + std::string(name) + "\" (sub-byte) is not supported");
  std::string shown(name.substr(0, 64));
  fail(Status::format, what + ": unknown dtype \"" + shown + (name.size() > 64 ? "...\"" : "\""));
}

uint64_t tensor_bytes(DType d, const std::vector<uint64_t>& shape, const std::string& what, Status status) {
  uint64_t n = dtype_size(d);
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const uint64_t dim = shape[i];
    if (dim != 0 && n > UINT64_MAX / dim)
      fail(status, what + ": shape: byte size (" + dtype_name(d) + " x product of shape) overflows 64 bits at dim " +
                       std::to_string(i));
    n *= dim;
  }
  return n;
}

}  // namespace aq::st
