// Whether the runtime can be preloaded into a program at all: the dynamic loader ignores
// LD_PRELOAD for statically linked executables (there is no loader) and for setuid/setgid ones
// that change the user or group (secure-execution mode).
#ifndef PROCSAN_TOOLS_TRACEABLE_H
#define PROCSAN_TOOLS_TRACEABLE_H

#include <string>

namespace procsan {
namespace tools {

// Why PROGRAM (a path, or a name looked up in PATH as execvp does) cannot be traced; empty when
// it can, or when it cannot be examined (the exec then reports the problem itself). A script's
// interpreter is examined in its place.
std::string untraceableReason(const std::string &program);

} // namespace tools
} // namespace procsan

#endif
