// Internal interface of the preloaded runtime (libprocsan-rt.so).
// Everything here may run in the child of fork or in a signal handler: it uses raw system calls
// and plain static state only, never malloc, locks or stdio.
#ifndef PROCSAN_RT_RUNTIME_H
#define PROCSAN_RT_RUNTIME_H

#include "trace/format.h"

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROCSAN_INTERCEPTOR extern "C" __attribute__((visibility("default")))

namespace procsan {
namespace rt {

// Resolves the next definition of NAME (the one the program would have called), once.
void *resolveNext(const char *name);

#define PROCSAN_REAL(name, ...)                                                                    \
  using RealFn = __VA_ARGS__;                                                                      \
  static RealFn real = nullptr;                                                                    \
  if (!real)                                                                                       \
    real = reinterpret_cast<RealFn>(::procsan::rt::resolveNext(name));

// True once the runtime has a log to write to (inside `procsan run`, or with PROCSAN_SESSION set).
bool active();

// "LD_PRELOAD=..." and "PROCSAN_SESSION=..." as this process got them (null when not traced):
// exec interceptors put them back into environments that dropped them.
const char *preloadEntry();
const char *sessionEntry();

// True while this thread takes a stack with libunwind: libunwind makes a pipe of its own then
// (to test addresses before it reads them), which must not take the program's low fds.
bool unwinding();

// Makes sure the runtime is initialised; cheap after the first call.
void ensureInit();

struct Event {
  trace::EventKind kind;
  int64_t args[6];
  const char *text;  // may be null
  size_t textLength; // 0: text is NUL-terminated; otherwise raw bytes (argv chunks)
};

// Appends one record. With a non-null context the stack is unwound from the signal frame; with
// wantStack and no context it is unwound from the caller. Async-signal-safe.
void record(const Event &ev, bool wantStack = false, void *signalContext = nullptr);

// A stack taken apart from its record. takeStack reuses the stack it took last in this thread
// when nothing on it changed (see StackCache in runtime.cpp): a process forking in a loop does
// not walk the same stack with libunwind for every fork.
struct Stack {
  uint64_t frames[trace::kMaxFrames];
  int n;
};
void takeStack(Stack &out);
void record(const Event &ev, const Stack &stack);

// A fork that saw other threads alive, and whether one happened in the last second in this
// process (thread ends are then recorded: see EvThreadEnd).
void noteThreadedFork();
bool threadedForkRecently();

// True while the log has room beyond the reserve kept for the events detectors need: events
// recorded only for the timeline (lock tracing) stop there.
bool roomForOptionalEvents();

// A fork's log for the child: the spare log the parent made after its last fork, taken by the
// forking thread just before it forks (or none).
struct ForkLog {
  trace::FileHeader *spare;
};
ForkLog claimSpareLog();
// Called in the child right after a fork the runtime saw: takes over the spare, or opens a log.
void afterForkInChild(pid_t parent, ForkLog taken);
// Called in the parent after the fork (childMade: it succeeded): lets go of the spare the child
// took (or keeps it for the next fork), and makes the next one while the child runs.
void spareAfterFork(ForkLog taken, bool childMade);

// Facts the processes of a session share by name (a semaphore known to be binary): empty files
// in the session directory. With create, records the fact; otherwise tells whether it exists.
bool sessionMark(const char *kind, const char *name, bool create);

// The in-place state area of this process's log (held locks), or null when not traced. Inline:
// every shared lock and unlock asks.
extern trace::LogState *gLogState;
inline trace::LogState *logState() { return gLogState; }
// The calling thread's id, cached (reset in the child after fork).
extern __thread int tlsTid __attribute__((tls_model("initial-exec")));
int cacheTid();
inline int currentTid() {
  int t = tlsTid;
  return t ? t : cacheTid();
}
// Reads /proc/self/maps with raw system calls; calls fn(start, end, offset, dev, inode, perms,
// path) for each line until fn returns false. Async-signal-safe.
void forEachMapping(bool (*fn)(void *ctx, uint64_t start, uint64_t end, uint64_t offset,
                               uint64_t dev, uint64_t inode, const char *perms),
                    void *ctx);

// Signal interposition (signal.cpp): installs the crash handlers once the log exists.
void installCrashHandlers();

// Resolves the real exit functions now, so that forked children do not each call dlsym.
void prepareExitFunctions();

} // namespace rt
} // namespace procsan

#endif
