// Storage of the per-process log, made safe against what the traced program and its environment
// may do to it: a session directory replaced by a symlink or by someone else's directory, a file
// size limit (RLIMIT_FSIZE) that would kill the program with SIGXFSZ, and a file system that fills
// up (a write to a page of a full tmpfs would kill the program with SIGBUS). Raw system calls only.
#ifndef PROCSAN_RT_LOGFILE_H
#define PROCSAN_RT_LOGFILE_H

#include <stddef.h>
#include <stdint.h>

namespace procsan {
namespace rt {

// Opens the session directory itself (never through a symlink) and checks it is ours and private
// (owned by this user, no access for others). Returns a directory fd (O_CLOEXEC) or -1.
int openSessionDirectory(const char *dir);

// The number of record slots a new log may have without exceeding RLIMIT_FSIZE: wanted, fewer,
// or 0 when not even a small log fits.
uint32_t capacityWithinFileLimit(uint32_t wanted);

// Makes the pages of [offset, offset+length) of a shared log mapping real before they are written,
// so a full file system is an error here instead of SIGBUS later. False when the storage is not
// there; true when it is, or when this kernel cannot tell (no MADV_POPULATE_WRITE).
bool backLogRange(void *base, size_t offset, size_t length);

} // namespace rt
} // namespace procsan

#endif
