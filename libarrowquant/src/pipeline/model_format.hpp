// The on-disk form of a quantized tensor inside a safetensors file (docs/format.md, docs/quantized-layouts.md):
// NAME.qweight U8 [rows, row_bytes]; flat: NAME.scales + NAME.offsets F16|F32 [rows, groups];
// hierarchical: NAME.super F16 [rows, supers, 2] + NAME.subparams U8 [rows, supers, 12];
// time-aware: NAME.tg_params F32 [G, 4] (start, end, scale, zero_point).
#pragma once
#include <string>
#include <vector>

#include "arrowquant/quantize.hpp"
#include "arrowquant/safetensors.hpp"

namespace aq::pipeline {

void declare_quantized(st::Writer& w, const std::string& name, const QuantizedTensor& q, const std::vector<float>* tg);
void write_quantized(st::Writer& w, const std::string& name, const QuantizedTensor& q, const std::vector<float>* tg);

// Rebuild the tensor described by the metadata JSON `meta` from the parts in `r`. Status::format on any
// inconsistency (naming the tensor).
QuantizedTensor read_quantized(const st::Reader& r, const std::string& name, const std::string& meta,
                               std::vector<uint64_t>* shape, std::string* orig_dtype);

}  // namespace aq::pipeline
