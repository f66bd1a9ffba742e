#include "lab/cli/text.hpp"

#include <algorithm>
#include <cstdio>

namespace smx::cli {

std::string cat(std::initializer_list<std::string_view> pieces) {
  std::size_t n = 0;
  for (const std::string_view p : pieces) n += p.size();
  std::string out;
  out.reserve(n);
  for (const std::string_view p : pieces) out.append(p);
  return out;
}

std::string quote(std::string_view text, std::size_t max_chars) {
  std::string out = "'";
  std::size_t shown = 0;
  for (const char ch : text) {
    if (shown == max_chars) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\x%02x", c);
      out += esc;
    } else {
      out += ch;
    }
    ++shown;
  }
  out += '\'';
  return out;
}

std::size_t display_width(std::string_view text) {
  // Every byte except UTF-8 continuation bytes (10xxxxxx) starts a code point.
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

void Table::write(std::ostream& out, std::string_view indent) const {
  std::vector<std::size_t> width;
  for (const auto& row : rows_) {
    if (row.size() > width.size()) width.resize(row.size(), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], display_width(row[c]));
  }
  std::string line;
  for (const auto& row : rows_) {
    line.assign(indent);
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::size_t pad = width[c] - display_width(row[c]);
      const bool right = c < align_.size() && align_[c] == Align::right;
      if (c > 0) line += "  ";
      if (right) line.append(pad, ' ');
      line += row[c];
      if (!right) line.append(pad, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    line += '\n';
    out << line;
  }
}

void write_wrapped(std::ostream& out, const Column& labels, const std::vector<ColumnGroup>& groups,
                   std::size_t max_width, std::string_view indent) {
  const auto width_of = [](const Column& c) {
    std::size_t w = 0;
    for (const std::string& cell : c.cells) w = std::max(w, display_width(cell));
    return w;
  };
  const std::size_t base = indent.size() + width_of(labels);
  std::size_t g = 0;
  bool first_block = true;
  do {
    // Take groups while they fit; always at least one, so a huge cell still prints.
    std::vector<const Column*> cols{&labels};
    std::size_t width = base;
    for (; g < groups.size(); ++g) {
      std::size_t w = 0;
      for (const Column& c : groups[g]) w += 2 + width_of(c);
      if (cols.size() > 1 && width + w > max_width) break;
      width += w;
      for (const Column& c : groups[g]) cols.push_back(&c);
    }
    std::vector<Table::Align> align;
    for (const Column* c : cols) align.push_back(c->align);
    Table t(std::move(align));
    for (std::size_t line = 0; line < labels.cells.size(); ++line) {
      std::vector<std::string> row;
      for (const Column* c : cols) row.push_back(line < c->cells.size() ? c->cells[line] : std::string());
      t.add(std::move(row));
    }
    if (!first_block) out << '\n';
    t.write(out, indent);
    first_block = false;
  } while (g < groups.size());
}

}  // namespace smx::cli
