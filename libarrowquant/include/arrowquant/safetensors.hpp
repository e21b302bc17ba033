// Safetensors container: a bounds-checked reader (single file, sharded index, or a directory holding either) and a
// streaming, crash-safe writer. The file layout and every rule enforced here are documented in docs/format.md.
//
//   [8 bytes: N, little-endian u64][N bytes: JSON header, UTF-8, may end in spaces][data section]
//   header = {"__metadata__": {str: str, ...}?, "NAME": {"dtype": str, "shape": [u64...], "data_offsets": [b, e]}}
//
// data_offsets are relative to the start of the data section. As the safetensors specification requires, the
// tensors cover the data section exactly: no overlap, no hole, no trailing bytes (this also rules out polyglot
// files). Every violation is aq::Error(Status::format) whose message names the file, the tensor and the field.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "arrowquant/error.hpp"
#include "arrowquant/io_mode.hpp"

namespace aq::st {

// ---- Caps (docs/format.md "Limits"). Inputs beyond a cap are rejected with Status::format. -------------------
constexpr uint64_t kMaxHeaderBytes = 100'000'000;   // the header length N (as the safetensors library's cap)
constexpr uint64_t kMaxTensors = 1'000'000;         // tensor entries in one file or one sharded model
constexpr uint64_t kMaxMetadataEntries = 2'000'000; // __metadata__ entries (per-tensor entries + global ones)
constexpr std::size_t kMaxRank = 8;                 // dimensions of a tensor shape
constexpr std::size_t kMaxNameBytes = 4096;         // bytes of a tensor name
constexpr std::size_t kMaxJsonDepth = 8;            // nesting of the header / index JSON (3 are needed)
constexpr uint64_t kMaxIndexBytes = 100'000'000;    // size of a *.safetensors.index.json file
constexpr uint64_t kMaxShards = 100'000;            // distinct shard files named by an index

// ---- Element types --------------------------------------------------------------------------------------------
enum class DType : int {
  F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8, BOOL, F8_E4M3, F8_E5M2, F8_E8M0, C64,
};
const char* dtype_name(DType d);   // safetensors spelling: "F32", "BF16", "F8_E4M3", ...
uint32_t dtype_size(DType d);      // bytes per element
// Known dtype from its safetensors name; false for anything else. Sub-byte types of newer safetensors versions
// (F4, F6_E2M3, F6_E3M2) are known but not supported: parse_dtype throws Status::unsupported for them, and
// Status::format (naming `what`) for unknown strings.
bool lookup_dtype(std::string_view name, DType* out);
DType parse_dtype(std::string_view name, const std::string& what);

// Bytes of a tensor: dtype size x product(shape), with every multiplication checked against 2^64 overflow.
// Throws aq::Error(status, "<what>: ...") on overflow.
uint64_t tensor_bytes(DType d, const std::vector<uint64_t>& shape, const std::string& what,
                      Status status = Status::format);

// ---- Parsed header --------------------------------------------------------------------------------------------
struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<uint64_t> shape;
  uint64_t numel = 0;
  uint64_t nbytes = 0;
  uint64_t begin = 0;       // data_offsets[0], relative to the data section
  uint32_t file = 0;        // index into Reader::files() (always 0 for a single file)
  uint64_t file_offset = 0; // absolute byte offset of the tensor in its file
};

struct Header {
  uint64_t header_bytes = 0;  // N
  uint64_t data_start = 0;    // 8 + N
  std::vector<TensorInfo> tensors;  // sorted by name
  std::map<std::string, std::string> metadata;
};

// Parse and check the header of a safetensors file held in memory (bytes [0, file_size)). `label` names the file
// in messages. Pure function of its input: this is the fuzzing entry point for the header.
Header parse_header(const uint8_t* data, uint64_t file_size, const std::string& label);

// The JSON of a *.safetensors.index.json file: weight_map (tensor -> shard file name, a plain name in the
// index's directory) and metadata.total_size when present.
struct ShardIndex {
  std::map<std::string, std::string> weight_map;
  std::vector<std::string> shards;  // distinct shard names, sorted
  bool has_total_size = false;
  uint64_t total_size = 0;
};
ShardIndex parse_index(std::string_view json_text, const std::string& label);

// ---- Reader ---------------------------------------------------------------------------------------------------
// A model opened for reading: one file, or the shards named by an index. Files stay mapped (read-only, private)
// until the Reader is destroyed. Methods are const and safe to call from several threads at once.
class Reader {
 public:
  // `path`: a .safetensors file, a *.safetensors.index.json file, or a directory holding exactly one index or
  // (without an index) exactly one .safetensors file. Hidden files (ours: `.NAME.aqtmp-<random>`) are ignored.
  // Missing/unreadable files are Status::io, malformed ones Status::format, an ambiguous directory
  // Status::invalid_argument.
  static Reader open(const std::string& path);

  Reader(Reader&&) noexcept;
  Reader& operator=(Reader&&) noexcept;
  ~Reader();

  const std::string& path() const;
  bool sharded() const;
  const std::vector<std::string>& files() const;          // absolute or as given; one per shard
  const std::vector<TensorInfo>& tensors() const;         // sorted by name
  const TensorInfo* find(std::string_view name) const;    // nullptr when absent
  const TensorInfo& at(std::string_view name) const;      // Status::invalid_argument when absent
  // __metadata__ (merged over shards; a key with different values in two shards is Status::format).
  const std::map<std::string, std::string>& metadata() const;
  uint64_t total_tensor_bytes() const;

  // Zero-copy view of a tensor's bytes in the mapping (nullptr for a zero-byte tensor). Touching the pages makes
  // them resident; call release() when done so that streaming through a large model keeps a small footprint.
  const uint8_t* data(const TensorInfo& t) const;
  // Copy bytes [offset, offset + bytes) of a tensor into dst with pread (no pages of the mapping are touched).
  void read(const TensorInfo& t, uint64_t offset, void* dst, uint64_t bytes) const;
  // Drop the resident pages that lie entirely inside the tensor's range (madvise MADV_DONTNEED; the data is
  // re-read from the file if touched again). Never affects results; a no-op for tiny tensors.
  void release(const TensorInfo& t) const;

  struct Impl;  // implementation detail (io/st_reader.cpp)
  explicit Reader(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// ---- Writer ---------------------------------------------------------------------------------------------------
// Streaming writer. Usage: declare every tensor (name, dtype, shape) and metadata, begin(), then write each
// tensor's bytes (whole or in consecutive chunks; tensors in any order, from any thread), then commit().
//
// Layout is deterministic: tensors sorted by name (bytewise), header keys in that order, __metadata__ first with
// sorted keys, header padded with spaces to a multiple of 8 bytes. Nothing else (no time, path, thread count)
// enters the bytes.
//
// Crash safety: the bytes go to `.NAME.aqtmp-<random>` in the destination's directory (a directory of that name
// for shards); commit() fsyncs the file(s), renames onto NAME and fsyncs the parent directory. If the writer is
// destroyed without commit() or any step fails, the temporary is removed and NAME is untouched.
//
// Sharding: when options.max_shard_bytes > 0 and the tensors' bytes exceed it, NAME becomes a directory holding
// `<stem>-00001-of-0000K.safetensors` shards (tensors in name order, each shard's data at most max_shard_bytes
// unless one tensor alone is larger) and `<stem>.safetensors.index.json` {metadata: {total_size}, weight_map}.
// Global metadata goes into every shard; tensor metadata into the shard holding that tensor.
//
// Fault injection (builds with AQ_FAULT_INJECTION only): AQ_FAULT_WRITE_AFTER_BYTES=N makes the writer's writes
// fail once N bytes were written by it, with errno AQ_FAULT_ERRNO (ENOSPC or EIO; default EIO).
struct WriterOptions {
  uint64_t max_shard_bytes = 0;        // 0: always one file
  bool overwrite = false;              // replace an existing NAME (else Status::invalid_argument at begin())
  std::string shard_stem = "model";    // shard and index file names
  // Tensor data through O_DIRECT (aligned staging blocks) or the page cache; the bytes are the same either way.
  IoMode io_mode = IoMode::automatic;
  // Streaming layout (single file only): > 0 reserves this many bytes (rounded up to a multiple of 8) for the
  // header JSON. Tensors may then also be declared after begin(), each placed right after the previous one in
  // the order declared, and metadata may be set until commit(), which writes the header into the reserved space
  // padded with spaces (Status::internal if it does not fit). Lets a producer write each tensor as soon as it
  // exists, before the sizes of the later ones are known.
  uint64_t header_reserve = 0;
  // The expected data size for io_mode auto when the tensors are not all declared at begin().
  uint64_t size_hint = 0;
  // Asked between write chunks (on the writing thread); returning true stops the write with Status::cancelled.
  std::function<bool()> cancelled;
};

class Writer {
 public:
  explicit Writer(std::string path, WriterOptions options = {});
  ~Writer();  // abort() unless committed
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Before begin(). Names must be unique, non-empty, valid UTF-8, not "__metadata__", at most kMaxNameBytes.
  void set_metadata(const std::string& key, const std::string& value);
  void set_tensor_metadata(const std::string& tensor, const std::string& key, const std::string& value);
  void declare(const std::string& name, const std::string& dtype, const std::vector<uint64_t>& shape);
  void declare(const std::string& name, DType dtype, const std::vector<uint64_t>& shape);

  // Optional, before begin() (which does it otherwise): check the output path now and hold its place. Removes
  // the provably stale temporaries of an interrupted earlier run writing the same path (a moved-aside old output
  // is restored, never deleted; see notes()), refuses an existing output unless overwrite, and creates the
  // locked temporary file, so that a missing parent, a parent that is a file or an unwritable directory fails
  // before any work. The temporaries are locked (flock) until commit() or abort().
  void reserve();
  // What reserve() did about leftovers of an earlier run, one line each.
  const std::vector<std::string>& notes() const;

  // Before begin(): set WriterOptions::header_reserve and size_hint (decided after the writer was created).
  void set_streaming_layout(uint64_t header_reserve, uint64_t size_hint);
  // Fix the layout, create the temporary file(s) and write the headers.
  void begin();
  // Append `bytes` bytes to tensor `name` (after begin()). Thread-safe for different tensors.
  void write(const std::string& name, const void* data, uint64_t bytes);
  // Every tensor must be complete. fsync, rename, fsync directory.
  void commit();
  // Remove the temporary file(s). Idempotent; never throws.
  void abort() noexcept;

  bool sharded() const;                          // after begin()
  std::vector<std::string> output_files() const; // after begin(): final paths of the files (index last)
  uint64_t bytes_written() const;
  // After begin(): whether the data went (or goes) through O_DIRECT, and why not where it was asked for.
  bool direct_io() const;
  const std::vector<std::string>& io_notes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The temporary-name marker, for tools that list or clean leftovers of a crash: `.NAME.aqtmp-<random>`.
constexpr const char* kTempMarker = ".aqtmp-";
bool is_temporary_name(std::string_view file_name);

// Metadata keys written by ArrowQuant into __metadata__ (docs/format.md).
constexpr const char* kFormatKey = "arrowquant.format";
constexpr const char* kFormatVersion = "1";
constexpr const char* kVersionKey = "arrowquant.version";

}  // namespace aq::st
