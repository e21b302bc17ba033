// The streaming, crash-safe safetensors writer (contract in arrowquant/safetensors.hpp, docs/format.md).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "arrowquant/json_util.hpp"
#include "arrowquant/safetensors.hpp"
#include "io/atomic_output.hpp"
#include "io/posix_file.hpp"

namespace aq::st {
namespace {

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // continuation bytes i+1 .. i+n must exist
    for (std::size_t k = 1; k <= n; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;  // overlong, out of range, or a surrogate
    i += n + 1;
  }
  return true;
}


std::string shard_file_name(const std::string& stem, std::size_t i, std::size_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "-%05zu-of-%05zu.safetensors", i + 1, n);
  return stem + buf;
}

struct Decl {
  DType dtype;
  std::vector<uint64_t> shape;
  uint64_t nbytes;
};

struct Slot {
  std::size_t shard = 0;
  uint64_t offset = 0;  // absolute, in the shard file
  uint64_t nbytes = 0;
  uint64_t written = 0;
};

struct Shard {
  std::string file_name;  // final name (inside the directory when sharded)
  std::string tmp_path;   // where it is written
  int fd = -1;
  std::vector<std::string> tensors;
  uint64_t data_bytes = 0;
};

enum class State { declaring, writing, committed, aborted, failed };

}  // namespace

struct Writer::Impl {
  std::string path;  // final
  WriterOptions opt;
  std::map<std::string, std::string> metadata;
  std::map<std::string, std::map<std::string, std::string>> tensor_meta;
  std::map<std::string, Decl> decls;  // sorted bytewise: the deterministic order
  std::map<std::string, Slot> slots;
  std::vector<Shard> shards;
  bool sharded = false;
  std::string tmp_root;              // the temporary file (single) or directory (sharded)
  std::optional<io::AtomicOutput> out;  // created by reserve(): the temporary, its lock, the rename into place
  std::vector<std::string> notes;
  State state = State::declaring;
  std::mutex mu;
  std::atomic<uint64_t> written{0};
  bool fault_on = false;
  uint64_t fault_after = 0;
  int fault_errno = EIO;

  void require(State s, const char* what) {
    if (state == s) return;
    static const char* names[] = {"declaring (begin() not called)", "writing", "committed", "aborted",
                                  "failed (an earlier write failed)"};
    fail(Status::invalid_argument, path + ": " + what + " is not allowed: the writer is " + names[int(state)]);
  }

  // pwrite everything, retrying short writes and EINTR; the fault-injection switch counts every byte.
  void write_at(int fd, uint64_t offset, const void* data, uint64_t bytes, const std::string& what) {
    const auto* p = static_cast<const uint8_t*>(data);
    uint64_t allowed = bytes;
    bool inject = false;
#ifdef AQ_FAULT_INJECTION
    if (fault_on) {
      const uint64_t before = written.fetch_add(bytes);
      if (before + bytes > fault_after) {
        allowed = fault_after > before ? fault_after - before : 0;
        inject = true;
      }
    } else {
      written.fetch_add(bytes);
    }
#else
    written.fetch_add(bytes);
#endif
    while (allowed > 0) {
      // Chunks of 64 MiB: a cancellation request is seen within one chunk of a large tensor.
      if (opt.cancelled && opt.cancelled())
        fail(Status::cancelled, path + ": cancelled while writing " + what);
      const std::size_t chunk = std::size_t(std::min<uint64_t>(allowed, 64u << 20));
      const ssize_t r = ::pwrite(fd, p, chunk, off_t(offset));
      if (r < 0) {
        if (errno == EINTR) continue;
        const int e = errno;
        fail(Status::io, path + ": writing " + what + " failed: " + io::errno_text(e));
      }
      if (r == 0) fail(Status::io, path + ": writing " + what + " failed: no progress (device full?)");
      p += r;
      offset += uint64_t(r);
      allowed -= uint64_t(r);
    }
    if (inject) {
      fail(Status::io, path + ": writing " + what + " failed: " + io::errno_text(fault_errno) + " (injected fault)");
    }
  }

  std::string header_json(const Shard& sh) const {
    std::string j = "{";
    std::map<std::string, std::string> md = metadata;
    for (const auto& name : sh.tensors) {
      auto it = tensor_meta.find(name);
      if (it != tensor_meta.end())
        for (const auto& kv : it->second) md[kv.first] = kv.second;
    }
    if (!md.empty()) {
      j += "\"__metadata__\":{";
      bool first = true;
      for (const auto& kv : md) {
        if (!first) j += ',';
        first = false;
        j += aq::json::quote(kv.first) + ":" + aq::json::quote(kv.second);
      }
      j += "}";
    }
    uint64_t cursor = 0;
    for (const auto& name : sh.tensors) {
      const Decl& d = decls.at(name);
      if (j.size() > 1) j += ',';
      j += aq::json::quote(name) + ":{\"dtype\":\"" + dtype_name(d.dtype) + "\",\"shape\":[";
      for (std::size_t i = 0; i < d.shape.size(); ++i) j += (i ? "," : "") + std::to_string(d.shape[i]);
      j += "],\"data_offsets\":[" + std::to_string(cursor) + "," + std::to_string(cursor + d.nbytes) + "]}";
      cursor += d.nbytes;
    }
    j += "}";
    while (j.size() % 8 != 0) j += ' ';  // 8 + N is then a multiple of 8: the data section starts aligned
    return j;
  }

  int create_file(const std::string& p) {
    const int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) fail(Status::io, path + ": cannot create temporary file " + p + ": " + io::errno_text(errno));
    return fd;
  }

  void close_all() noexcept {
    for (auto& s : shards) {
      if (s.fd >= 0) ::close(s.fd);
      s.fd = -1;
    }
  }

  void abort() noexcept {
    if (state == State::committed || state == State::aborted) return;
    close_all();
    if (out) out->abort();
    tmp_root.clear();
    state = State::aborted;
  }
};

Writer::Writer(std::string path, WriterOptions options) : impl_(std::make_unique<Impl>()) {
  if (path.empty()) fail(Status::invalid_argument, "output path is empty");
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  impl_->path = std::move(path);
  impl_->opt = std::move(options);
  if (impl_->opt.shard_stem.empty() || impl_->opt.shard_stem.find('/') != std::string::npos)
    fail(Status::invalid_argument, impl_->path + ": shard_stem must be a non-empty file name");
}

Writer::~Writer() { impl_->abort(); }

void Writer::set_metadata(const std::string& key, const std::string& value) {
  impl_->require(State::declaring, "set_metadata");
  if (!valid_utf8(key) || !valid_utf8(value))
    fail(Status::invalid_argument, impl_->path + ": __metadata__ key " + aq::json::quote(key) +
                                       ": key and value must be valid UTF-8");
  impl_->metadata[key] = value;
}

void Writer::set_tensor_metadata(const std::string& tensor, const std::string& key, const std::string& value) {
  impl_->require(State::declaring, "set_tensor_metadata");
  if (!valid_utf8(key) || !valid_utf8(value))
    fail(Status::invalid_argument, impl_->path + ": __metadata__ key " + aq::json::quote(key) +
                                       ": key and value must be valid UTF-8");
  impl_->tensor_meta[tensor][key] = value;
}

void Writer::declare(const std::string& name, const std::string& dtype, const std::vector<uint64_t>& shape) {
  DType d;
  if (!lookup_dtype(dtype, &d))
    fail(Status::invalid_argument, impl_->path + ": tensor '" + name + "': unknown dtype " + aq::json::quote(dtype));
  declare(name, d, shape);
}

void Writer::declare(const std::string& name, DType dtype, const std::vector<uint64_t>& shape) {
  impl_->require(State::declaring, "declare");
  const std::string at = impl_->path + ": tensor '" + name + "'";
  if (name.empty()) fail(Status::invalid_argument, impl_->path + ": a tensor name is empty");
  if (name == "__metadata__") fail(Status::invalid_argument, at + ": name is reserved");
  if (name.size() > kMaxNameBytes) fail(Status::invalid_argument, at + ": name exceeds the cap of 4096 bytes");
  if (!valid_utf8(name)) fail(Status::invalid_argument, at + ": name is not valid UTF-8");
  if (shape.size() > kMaxRank)
    fail(Status::invalid_argument, at + ": shape: rank " + std::to_string(shape.size()) + " exceeds the cap of 8");
  if (dtype_size(dtype) == 0) fail(Status::invalid_argument, at + ": dtype: invalid");
  if (impl_->decls.count(name)) fail(Status::invalid_argument, at + ": declared twice");
  if (impl_->decls.size() >= kMaxTensors)
    fail(Status::invalid_argument, at + ": more than " + std::to_string(kMaxTensors) + " tensors");
  const uint64_t nbytes = tensor_bytes(dtype, shape, at, Status::invalid_argument);
  impl_->decls.emplace(name, Decl{dtype, shape, nbytes});
}

void Writer::reserve() {
  Impl& w = *impl_;
  w.require(State::declaring, "reserve");
  if (w.out) return;
  w.out.emplace(w.path, w.opt.overwrite);
  w.notes = w.out->notes();
}

const std::vector<std::string>& Writer::notes() const { return impl_->notes; }

void Writer::begin() {
  Impl& w = *impl_;
  w.require(State::declaring, "begin");
  for (const auto& kv : w.tensor_meta)
    if (!w.decls.count(kv.first))
      fail(Status::invalid_argument, w.path + ": tensor metadata names undeclared tensor '" + kv.first + "'");
  // A key must mean one thing in the whole model: shards are merged by readers, which reject disagreements.
  std::map<std::string, const std::string*> owner;  // tensor-metadata key -> tensor
  for (const auto& kv : w.tensor_meta) {
    for (const auto& m : kv.second) {
      if (w.metadata.count(m.first))
        fail(Status::invalid_argument, w.path + ": __metadata__ key " + aq::json::quote(m.first) +
                                           " is set both globally and for tensor '" + kv.first + "'");
      auto [it, fresh] = owner.emplace(m.first, &kv.first);
      if (!fresh)
        fail(Status::invalid_argument, w.path + ": __metadata__ key " + aq::json::quote(m.first) +
                                           " is set for tensors '" + *it->second + "' and '" + kv.first + "'");
    }
  }
  std::size_t md_entries = w.metadata.size();
  for (const auto& kv : w.tensor_meta) md_entries += kv.second.size();
  if (md_entries > kMaxMetadataEntries)
    fail(Status::invalid_argument, w.path + ": __metadata__: " + std::to_string(md_entries) +
                                       " entries exceed the cap of " + std::to_string(kMaxMetadataEntries));

  if (!w.out) reserve();

  // Layout: name order; greedy shards.
  uint64_t total = 0;
  for (const auto& kv : w.decls) {
    if (total > UINT64_MAX - kv.second.nbytes) fail(Status::invalid_argument, w.path + ": total size overflows");
    total += kv.second.nbytes;
  }
  w.sharded = w.opt.max_shard_bytes > 0 && total > w.opt.max_shard_bytes;
  w.shards.clear();
  w.shards.emplace_back();
  for (const auto& kv : w.decls) {
    Shard* cur = &w.shards.back();
    if (w.sharded && !cur->tensors.empty() && cur->data_bytes + kv.second.nbytes > w.opt.max_shard_bytes) {
      w.shards.emplace_back();
      cur = &w.shards.back();
    }
    cur->tensors.push_back(kv.first);
    cur->data_bytes += kv.second.nbytes;
  }

  const std::string base = io::base_name(w.path);
  if (w.sharded) {
    w.out->become_directory();
  } else {
    w.shards[0].fd = w.out->take_file_fd();  // the reserved file becomes the output
  }
  w.tmp_root = w.out->temp_path();
  w.state = State::writing;

#ifdef AQ_FAULT_INJECTION
  if (const char* n = std::getenv("AQ_FAULT_WRITE_AFTER_BYTES"); n && *n) {
    w.fault_on = true;
    w.fault_after = std::strtoull(n, nullptr, 10);
    const char* e = std::getenv("AQ_FAULT_ERRNO");
    w.fault_errno = (e && std::strcmp(e, "ENOSPC") == 0) ? ENOSPC : EIO;
  }
#endif

  try {
    for (std::size_t s = 0; s < w.shards.size(); ++s) {
      Shard& sh = w.shards[s];
      if (w.sharded) {
        sh.file_name = shard_file_name(w.opt.shard_stem, s, w.shards.size());
        sh.tmp_path = io::join(w.tmp_root, sh.file_name);
        sh.fd = w.create_file(sh.tmp_path);
      } else {
        sh.file_name = base;
        sh.tmp_path = w.tmp_root;
      }
      const std::string header = w.header_json(sh);
      if (header.size() > kMaxHeaderBytes)
        fail(Status::invalid_argument, w.path + ": header of " + std::to_string(header.size()) +
                                           " bytes exceeds the cap of " + std::to_string(kMaxHeaderBytes));
      uint8_t len[8];
      for (int i = 0; i < 8; ++i) len[i] = uint8_t(uint64_t(header.size()) >> (8 * i));
      w.write_at(sh.fd, 0, len, 8, "the header length");
      w.write_at(sh.fd, 8, header.data(), header.size(), "the header");
      uint64_t cursor = 8 + header.size();
      for (const auto& name : sh.tensors) {
        const uint64_t nb = w.decls.at(name).nbytes;
        w.slots.emplace(name, Slot{s, cursor, nb, 0});
        cursor += nb;
      }
      // Size the file now: a file whose tensors are not all written yet still has its final length, and a
      // zero-byte tail tensor needs no write at all.
      if (::ftruncate(sh.fd, off_t(cursor)) != 0)
        fail(Status::io, w.path + ": cannot size " + sh.tmp_path + ": " + io::errno_text(errno));
    }
  } catch (...) {
    w.abort();
    throw;
  }
}

void Writer::write(const std::string& name, const void* data, uint64_t bytes) {
  Impl& w = *impl_;
  uint64_t offset;
  int fd;
  {
    std::lock_guard<std::mutex> lock(w.mu);
    w.require(State::writing, "write");
    auto it = w.slots.find(name);
    if (it == w.slots.end()) fail(Status::invalid_argument, w.path + ": write to undeclared tensor '" + name + "'");
    Slot& s = it->second;
    if (bytes > s.nbytes - s.written)
      fail(Status::invalid_argument, w.path + ": tensor '" + name + "': writing " + std::to_string(bytes) +
                                         " bytes after " + std::to_string(s.written) + " exceeds its " +
                                         std::to_string(s.nbytes) + " bytes");
    if (bytes > 0 && !data) fail(Status::invalid_argument, w.path + ": tensor '" + name + "': data is NULL");
    offset = s.offset + s.written;
    s.written += bytes;
    fd = w.shards[s.shard].fd;
  }
  try {
    w.write_at(fd, offset, data, bytes, "tensor '" + name + "'");
  } catch (...) {
    std::lock_guard<std::mutex> lock(w.mu);
    w.state = State::failed;
    throw;
  }
}

void Writer::commit() {
  Impl& w = *impl_;
  std::lock_guard<std::mutex> lock(w.mu);
  w.require(State::writing, "commit");
  try {
    for (const auto& kv : w.slots)
      if (kv.second.written != kv.second.nbytes)
        fail(Status::invalid_argument, w.path + ": tensor '" + kv.first + "': only " +
                                           std::to_string(kv.second.written) + " of " +
                                           std::to_string(kv.second.nbytes) + " bytes were written");
    if (w.sharded) {
      namespace bj = boost::json;
      uint64_t total = 0;
      bj::object wm;
      for (const auto& sh : w.shards)
        for (const auto& name : sh.tensors) total += w.decls.at(name).nbytes;
      for (const auto& kv : w.slots) wm[kv.first] = w.shards[kv.second.shard].file_name;  // sorted: std::map
      bj::object md;
      md["total_size"] = total;
      bj::object root;
      root["metadata"] = std::move(md);
      root["weight_map"] = std::move(wm);
      const std::string text = aq::json::to_text_pretty(root);
      Shard idx;
      idx.file_name = w.opt.shard_stem + ".safetensors.index.json";
      idx.tmp_path = io::join(w.tmp_root, idx.file_name);
      idx.fd = w.create_file(idx.tmp_path);
      w.shards.push_back(idx);  // closed and fsynced with the shards
      w.write_at(idx.fd, 0, text.data(), text.size(), "the index " + idx.file_name);
    }
    for (auto& sh : w.shards) {
      if (::fsync(sh.fd) != 0)
        fail(Status::io, w.path + ": fsync of " + sh.tmp_path + " failed: " + io::errno_text(errno));
      const int fd = sh.fd;
      sh.fd = -1;
      if (::close(fd) != 0)
        fail(Status::io, w.path + ": close of " + sh.tmp_path + " failed: " + io::errno_text(errno));
    }
    w.out->publish();
    w.tmp_root.clear();
    w.state = State::committed;
  } catch (...) {
    if (w.out && w.out->published()) {  // in place; the directory fsync failed
      w.tmp_root.clear();
      w.state = State::committed;
    } else if (w.state != State::committed) {
      w.abort();
    }
    throw;
  }
  // Shard paths now live under the final name.
  for (auto& sh : w.shards) sh.tmp_path = w.sharded ? io::join(w.path, sh.file_name) : w.path;
}

void Writer::abort() noexcept {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->abort();
}

bool Writer::sharded() const { return impl_->sharded; }

std::vector<std::string> Writer::output_files() const {
  std::vector<std::string> out;
  if (!impl_->sharded) {
    out.push_back(impl_->path);
    return out;
  }
  for (std::size_t s = 0; s < impl_->shards.size(); ++s)
    if (!impl_->shards[s].file_name.empty()) out.push_back(io::join(impl_->path, impl_->shards[s].file_name));
  const std::string idx = io::join(impl_->path, impl_->opt.shard_stem + ".safetensors.index.json");
  if (out.empty() || out.back() != idx) out.push_back(idx);
  return out;
}

uint64_t Writer::bytes_written() const { return impl_->written.load(); }

}  // namespace aq::st
