#include "table.hpp"

#include <algorithm>

namespace aqcli {

void Table::print(std::FILE* out) const {
  std::vector<std::size_t> width(header_.size(), 0);
  for (std::size_t c = 0; c < header_.size(); ++c) width[c] = header_[c].size();
  for (const auto& r : rows_)
    for (std::size_t c = 0; c < r.size() && c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());

  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (std::size_t c = 0; c < width.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      const std::string pad(width[c] - std::min(width[c], cell.size()), ' ');
      if (c) s += "  ";
      const bool last = c + 1 == width.size();
      if (c < right_.size() && right_[c])
        s += pad + cell;
      else
        s += last ? cell : cell + pad;  // no trailing blanks at the end of a line
    }
    std::fprintf(out, "%s\n", s.c_str());
  };
  line(header_);
  for (const auto& r : rows_) line(r);
}

}  // namespace aqcli
