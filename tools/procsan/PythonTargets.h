// The Python versions and platforms a project targets, and the start method multiprocessing uses
// when the code chooses none: fork on Linux before 3.14 and forkserver from 3.14; spawn on macOS
// from 3.8 (fork before) and on Windows. Findings of the Python checker that rest on that default
// (an unguarded spawn, a Process target pickled, a fork while threads run) hold only for the
// targets whose default makes them true (docs/user-guide.md, "Python versions and platforms").
#ifndef PROCSAN_TOOLS_PYTHONTARGETS_H
#define PROCSAN_TOOLS_PYTHONTARGETS_H

#include <set>
#include <string>

namespace procsan {
namespace tools {

struct PythonTargets {
  // Minor versions of Python 3 targeted; kNewest stands for itself and every later version.
  std::set<unsigned> minors;
  bool onLinux = true, onMacos = true, onWindows = true;
  std::string versionsFrom; // "PythonVersions in F", "requires-python in F", or "" (default)

  static constexpr unsigned kOldest = 8, kNewest = 14;
  PythonTargets(); // 3.8 to 3.14 on every platform

  // The default start methods over every targeted version and platform.
  std::set<std::string> defaultStartMethods() const;
};

// Sets the targeted minor versions from a PEP 440 specifier ("~=3.9", ">=3.10,<3.14", "3.12",
// "==3.11.*"; a bare version means '=='). A minor is targeted when some release 3.N.P satisfies
// every clause. False with `error` for a specifier that is not one, or that matches no version.
bool parseVersionSpec(const std::string &spec, PythonTargets &targets, std::string &error);
// "linux, macos" (also darwin, win32, windows); false with `error` for an unknown name or none.
bool parsePlatforms(const std::string &list, PythonTargets &targets, std::string &error);

} // namespace tools
} // namespace procsan

#endif
