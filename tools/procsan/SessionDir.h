// The session directory of `procsan run`: where every traced process writes its log. Its
// contents are written by the traced program (untrusted), and its place is chosen from the
// environment (PROCSAN_TMPDIR, TMPDIR), which may point somewhere unusable or hostile.
#ifndef PROCSAN_TOOLS_SESSIONDIR_H
#define PROCSAN_TOOLS_SESSIONDIR_H

#include "monitor/model.h"

#include <string>

namespace procsan {
namespace tools {

// The longest session path the runtime accepts (its buffer, less the NUL).
constexpr size_t kMaxSessionPath = 511;

// Creates a private (0700) directory of this user's, never through a symlink, in the first
// usable base of PROCSAN_TMPDIR, /dev/shm, TMPDIR, /tmp; warns on stderr about a base the user
// set that cannot be used. Returns "" (errno set) when no base works.
std::string makeSessionDir();

// Removes the directory and what the processes left in it, never following a symlink.
void removeSessionDir(const std::string &dir);

// Warnings for what the trace is missing: the directory gone (the program removed it), events
// dropped by full logs or a full file system, forked processes that could not open a log.
// Empty when nothing was lost.
std::string traceLossWarnings(const std::string &dir, const monitor::SessionModel &model);

} // namespace tools
} // namespace procsan

#endif
