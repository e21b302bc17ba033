// Plain-text tables for inspect and validate: columns padded to their widest cell, numbers right-aligned.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

namespace aqcli {

class Table {
 public:
  // right_aligned[i] says whether column i is numeric (right-aligned).
  Table(std::vector<std::string> header, std::vector<bool> right_aligned)
      : header_(std::move(header)), right_(std::move(right_aligned)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::FILE* out) const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace aqcli
