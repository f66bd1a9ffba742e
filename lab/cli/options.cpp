#include "lab/cli/options.hpp"

#include <algorithm>
#include <cctype>

#include "lab/cli/errors.hpp"
#include "lab/cli/text.hpp"

namespace smx::cli {

bool Args::has(std::string_view option) const {
  return std::any_of(items.begin(), items.end(), [&](const Item& i) { return i.option == option; });
}

std::optional<std::string> Args::last(std::string_view option) const {
  for (auto it = items.rbegin(); it != items.rend(); ++it)
    if (it->option == option) return it->value;
  return std::nullopt;
}

std::vector<std::string> Args::all(std::string_view option) const {
  std::vector<std::string> out;
  for (const Item& i : items)
    if (i.option == option) out.push_back(i.value);
  return out;
}

std::vector<std::string> Args::positionals() const { return all(""); }

bool wants_help(std::span<const std::string_view> argv) {
  for (const std::string_view a : argv) {
    if (a == "--") return false;
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

bool looks_like_negative_number(std::string_view arg) {
  if (arg.size() < 2 || arg[0] != '-') return false;
  const char c = arg[1];
  if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return true;
  std::string rest;
  for (const char ch : arg.substr(1, 3)) rest += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return rest == "inf" || rest == "nan";
}

Args parse_args(std::span<const std::string_view> argv, std::span<const OptionSpec> specs,
                std::size_t max_positionals, std::string_view passthrough_prefix) {
  Args args;
  std::size_t positionals = 0;
  auto add_positional = [&](std::string_view a) {
    if (++positionals > max_positionals)
      throw UsageError(max_positionals == 0 ? cat({"unexpected argument ", quote(a)})
                                            : cat({"too many arguments (at ", quote(a), ")"}));
    args.items.push_back({{}, std::string(a)});
  };
  bool options_done = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string_view a = argv[i];
    if (options_done || a == "-" || a.empty() || a[0] != '-' || looks_like_negative_number(a)) {
      add_positional(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    if (!a.starts_with("--")) throw UsageError(cat({"unknown option ", quote(a)}));
    if (!passthrough_prefix.empty() && a.substr(2).starts_with(passthrough_prefix)) {
      args.passthrough.emplace_back(a);
      continue;
    }
    const std::size_t eq = a.find('=');
    const std::string_view name = a.substr(2, eq == std::string_view::npos ? std::string_view::npos : eq - 2);
    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == name; });
    if (spec == specs.end()) throw UsageError(cat({"unknown option ", quote(a.substr(0, eq))}));
    const std::string shown = cat({"'--", spec->name, "'"});
    if (spec->value_name.empty()) {
      if (eq != std::string_view::npos) throw UsageError(cat({"option ", shown, " takes no value"}));
      args.items.push_back({spec->name, {}});
    } else if (eq != std::string_view::npos) {
      args.items.push_back({spec->name, std::string(a.substr(eq + 1))});
    } else {
      // "--impl --dtype f64" is a forgotten value, not an impl named "--dtype".
      if (i + 1 == argv.size() || (argv[i + 1].starts_with("--") && argv[i + 1].size() > 2))
        throw UsageError(cat({"option ", shown, " needs a value (", spec->value_name, ")"}));
      args.items.push_back({spec->name, std::string(argv[++i])});
    }
  }
  return args;
}

std::string options_help(std::span<const OptionSpec> specs) {
  std::vector<std::pair<std::string, std::string_view>> entries;
  for (const OptionSpec& s : specs) {
    std::string left = cat({"--", s.name});
    if (!s.value_name.empty()) left.append(" ").append(s.value_name);
    entries.emplace_back(std::move(left), s.help);
  }
  entries.emplace_back("-h, --help", "show this help and exit");
  std::size_t width = 0;
  for (const auto& e : entries) width = std::max(width, e.first.size());
  std::string out = "options:\n";
  for (const auto& [left, help] : entries) {
    std::string_view rest = help;
    bool first = true;
    while (true) {
      const std::size_t nl = rest.find('\n');
      out += "  ";
      if (first) out += left;
      out.append(width - (first ? left.size() : 0) + 2, ' ');
      out += rest.substr(0, nl);
      out += '\n';
      if (nl == std::string_view::npos) break;
      rest = rest.substr(nl + 1);
      first = false;
    }
  }
  return out;
}

}  // namespace smx::cli
