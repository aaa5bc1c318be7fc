// PROCSAN_OPTIONS: the runtime without the `procsan run` wrapper. The first process (the root)
// creates a private session directory; when it exits, it runs `procsan report` on it out of
// process (found next to this library) and waits for it. Nothing here runs on a hot path.
#ifndef PROCSAN_RT_OPTIONS_H
#define PROCSAN_RT_OPTIONS_H

#include <stddef.h>

namespace procsan {
namespace rt {

// With PROCSAN_OPTIONS set and no session given: parses the options (one-line warnings for
// unknown keys or bad values), creates the session directory and makes this process its root.
// Writes the directory into dir and returns true on success.
bool startStandaloneSession(char *dir, size_t cap);
// In a new image of an existing session: becomes the root again when this pid was the root
// before exec.
void resumeStandaloneSession(const char *dir);
// The root is calling _exit(code): reports and returns the status to exit with.
int standaloneBeforeUnderscoreExit(int code);

// Every process-shared lock acquire and release is recorded (a timeline was asked for).
extern bool gLockTracing;
// Reads whether the session asks for lock tracing (after the session directory is known).
void readLockTracing(const char *dir);

} // namespace rt
} // namespace procsan

#endif
