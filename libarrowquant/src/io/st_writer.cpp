// The streaming, crash-safe safetensors writer (contract in arrowquant/safetensors.hpp, docs/format.md).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

// O_DIRECT needs the file offset, the length and the memory address aligned to the device's logical block size;
// 4 KiB satisfies every block size up to the page size.
constexpr uint64_t kBlock = 4096;
// One staging buffer: large enough that a direct write streams at device speed, small enough to keep one per
// writing thread.
constexpr std::size_t kStageBytes = std::size_t(8) << 20;

uint64_t round_down(uint64_t x) { return x & ~(kBlock - 1); }

// A 4 KiB block of the file that several writes share (a tensor's first and last block, the header's last):
// assembled here and written once every byte of it has arrived.
struct EdgeBlock {
  uint8_t* buf = nullptr;
  uint64_t filled = 0;
};

struct Shard {
  std::string file_name;  // final name (inside the directory when sharded)
  std::string tmp_path;   // where it is written
  int fd = -1;            // buffered: all writes without direct I/O, the file's partial last block; the fsync
  int dfd = -1;           // O_DIRECT descriptor of the same file, or -1
  uint64_t file_bytes = 0;
  std::map<uint64_t, EdgeBlock> edges;  // by block offset; guarded by Impl::edge_mu
  std::vector<std::string> tensors;
  uint64_t data_bytes = 0;
};

// posix_memalign'd blocks, freed with free().
void free_aligned(uint8_t* p) noexcept { std::free(p); }
uint8_t* alloc_aligned(std::size_t bytes) {
  void* p = nullptr;
  if (::posix_memalign(&p, kBlock, bytes) != 0) throw std::bad_alloc();
  return static_cast<uint8_t*>(p);
}

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
  bool fault_direct_einval = false;  // a test switch: the first O_DIRECT write fails with EINVAL

  bool append = false;       // the streaming layout (WriterOptions::header_reserve)
  uint64_t data_start = 0;   // append: 8 + the reserved header bytes
  uint64_t cursor = 0;       // append: where the next declared tensor goes

  // Direct I/O: the staging buffers (allocated once, reused, so their pages are faulted in only once) and the
  // switch that turns it off for the rest of the run when the file system refuses a direct write.
  bool direct = false;       // asked for (io_mode, output size)
  bool direct_used = false;  // some file got an O_DIRECT descriptor
  std::atomic<bool> direct_ok{true};
  std::vector<std::string> io_notes;
  std::mutex pool_mu, edge_mu;
  std::vector<uint8_t*> stage_all, stage_free;

  ~Impl() {
    for (auto* b : stage_all) free_aligned(b);
    for (auto& sh : shards)
      for (auto& e : sh.edges) free_aligned(e.second.buf);
  }

  uint8_t* take_stage() {
    std::lock_guard<std::mutex> lock(pool_mu);
    if (!stage_free.empty()) {
      uint8_t* b = stage_free.back();
      stage_free.pop_back();
      return b;
    }
    uint8_t* b = alloc_aligned(kStageBytes);
    stage_all.push_back(b);
    return b;
  }
  void give_stage(uint8_t* b) {
    std::lock_guard<std::mutex> lock(pool_mu);
    stage_free.push_back(b);
  }

  void require(State s, const char* what) {
    if (state == s) return;
    static const char* names[] = {"declaring (begin() not called)", "writing", "committed", "aborted",
                                  "failed (an earlier write failed)"};
    fail(Status::invalid_argument, path + ": " + what + " is not allowed: the writer is " + names[int(state)]);
  }

  // Counts `bytes` towards bytes_written() and returns how many of them may be written: fewer when the
  // fault-injection switch is set to fail inside them (then *inject is set and the caller fails after those).
  uint64_t account(uint64_t bytes, bool* inject) {
    *inject = false;
#ifdef AQ_FAULT_INJECTION
    if (fault_on) {
      const uint64_t before = written.fetch_add(bytes);
      if (before + bytes > fault_after) {
        *inject = true;
        return fault_after > before ? fault_after - before : 0;
      }
      return bytes;
    }
#endif
    written.fetch_add(bytes);
    return bytes;
  }

  [[noreturn]] void fail_injected(const std::string& what) {
    fail(Status::io, path + ": writing " + what + " failed: " + io::errno_text(fault_errno) + " (injected fault)");
  }

  // pwrite everything through the buffered descriptor, retrying short writes and EINTR.
  void pwrite_buffered(int fd, uint64_t offset, const uint8_t* p, uint64_t bytes, const std::string& what) {
    while (bytes > 0) {
      // Chunks of 64 MiB: a cancellation request is seen within one chunk of a large tensor.
      if (opt.cancelled && opt.cancelled())
        fail(Status::cancelled, path + ": cancelled while writing " + what);
      const std::size_t chunk = std::size_t(std::min<uint64_t>(bytes, 64u << 20));
      const ssize_t r = ::pwrite(fd, p, chunk, off_t(offset));
      if (r < 0) {
        if (errno == EINTR) continue;
        const int e = errno;
        fail(Status::io, path + ": writing " + what + " failed: " + io::errno_text(e));
      }
      if (r == 0) fail(Status::io, path + ": writing " + what + " failed: no progress (device full?)");
      p += r;
      offset += uint64_t(r);
      bytes -= uint64_t(r);
    }
  }

  // Whole blocks from an aligned buffer through O_DIRECT. Where the file system refuses it (EINVAL), direct I/O
  // is switched off for the rest of the run and these bytes go through the page cache instead; a short write
  // leaves an unaligned rest, which does too.
  void pwrite_direct(Shard& sh, uint64_t offset, const uint8_t* p, uint64_t bytes, const std::string& what) {
    while (bytes > 0 && direct_ok.load(std::memory_order_relaxed)) {
      if (opt.cancelled && opt.cancelled())
        fail(Status::cancelled, path + ": cancelled while writing " + what);
      const std::size_t chunk = std::size_t(std::min<uint64_t>(bytes, 64u << 20));
      ssize_t r;
      if (fault_direct_einval) {
        r = -1;
        errno = EINVAL;
      } else {
        r = ::pwrite(sh.dfd, p, chunk, off_t(offset));
      }
      if (r < 0) {
        if (errno == EINTR) continue;
        const int e = errno;
        if (e == EINVAL) {
          refuse_direct("writing", e);
          break;
        }
        fail(Status::io, path + ": writing " + what + " failed: " + io::errno_text(e));
      }
      if (r == 0) fail(Status::io, path + ": writing " + what + " failed: no progress (device full?)");
      p += r;
      offset += uint64_t(r);
      bytes -= uint64_t(r);
      if (uint64_t(r) % kBlock != 0) break;
    }
    pwrite_buffered(sh.fd, offset, p, bytes, what);
  }

  void refuse_direct(const char* when, int e) {
    if (!direct_ok.exchange(false)) return;
    std::lock_guard<std::mutex> lock(pool_mu);
    io_notes.push_back(path + ": the file system refused O_DIRECT (" + when + ": " + io::errno_text(e) +
                       "); written through the page cache");
  }

  // A piece inside one block that other writes share: copied into the block, which is written when complete.
  // The file's partial last block is complete at the file's end and goes through the buffered descriptor.
  void put_edge(Shard& sh, uint64_t offset, const uint8_t* p, uint64_t bytes, const std::string& what) {
    const uint64_t blk = round_down(offset);
    const uint64_t need = std::min(kBlock, sh.file_bytes - blk);  // file_bytes: UINT64_MAX until known
    uint8_t* done = nullptr;
    {
      std::lock_guard<std::mutex> lock(edge_mu);
      EdgeBlock& e = sh.edges[blk];
      if (!e.buf) {
        e.buf = alloc_aligned(kBlock);
        std::memset(e.buf, 0, kBlock);
      }
      std::memcpy(e.buf + (offset - blk), p, bytes);
      e.filled += bytes;
      if (e.filled == need) {
        done = e.buf;
        sh.edges.erase(blk);
      }
    }
    if (!done) return;
    struct Free {
      uint8_t* b;
      ~Free() { free_aligned(b); }
    } guard{done};
    if (need == kBlock && direct_ok.load(std::memory_order_relaxed))
      pwrite_direct(sh, blk, done, kBlock, what);
    else
      pwrite_buffered(sh.fd, blk, done, need, what);
  }

  // Bytes at any offset of a shard: the whole blocks they cover through O_DIRECT (from the caller's memory when
  // it is aligned, else copied into a staging buffer), the pieces of shared blocks at their edges assembled.
  void put(Shard& sh, uint64_t offset, const uint8_t* p, uint64_t bytes, const std::string& what) {
    // Once a shard has a direct descriptor its shared blocks are always assembled, even after a refusal turned
    // direct I/O off: a block half-assembled before then must still be completed and written.
    if (sh.dfd < 0) {
      pwrite_buffered(sh.fd, offset, p, bytes, what);
      return;
    }
    if (bytes == 0) return;  // an empty piece would open a shared block that nothing completes
    const uint64_t end = offset + bytes;
    if (offset % kBlock != 0) {
      const uint64_t stop = std::min(end, round_down(offset) + kBlock);
      put_edge(sh, offset, p, stop - offset, what);
      p += stop - offset;
      offset = stop;
    }
    const uint64_t full_end = std::max(offset, round_down(end));
    if (offset < full_end) {
      uint64_t n = full_end - offset;
      if (!direct_ok.load(std::memory_order_relaxed)) {
        pwrite_buffered(sh.fd, offset, p, n, what);
        p += n;
        offset += n;
      } else if (reinterpret_cast<uintptr_t>(p) % kBlock == 0) {
        pwrite_direct(sh, offset, p, n, what);
        p += n;
        offset += n;
      } else {
        uint8_t* st = take_stage();
        try {
          while (n > 0) {
            const uint64_t c = std::min<uint64_t>(n, kStageBytes);
            std::memcpy(st, p, c);
            pwrite_direct(sh, offset, st, c, what);
            p += c;
            offset += c;
            n -= c;
          }
        } catch (...) {
          give_stage(st);
          throw;
        }
        give_stage(st);
      }
    }
    if (offset < end) put_edge(sh, offset, p, end - offset, what);
  }

  // A logical write: counted, then put(); the fault-injection switch fails it after its allowed prefix.
  void write_at(Shard& sh, uint64_t offset, const void* data, uint64_t bytes, const std::string& what) {
    bool inject = false;
    const uint64_t allowed = account(bytes, &inject);
    put(sh, offset, static_cast<const uint8_t*>(data), allowed, what);
    if (inject) fail_injected(what);
  }

  // The metadata rules (a key means one thing in the whole model, caps), checked when the metadata is final.
  void check_metadata() {
    Impl& w = *this;
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
  }

  // A second descriptor of the same temporary for the data; the buffered one still fsyncs the file.
  void open_direct(Shard& sh, bool refuse_open) {
    if (!direct || !direct_ok.load()) return;
    if (refuse_open) errno = EINVAL;
    sh.dfd = refuse_open ? -1 : ::open(sh.tmp_path.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
    if (sh.dfd < 0) {
      const int e = errno;
      if (e != EINVAL) fail(Status::io, path + ": cannot open " + sh.tmp_path + ": " + io::errno_text(e));
      refuse_direct("open", e);
    } else {
      direct_used = true;
    }
  }

  // Streaming layout: the tensor goes right after the previous one.
  void place(const std::string& name, uint64_t nbytes) {
    Shard& sh = shards[0];
    if (cursor > UINT64_MAX - nbytes) fail(Status::invalid_argument, path + ": total size overflows");
    slots.emplace(name, Slot{0, cursor, nbytes, 0});
    sh.tensors.push_back(name);
    sh.data_bytes += nbytes;
    cursor += nbytes;
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
    // The streaming layout places tensors in the order declared; the header still lists them by name.
    std::vector<std::string> by_name = sh.tensors;
    if (append) std::sort(by_name.begin(), by_name.end());
    for (const auto& name : by_name) {
      const Decl& d = decls.at(name);
      if (append) cursor = slots.at(name).offset - data_start;
      if (j.size() > 1) j += ',';
      j += aq::json::quote(name) + ":{\"dtype\":\"" + dtype_name(d.dtype) + "\",\"shape\":[";
      for (std::size_t i = 0; i < d.shape.size(); ++i) j += (i ? "," : "") + std::to_string(d.shape[i]);
      j += "],\"data_offsets\":[" + std::to_string(cursor) + "," + std::to_string(cursor + d.nbytes) + "]}";
      cursor += d.nbytes;
    }
    j += "}";
    if (append) {
      if (j.size() <= data_start - 8) j.append(data_start - 8 - j.size(), ' ');  // exactly the reserved space
      return j;
    }
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
      if (s.dfd >= 0) ::close(s.dfd);
      s.fd = s.dfd = -1;
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
  std::unique_lock<std::mutex> lock(impl_->mu, std::defer_lock);
  if (impl_->append && impl_->state == State::writing) lock.lock();  // streaming: until commit()
  else impl_->require(State::declaring, "set_metadata");
  if (!valid_utf8(key) || !valid_utf8(value))
    fail(Status::invalid_argument, impl_->path + ": __metadata__ key " + aq::json::quote(key) +
                                       ": key and value must be valid UTF-8");
  impl_->metadata[key] = value;
}

void Writer::set_tensor_metadata(const std::string& tensor, const std::string& key, const std::string& value) {
  std::unique_lock<std::mutex> lock(impl_->mu, std::defer_lock);
  if (impl_->append && impl_->state == State::writing) lock.lock();  // streaming: until commit()
  else impl_->require(State::declaring, "set_tensor_metadata");
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
  std::unique_lock<std::mutex> lock(impl_->mu, std::defer_lock);
  const bool late = impl_->append && impl_->state == State::writing;  // streaming: placed at the cursor
  if (late) lock.lock();
  else impl_->require(State::declaring, "declare");
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
  if (late) impl_->place(name, nbytes);
}

void Writer::reserve() {
  Impl& w = *impl_;
  w.require(State::declaring, "reserve");
  if (w.out) return;
  w.out.emplace(w.path, w.opt.overwrite);
  w.notes = w.out->notes();
}

const std::vector<std::string>& Writer::notes() const { return impl_->notes; }

void Writer::set_streaming_layout(uint64_t header_reserve, uint64_t size_hint) {
  impl_->require(State::declaring, "set_streaming_layout");
  impl_->opt.header_reserve = header_reserve;
  impl_->opt.size_hint = size_hint;
}

void Writer::begin() {
  Impl& w = *impl_;
  w.require(State::declaring, "begin");
  if (!w.opt.header_reserve) w.check_metadata();  // streaming: at commit(), when all of it is known
  if (w.opt.header_reserve && w.opt.max_shard_bytes)
    fail(Status::invalid_argument, w.path + ": a reserved header (the streaming layout) needs a single file");
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
  uint64_t out_bytes = w.opt.size_hint;
  for (const auto& sh : w.shards) out_bytes += sh.data_bytes;
  w.direct = w.opt.io_mode == IoMode::direct || (w.opt.io_mode == IoMode::automatic && out_bytes >= kDirectIoMinBytes);

#ifdef AQ_FAULT_INJECTION
  if (const char* n = std::getenv("AQ_FAULT_WRITE_AFTER_BYTES"); n && *n) {
    w.fault_on = true;
    w.fault_after = std::strtoull(n, nullptr, 10);
    const char* e = std::getenv("AQ_FAULT_ERRNO");
    w.fault_errno = (e && std::strcmp(e, "ENOSPC") == 0) ? ENOSPC : EIO;
  }
  // Where the file system refuses O_DIRECT: "open" at open(), "write" at the first direct write.
  const char* refuse = std::getenv("AQ_FAULT_DIRECT_REFUSED");
  const bool refuse_open = refuse && std::strcmp(refuse, "open") == 0;
  w.fault_direct_einval = refuse && std::strcmp(refuse, "write") == 0;
#else
  const bool refuse_open = false;
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
      if (w.opt.header_reserve) {
        // Streaming layout: the declared tensors in name order after the reserved header; the header and the
        // file's length are written by commit().
        const uint64_t reserve = (w.opt.header_reserve + 7) / 8 * 8;
        if (reserve > kMaxHeaderBytes)
          fail(Status::invalid_argument, w.path + ": a header reserve of " + std::to_string(reserve) +
                                             " bytes exceeds the cap of " + std::to_string(kMaxHeaderBytes));
        w.append = true;
        w.data_start = w.cursor = 8 + reserve;
        sh.file_bytes = UINT64_MAX;
        const std::vector<std::string> first = std::move(sh.tensors);
        sh.tensors.clear();
        sh.data_bytes = 0;
        for (const auto& name : first) w.place(name, w.decls.at(name).nbytes);
        w.open_direct(sh, refuse_open);
        continue;
      }
      const std::string header = w.header_json(sh);
      if (header.size() > kMaxHeaderBytes)
        fail(Status::invalid_argument, w.path + ": header of " + std::to_string(header.size()) +
                                           " bytes exceeds the cap of " + std::to_string(kMaxHeaderBytes));
      uint64_t cursor = 8 + header.size();
      for (const auto& name : sh.tensors) {
        const uint64_t nb = w.decls.at(name).nbytes;
        w.slots.emplace(name, Slot{s, cursor, nb, 0});
        cursor += nb;
      }
      sh.file_bytes = cursor;
      // Size the file now: a file whose tensors are not all written yet still has its final length, and a
      // zero-byte tail tensor needs no write at all.
      if (::ftruncate(sh.fd, off_t(cursor)) != 0)
        fail(Status::io, w.path + ": cannot size " + sh.tmp_path + ": " + io::errno_text(errno));
      w.open_direct(sh, refuse_open);
      uint8_t len[8];
      for (int i = 0; i < 8; ++i) len[i] = uint8_t(uint64_t(header.size()) >> (8 * i));
      w.write_at(sh, 0, len, 8, "the header length");
      w.write_at(sh, 8, header.data(), header.size(), "the header");
    }
  } catch (...) {
    w.abort();
    throw;
  }
}

void Writer::write(const std::string& name, const void* data, uint64_t bytes) {
  Impl& w = *impl_;
  uint64_t offset;
  Shard* sh;
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
    sh = &w.shards[s.shard];
  }
  try {
    w.write_at(*sh, offset, data, bytes, "tensor '" + name + "'");
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
      w.write_at(w.shards.back(), 0, text.data(), text.size(), "the index " + idx.file_name);
    }
    if (w.append) {
      w.check_metadata();
      Shard& sh = w.shards[0];
      const std::string header = w.header_json(sh);
      if (header.size() != w.data_start - 8)
        fail(Status::internal, w.path + ": the header needs " + std::to_string(header.size()) + " bytes but " +
                                   std::to_string(w.data_start - 8) + " were reserved");
      sh.file_bytes = w.cursor;  // known now: the last block is complete where the file ends
      uint8_t len[8];
      for (int i = 0; i < 8; ++i) len[i] = uint8_t(uint64_t(header.size()) >> (8 * i));
      w.write_at(sh, 0, len, 8, "the header length");
      w.write_at(sh, 8, header.data(), header.size(), "the header");
      if (!sh.edges.empty()) {
        const uint64_t blk = sh.edges.begin()->first;
        const EdgeBlock e = sh.edges.begin()->second;
        if (sh.edges.size() == 1 && blk + e.filled == sh.file_bytes) {
          sh.edges.clear();
          struct Free {
            uint8_t* b;
            ~Free() { free_aligned(b); }
          } guard{e.buf};
          w.pwrite_buffered(sh.fd, blk, e.buf, e.filled, "the last block");
        }
      }
      if (::ftruncate(sh.fd, off_t(sh.file_bytes)) != 0)  // a zero-byte last tensor is written by no one
        fail(Status::io, w.path + ": cannot size " + sh.tmp_path + ": " + io::errno_text(errno));
    }
    // Every byte was written once, so every shared block is complete and was written when it completed.
    for (const auto& sh : w.shards)
      if (!sh.edges.empty())
        fail(Status::internal, w.path + ": " + sh.tmp_path + ": " + std::to_string(sh.edges.size()) +
                                   " block(s) incomplete at commit");
    for (auto& sh : w.shards) {
      // One fsync covers the direct writes too: it flushes the device cache and the file's metadata.
      if (sh.dfd >= 0) {
        ::close(sh.dfd);
        sh.dfd = -1;
      }
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

bool Writer::direct_io() const { return impl_->direct_used && impl_->direct_ok.load(); }

const std::vector<std::string>& Writer::io_notes() const { return impl_->io_notes; }

}  // namespace aq::st
