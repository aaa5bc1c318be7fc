// Stacks of threads that are blocked where the runtime does not intercept (pipe reads and
// writes, waitpid, poll, private futexes). Taken from the monitor at diagnosis time only: the
// thread is stopped with ptrace (PTRACE_SEIZE + PTRACE_INTERRUPT, no signal is sent), unwound
// with libunwind-ptrace, and detached at once. Only threads whose system call the kernel
// restarts transparently after such a stop are touched; the others are reported without a stack.
#ifndef PROCSAN_MONITOR_THREADSTACK_H
#define PROCSAN_MONITOR_THREADSTACK_H

#include "monitor/procfs.h"
#include "monitor/report.h"

#include <string>
#include <vector>

namespace procsan {
namespace monitor {

// True when stopping the thread in its current system call cannot change what the program
// sees (no EINTR, no short write); otherwise why not.
bool stopIsTransparent(const ProcessSnapshot &p, const ThreadSnapshot &t, std::string &whyNot);

struct ThreadStack {
  bool ok = false;
  std::string whyNot; // when !ok: "ptrace denied (Operation not permitted)", ...
  Stack stack;
  bool died = false; // the thread's process ended while it was attached (status in exitStatus)
  int exitStatus = 0;
};

// Stops, unwinds and detaches one thread of a live process. Signals that arrive meanwhile are
// passed on at detach.
// With proc, the model's view of the process: a CPython process gets its Python frames too.
ThreadStack takeThreadStack(const ProcessSnapshot &p, const ThreadSnapshot &t,
                            const Process *proc = nullptr);

// Gives every event of the findings that names a blocked thread of the tree and has no stack yet
// the thread's current stack, or says in the event why there is none. Threads whose process
// ended meanwhile are returned as (pid, wait status) for the caller that reaps them.
void addBlockedStacks(std::vector<Finding> &findings, const TreeSnapshot &tree,
                      const SessionModel &model, std::vector<std::pair<int, int>> &ended);

} // namespace monitor
} // namespace procsan

#endif
