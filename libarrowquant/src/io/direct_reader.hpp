// Reading byte ranges of input files with O_DIRECT into one reused, aligned buffer. In a virtual machine that
// faults every new page-cache page in from its host, a cold model file read through its memory map arrives at
// about half the rate the disk delivers to O_DIRECT (docs/benchmarks.md "End to end"); this reader gets the
// disk's rate and keeps the buffer's pages, already faulted in, from one tensor to the next. (Reading the next
// tensor in the background while one is quantized was measured slower on that disk, and needs a second buffer.)
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace aq::io {

class DirectReader {
 public:
  DirectReader() = default;
  ~DirectReader();
  DirectReader(const DirectReader&) = delete;
  DirectReader& operator=(const DirectReader&) = delete;

  // Bytes [offset, offset + bytes) of the file at path, valid until the next call; nullptr when the file cannot
  // be opened with O_DIRECT or a read fails (the caller then reads through its mapping: same bytes).
  const uint8_t* read(const std::string& path, uint64_t offset, uint64_t bytes);

 private:
  std::map<std::string, int> fds_;  // -1: O_DIRECT refused for that file
  uint8_t* buf_ = nullptr;
  uint64_t cap_ = 0;
};

}  // namespace aq::io
