#include "PythonTargets.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

#include <climits>

namespace procsan {
namespace tools {

PythonTargets::PythonTargets() {
  for (unsigned m = kOldest; m <= kNewest; ++m)
    minors.insert(m);
}

std::set<std::string> PythonTargets::defaultStartMethods() const {
  std::set<std::string> out;
  for (unsigned m : minors) {
    if (onLinux)
      out.insert(m < 14 ? "fork" : "forkserver");
    if (onMacos)
      out.insert(m < 8 ? "fork" : "spawn");
    if (onWindows)
      out.insert("spawn");
  }
  return out;
}

namespace {

struct Version {
  unsigned part[3] = {0, 0, 0};
  unsigned count = 0; // parts given
  bool star = false;  // "3.11.*"
};

bool parseVersion(llvm::StringRef text, Version &v) {
  text = text.trim();
  if (text.consume_front("v"))
    text = text.trim();
  llvm::SmallVector<llvm::StringRef, 4> parts;
  text.split(parts, '.');
  for (llvm::StringRef p : parts) {
    if (v.star)
      return false; // '*' only last
    if (p == "*") {
      v.star = true;
      continue;
    }
    // Pre-, post- and dev-releases ("3.13.0rc1", "3.12.post1") are read as their release.
    size_t digits = 0;
    while (digits < p.size() && llvm::isDigit(p[digits]))
      ++digits;
    unsigned n;
    if (digits == 0 || p.take_front(digits).getAsInteger(10, n))
      return false;
    if (v.count < 3)
      v.part[v.count] = n;
    ++v.count;
    if (digits != p.size())
      break;
  }
  return v.count > 0;
}

// The patch releases of 3.minor a clause lets through: [lo, hi], empty when lo > hi.
struct Range {
  long lo = 0, hi = LONG_MAX;
};

int compareMinor(unsigned major, unsigned minor, const Version &v) {
  unsigned a[2] = {major, minor};
  for (unsigned i = 0; i < 2; ++i) {
    if (i >= v.count)
      return 0;
    if (a[i] != v.part[i])
      return a[i] < v.part[i] ? -1 : 1;
  }
  return 0;
}

// Narrows r (the patches of 3.minor) by one clause.
void apply(const std::string &op, const Version &v, unsigned minor, Range &r) {
  int c = compareMinor(3, minor, v);
  long patch = v.count >= 3 ? (long)v.part[2] : 0;
  bool minorOnly = v.count < 3; // "3.11" compares as 3.11.0
  auto none = [&]() { r.lo = 1, r.hi = 0; };
  if (op == ">=" || op == ">") {
    if (c < 0)
      none();
    else if (c == 0 && v.count >= 2)
      r.lo = std::max(r.lo, patch + (op == ">" ? 1 : 0));
  } else if (op == "<=" || op == "<") {
    if (c > 0)
      none();
    else if (c == 0 && v.count >= 2)
      r.hi = std::min(r.hi, patch - (op == "<" ? 1 : 0));
  } else if (op == "==" || op == "===") {
    if (c != 0)
      none();
    else if (!v.star && v.count >= 2) {
      r.lo = std::max(r.lo, patch);
      r.hi = std::min(r.hi, minorOnly ? 0 : patch);
    }
  } else if (op == "!=") {
    if (c == 0 && (v.star || v.count < 2))
      none();
    else if (c == 0 && r.lo == r.hi && r.lo == patch)
      none();
  } else if (op == "~=") { // ~=3.9: >=3.9, ==3.*; ~=3.9.2: >=3.9.2, ==3.9.*
    Version prefix = v;
    prefix.count = v.count - 1;
    prefix.star = true;
    apply(">=", v, minor, r);
    apply("==", prefix, minor, r);
  }
}

} // namespace

bool parseVersionSpec(const std::string &spec, PythonTargets &targets, std::string &error) {
  llvm::SmallVector<llvm::StringRef, 4> clauses;
  llvm::StringRef(spec).split(clauses, ',');
  struct Clause {
    std::string op;
    Version v;
  };
  std::vector<Clause> parsed;
  for (llvm::StringRef c : clauses) {
    c = c.trim();
    if (c.empty())
      continue;
    Clause cl;
    for (const char *op : {"===", "~=", "==", "!=", "<=", ">=", "<", ">"})
      if (c.consume_front(op)) {
        cl.op = op;
        break;
      }
    if (cl.op.empty())
      cl.op = "=="; // "3.12": that version
    if (!parseVersion(c, cl.v) || (cl.v.star && cl.op != "==" && cl.op != "!=") ||
        (cl.op == "~=" && cl.v.count < 2)) {
      error = "'" + spec + "' is not a version specifier like \">=3.9\" or \">=3.10,<3.14\"";
      return false;
    }
    parsed.push_back(cl);
  }
  if (parsed.empty()) {
    error = "'" + spec + "' is not a version specifier like \">=3.9\" or \">=3.10,<3.14\"";
    return false;
  }
  std::set<unsigned> minors;
  for (unsigned m = 0; m <= PythonTargets::kNewest + 1; ++m) {
    Range r;
    for (const Clause &c : parsed)
      apply(c.op, c.v, m, r);
    if (r.lo <= r.hi)
      minors.insert(std::min(m, PythonTargets::kNewest)); // later ones behave as the newest
  }
  if (minors.empty()) {
    error = "'" + spec + "' matches no Python 3 version";
    return false;
  }
  targets.minors = std::move(minors);
  return true;
}

bool parsePlatforms(const std::string &list, PythonTargets &targets, std::string &error) {
  llvm::SmallVector<llvm::StringRef, 4> names;
  llvm::StringRef(list).split(names, ',');
  targets.onLinux = targets.onMacos = targets.onWindows = false;
  bool any = false;
  for (llvm::StringRef n : names) {
    std::string name = n.trim().lower();
    if (name.empty())
      continue;
    if (name == "linux")
      targets.onLinux = true;
    else if (name == "macos" || name == "darwin")
      targets.onMacos = true;
    else if (name == "windows" || name == "win32")
      targets.onWindows = true;
    else {
      error = "unknown platform '" + n.trim().str() + "' (linux, macos or windows)";
      return false;
    }
    any = true;
  }
  if (!any) {
    error = "no platform named (linux, macos, windows)";
    return false;
  }
  return true;
}

} // namespace tools
} // namespace procsan
