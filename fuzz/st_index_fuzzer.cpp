// Fuzz target: the JSON of a sharded model's *.safetensors.index.json (st::parse_index).
// Invariants on accepted input: every shard is a plain file name (no path can leave the model directory), the
// shard list is the sorted, distinct set of weight_map values, and the caps hold.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "arrowquant/safetensors.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace st = aq::st;
  st::ShardIndex idx;
  try {
    idx = st::parse_index(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.safetensors.index.json");
  } catch (const aq::Error& e) {
    FUZZ_CHECK(e.status() == aq::Status::format, "status %d: %s", int(e.status()), e.what());
    return 0;
  }
  FUZZ_CHECK(idx.weight_map.size() <= st::kMaxTensors, "weight_map size");
  FUZZ_CHECK(idx.shards.size() <= st::kMaxShards, "shard count");
  std::set<std::string> distinct;
  for (const auto& [name, shard] : idx.weight_map) distinct.insert(shard);
  FUZZ_CHECK(std::equal(distinct.begin(), distinct.end(), idx.shards.begin(), idx.shards.end()),
             "shards are not the distinct weight_map values");
  for (const auto& s : idx.shards) {
    FUZZ_CHECK(!s.empty() && s != "." && s != ".." && s.find('/') == std::string::npos &&
                   s.find('\\') == std::string::npos && s.find('\0') == std::string::npos,
               "shard name '%s' is not a plain file name", s.c_str());
  }
  return 0;
}
