// Thin wrappers over POSIX files: a read-only mapping for the reader, path queries, and what the atomic writer
// (atomic_output.hpp) needs besides writing: directory fsync and removal of a temporary directory.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace aq::io {

std::string errno_text(int err);

// A regular file opened read-only and mapped whole (PROT_READ, MAP_PRIVATE). Status::io on failure.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  const uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }
  int fd() const { return fd_; }
  // pread exactly `bytes` at `offset` (Status::io on error or short file).
  void pread_exact(uint64_t offset, void* dst, uint64_t bytes) const;
  // MADV_DONTNEED on the whole pages inside [offset, offset + bytes).
  void drop_pages(uint64_t offset, uint64_t bytes) const;

 private:
  std::string path_;
  int fd_ = -1;
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

// Read a whole (small) file into memory, refusing files larger than max_bytes (Status::format naming the cap).
std::string read_small_file(const std::string& path, uint64_t max_bytes);

enum class PathKind { missing, file, directory, other };
PathKind path_kind(const std::string& path);
std::string parent_dir(const std::string& path);   // "." for a bare name
std::string base_name(const std::string& path);
std::string join(const std::string& dir, const std::string& name);
std::vector<std::string> list_dir(const std::string& dir);  // names, sorted; Status::io on failure

void fsync_dir(const std::string& dir);           // Status::io on failure
void remove_tree(const std::string& path) noexcept;  // best effort, for temporaries we created

}  // namespace aq::io
