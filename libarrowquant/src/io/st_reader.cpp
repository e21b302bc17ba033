// Opening a model for reading: a single safetensors file, a sharded index, or a directory holding either.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "arrowquant/json_util.hpp"
#include "arrowquant/safetensors.hpp"
#include "io/posix_file.hpp"

namespace aq::st {

struct Reader::Impl {
  std::string path;
  bool sharded = false;
  std::vector<std::string> file_paths;
  std::vector<std::unique_ptr<io::MappedFile>> maps;
  std::vector<TensorInfo> tensors;
  std::unordered_map<std::string_view, std::size_t> by_name;  // views into tensors[i].name
  std::map<std::string, std::string> metadata;
  uint64_t total_bytes = 0;

  void index_names() {
    by_name.clear();
    by_name.reserve(tensors.size());
    for (std::size_t i = 0; i < tensors.size(); ++i) by_name.emplace(tensors[i].name, i);
    total_bytes = 0;
    for (const auto& t : tensors) total_bytes += t.nbytes;  // each file's data fits in a file: no overflow
  }
};

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::unique_ptr<Reader::Impl> open_single(const std::string& path) {
  auto impl = std::make_unique<Reader::Impl>();
  impl->path = path;
  impl->file_paths.push_back(path);
  impl->maps.push_back(std::make_unique<io::MappedFile>(path));
  const auto& m = *impl->maps.back();
  Header h = parse_header(m.data(), m.size(), path);
  impl->tensors = std::move(h.tensors);
  impl->metadata = std::move(h.metadata);
  impl->index_names();
  return impl;
}

std::unique_ptr<Reader::Impl> open_index(const std::string& index_path) {
  const ShardIndex idx = parse_index(io::read_small_file(index_path, kMaxIndexBytes), index_path);
  auto impl = std::make_unique<Reader::Impl>();
  impl->path = index_path;
  impl->sharded = true;
  const std::string dir = io::parent_dir(index_path);
  std::map<std::string, std::string> meta_origin;  // metadata key -> shard it came from (for conflict messages)
  for (std::size_t s = 0; s < idx.shards.size(); ++s) {
    const std::string shard_path = io::join(dir, idx.shards[s]);
    if (io::path_kind(shard_path) == io::PathKind::missing)
      fail(Status::io, index_path + ": weight_map names shard " + aq::json::quote(idx.shards[s]) +
                           ", which does not exist (" + shard_path + ")");
    impl->file_paths.push_back(shard_path);
    impl->maps.push_back(std::make_unique<io::MappedFile>(shard_path));
    const auto& m = *impl->maps.back();
    Header h = parse_header(m.data(), m.size(), shard_path);
    for (auto& t : h.tensors) {
      auto it = idx.weight_map.find(t.name);
      if (it == idx.weight_map.end())
        fail(Status::format, shard_path + ": tensor '" + t.name + "' is not listed in the weight_map of " + index_path);
      if (it->second != idx.shards[s])
        fail(Status::format, shard_path + ": tensor '" + t.name + "' is mapped to shard '" + it->second + "' by " +
                                 index_path);
      t.file = uint32_t(s);
      impl->tensors.push_back(std::move(t));
    }
    for (auto& kv : h.metadata) {
      auto [it, inserted] = impl->metadata.emplace(kv.first, kv.second);
      if (!inserted && it->second != kv.second)
        fail(Status::format, shard_path + ": __metadata__: key \"" + kv.first + "\" differs from its value in " +
                                 meta_origin[kv.first]);
      if (inserted) meta_origin[kv.first] = shard_path;
    }
  }
  // Every weight_map entry must be found in its shard (a shard holding a tensor twice is impossible: names are
  // unique per header, and the map pins each name to one shard).
  if (impl->tensors.size() != idx.weight_map.size()) {
    std::unordered_map<std::string_view, bool> present;
    for (const auto& t : impl->tensors) present.emplace(t.name, true);
    for (const auto& kv : idx.weight_map)
      if (!present.count(kv.first))
        fail(Status::format, index_path + ": weight_map: tensor '" + kv.first + "' is not in shard " +
                                 io::join(dir, kv.second));
  }
  if (impl->tensors.size() > kMaxTensors)
    fail(Status::format, index_path + ": " + std::to_string(impl->tensors.size()) + " tensors exceed the cap of " +
                             std::to_string(kMaxTensors));
  std::sort(impl->tensors.begin(), impl->tensors.end(),
            [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
  impl->index_names();
  return impl;
}

std::unique_ptr<Reader::Impl> open_directory(const std::string& dir) {
  std::vector<std::string> indexes, files;
  for (const auto& n : io::list_dir(dir)) {
    if (n.empty() || n[0] == '.') continue;  // hidden files, including our temporaries
    if (ends_with(n, ".safetensors.index.json")) indexes.push_back(n);
    else if (ends_with(n, ".safetensors")) files.push_back(n);
  }
  auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& n : v) s += (s.empty() ? "" : ", ") + n;
    return s;
  };
  if (indexes.size() == 1) return open_index(io::join(dir, indexes[0]));
  if (indexes.size() > 1)
    fail(Status::invalid_argument, dir + ": directory holds several index files (" + list(indexes) +
                                       "); name the one to open");
  if (files.size() == 1) return open_single(io::join(dir, files[0]));
  if (files.empty())
    fail(Status::invalid_argument, dir + ": directory holds no .safetensors file and no *.safetensors.index.json");
  fail(Status::invalid_argument, dir + ": directory holds several .safetensors files (" + list(files) +
                                     ") and no index; name the file to open");
}

}  // namespace

Reader Reader::open(const std::string& path) {
  switch (io::path_kind(path)) {
    case io::PathKind::missing: fail(Status::io, path + ": no such file or directory");
    case io::PathKind::directory: return Reader(open_directory(path));
    default: break;
  }
  if (ends_with(path, ".index.json")) return Reader(open_index(path));
  return Reader(open_single(path));
}

Reader::Reader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Reader::Reader(Reader&&) noexcept = default;
Reader& Reader::operator=(Reader&&) noexcept = default;
Reader::~Reader() = default;

const std::string& Reader::path() const { return impl_->path; }
bool Reader::sharded() const { return impl_->sharded; }
const std::vector<std::string>& Reader::files() const { return impl_->file_paths; }
const std::vector<TensorInfo>& Reader::tensors() const { return impl_->tensors; }
const std::map<std::string, std::string>& Reader::metadata() const { return impl_->metadata; }
uint64_t Reader::total_tensor_bytes() const { return impl_->total_bytes; }

const TensorInfo* Reader::find(std::string_view name) const {
  auto it = impl_->by_name.find(name);
  return it == impl_->by_name.end() ? nullptr : &impl_->tensors[it->second];
}

const TensorInfo& Reader::at(std::string_view name) const {
  if (const TensorInfo* t = find(name)) return *t;
  fail(Status::invalid_argument, impl_->path + ": no tensor named '" + std::string(name) + "'");
}

const uint8_t* Reader::data(const TensorInfo& t) const {
  if (t.nbytes == 0) return nullptr;
  return impl_->maps.at(t.file)->data() + t.file_offset;
}

void Reader::read(const TensorInfo& t, uint64_t offset, void* dst, uint64_t bytes) const {
  if (offset > t.nbytes || bytes > t.nbytes - offset)
    fail(Status::invalid_argument, impl_->path + ": tensor '" + t.name + "': read of " + std::to_string(bytes) +
                                       " bytes at " + std::to_string(offset) + " is outside its " +
                                       std::to_string(t.nbytes) + " bytes");
  if (bytes == 0) return;
  impl_->maps.at(t.file)->pread_exact(t.file_offset + offset, dst, bytes);
}

void Reader::release(const TensorInfo& t) const {
  impl_->maps.at(t.file)->drop_pages(t.file_offset, t.nbytes);
}

}  // namespace aq::st
