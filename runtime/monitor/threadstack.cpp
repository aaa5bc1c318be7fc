#include "monitor/threadstack.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef PROCSAN_HAVE_UNWIND_PTRACE
#include <libunwind-ptrace.h>
#endif

#include "rt/python/pyframes.h"

namespace procsan {
namespace monitor {

namespace {

// Linux guarantees that a pipe write of at most PIPE_BUF bytes is atomic: while it waits for
// room it has written nothing, so an interrupted one restarts from scratch.
constexpr uint64_t kPipeBuf = 4096;
constexpr size_t kMaxUnwound = 64; // native frames of a stopped thread

std::string fdTarget(const ProcessSnapshot &p, int fd) {
  for (const FdSnapshot &f : p.fds)
    if (f.fd == fd)
      return f.target;
  return "";
}

bool isPipe(const std::string &target) { return target.rfind("pipe:", 0) == 0; }

std::vector<Module> readMaps(int pid) {
  std::vector<Module> out;
  std::ifstream in("/proc/" + std::to_string(pid) + "/maps");
  std::string line;
  while (std::getline(in, line)) {
    unsigned long long start, end, offset;
    char perms[8];
    int pathAt = 0;
    if (sscanf(line.c_str(), "%llx-%llx %7s %llx %*s %*s %n", &start, &end, perms, &offset,
               &pathAt) < 4 ||
        pathAt <= 0 || (size_t)pathAt >= line.size() || line[(size_t)pathAt] != '/')
      continue;
    out.push_back(Module{start, end, offset, line.substr((size_t)pathAt)});
  }
  return out;
}

std::string readLine(const std::string &path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

#ifdef PROCSAN_HAVE_UNWIND_PTRACE
// Waits (bounded) for the interrupted thread to report a stop or its end.
bool waitForStop(int tid, int &status) {
  for (int i = 0; i < 1000; ++i) {
    pid_t r = waitpid(tid, &status, __WALL | WNOHANG);
    if (r == tid)
      return true;
    if (r < 0 && errno != EINTR)
      return false;
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, nullptr);
  }
  return false;
}

std::vector<uint64_t> unwind(int tid) {
  std::vector<uint64_t> pcs;
  unw_addr_space_t as = unw_create_addr_space(&_UPT_accessors, 0);
  if (!as)
    return pcs;
  void *ui = _UPT_create(tid);
  unw_cursor_t cursor;
  if (ui && unw_init_remote(&cursor, as, ui) == 0) {
    do {
      unw_word_t ip = 0;
      if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0)
        break;
      pcs.push_back((uint64_t)ip);
    } while (pcs.size() < kMaxUnwound && unw_step(&cursor) > 0);
  }
  if (ui)
    _UPT_destroy(ui);
  unw_destroy_addr_space(as);
  return pcs;
}
#endif

// The Python frames of a stopped thread of a CPython process whose runtime recorded where its
// interpreter is (EvPyInfo): the thread is known to the interpreter by its pthread_self(), which
// on x86-64 is the thread's fs base.
void addPythonFrames(const Process &proc, int tid, Stack &st) {
#if defined(__x86_64__)
  if (proc.python.status != 1 || !proc.python.runtime)
    return;
  struct user_regs_struct regs;
  if (ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0 || regs.fs_base == 0)
    return;
  rt::py::Remote target;
  target.version = proc.python.version;
  target.runtime = proc.python.runtime;
  target.codeType = proc.python.codeType;
  target.unicodeType = proc.python.unicodeType;
  target.bytesType = proc.python.bytesType;
  target.frameType = proc.python.frameType;
  rt::py::Frame frames[64];
  int n = rt::py::captureRemoteThread(proc.pid, target, regs.fs_base, frames, 64);
  std::map<uint64_t, std::pair<std::string, std::string>> names;
  for (int i = 0; i < n; ++i) {
    auto it = names.find(frames[i].code);
    if (it == names.end()) {
      char file[512], name[256];
      int32_t first = 0;
      if (!rt::py::remoteCodeStrings(proc.pid, target, frames[i].code, file, sizeof(file), name,
                                     sizeof(name), &first))
        file[0] = name[0] = 0;
      it =
          names.emplace(frames[i].code, std::make_pair(std::string(file), std::string(name))).first;
    }
    PyFrame f;
    f.file = it->second.first;
    f.function = it->second.second.empty() ? "?" : it->second.second;
    f.line = frames[i].line;
    f.evalEntry = (frames[i].flags & rt::py::kEvalEntry) != 0;
    st.python.push_back(std::move(f));
    st.pythonEntriesKnown = (frames[0].flags & rt::py::kEvalKnown) != 0;
  }
#else
  (void)proc;
  (void)tid;
  (void)st;
#endif
}

} // namespace

bool stopIsTransparent(const ProcessSnapshot &p, const ThreadSnapshot &t, std::string &whyNot) {
  if (t.state != 'S') {
    whyNot = "thread not in an interruptible sleep";
    return false;
  }
#if defined(__x86_64__)
  const uint64_t *a = t.args;
  switch (t.syscall) {
  case 0:  // read
  case 19: // readv: a blocked read of a pipe has consumed nothing yet
    if (isPipe(fdTarget(p, (int)a[0])))
      return true;
    whyNot = "stopping a socket read could end it with EINTR";
    return false;
  case 1: // write
    if (isPipe(fdTarget(p, (int)a[0])) && a[2] <= kPipeBuf)
      return true;
    whyNot = "stopping a partly done write would make it return short";
    return false;
  case 7:        // poll
  case 23:       // select
  case 270:      // pselect6
  case 271:      // ppoll
  case 61:       // wait4
  case 247:      // waitid
  case 34:       // pause
  case 130:      // rt_sigsuspend
  case 35:       // nanosleep
  case 230:      // clock_nanosleep
  case 242:      // mq_timedsend
  case 243:      // mq_timedreceive
    return true; // restarted by the kernel (ERESTARTSYS, ERESTARTNOHAND or a restart block)
  case 202: {    // futex
    int op = (int)(a[1] & 0x7f);
    if (op == 0 /*WAIT*/ || op == 9 /*WAIT_BITSET*/ || op == 6 /*LOCK_PI*/)
      return true;
    whyNot = "futex operation " + std::to_string(op);
    return false;
  }
  default:
    // semop, epoll_wait, sigtimedwait and friends fail with EINTR after a stop (signal(7)).
    whyNot = "stopping this system call could end it with EINTR";
    return false;
  }
#else
  (void)p;
  whyNot = "not supported on this architecture";
  return false;
#endif
}

ThreadStack takeThreadStack(const ProcessSnapshot &p, const ThreadSnapshot &t,
                            const Process *proc) {
  ThreadStack out;
#ifdef PROCSAN_HAVE_UNWIND_PTRACE
  // The thread must still be where the diagnosis saw it.
  ThreadSnapshot now;
  std::string base = "/proc/" + std::to_string(p.pid) + "/task/" + std::to_string(t.tid);
  if (!parseSyscallLine(readLine(base + "/syscall"), now) || now.syscall != t.syscall ||
      std::memcmp(now.args, t.args, sizeof(now.args)) != 0) {
    out.whyNot = "the thread moved on";
    return out;
  }
  if (ptrace(PTRACE_SEIZE, t.tid, nullptr, nullptr) != 0) {
    out.whyNot = std::string("ptrace denied (") + strerror(errno) + ")";
    return out;
  }
  if (ptrace(PTRACE_INTERRUPT, t.tid, nullptr, nullptr) != 0) {
    out.whyNot = std::string("ptrace interrupt failed (") + strerror(errno) + ")";
    ptrace(PTRACE_DETACH, t.tid, nullptr, nullptr);
    return out;
  }
  int status = 0;
  if (!waitForStop(t.tid, status)) {
    // Left attached: the kernel detaches when procsan ends.
    out.whyNot = "the thread did not stop";
    return out;
  }
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    out.died = true;
    out.exitStatus = status;
    out.whyNot = "the process ended";
    return out;
  }
  // A signal that arrived meanwhile stops the thread for delivery first: hand it back at detach.
  int pass = 0;
  if (WIFSTOPPED(status) && (status >> 16) != PTRACE_EVENT_STOP)
    pass = WSTOPSIG(status);
  std::vector<uint64_t> pcs = unwind(t.tid);
  if (proc)
    addPythonFrames(*proc, t.tid, out.stack);
  ptrace(PTRACE_DETACH, t.tid, nullptr, (void *)(long)pass);
  if (pcs.empty()) {
    out.whyNot = "the stack could not be unwound";
    return out;
  }
  std::vector<Module> maps = readMaps(p.pid);
  for (size_t i = 0; i < pcs.size(); ++i) {
    Frame f;
    f.pc = pcs[i];
    f.returnAddress = i > 0;
    for (const Module &m : maps)
      if (f.pc >= m.start && f.pc < m.end) {
        f.module = m.path;
        f.fileOffset = f.pc - m.start + m.fileOffset;
        break;
      }
    if (isRuntimeModule(f.module)) // an interceptor calling through: noise to the user
      continue;
    f.interpreter = proc && !proc->python.module.empty() && f.module == proc->python.module;
    f.evalLoop = proc && proc->python.inEvalLoop(f.pc, f.returnAddress);
    if (f.evalLoop)
      f.function = "_PyEval_EvalFrameDefault"; // the symbolizer may say more
    out.stack.frames.push_back(std::move(f));
  }
  linkPythonFrames(out.stack, pcs.size() >= kMaxUnwound);
  out.ok = true;
#else
  (void)p;
  (void)t;
  (void)proc;
  out.whyNot = "procsan was built without libunwind-ptrace";
#endif
  return out;
}

void addBlockedStacks(std::vector<Finding> &findings, const TreeSnapshot &tree,
                      const SessionModel &model, std::vector<std::pair<int, int>> &ended) {
  std::map<int, ThreadStack> taken; // by tid: a thread named by several findings is stopped once
  for (Finding &f : findings) {
    for (FindingEvent &e : f.events) {
      if (e.tid <= 0 || !e.stack.frames.empty())
        continue;
      auto pit = tree.processes.find(e.pid);
      if (pit == tree.processes.end())
        continue;
      const ProcessSnapshot &p = pit->second;
      const ThreadSnapshot *t = nullptr;
      for (const ThreadSnapshot &th : p.threads)
        if (th.tid == e.tid)
          t = &th;
      if (!t || t->syscall < 0)
        continue;
      auto it = taken.find(e.tid);
      if (it == taken.end()) {
        ThreadStack s;
        if (stopIsTransparent(p, *t, s.whyNot))
          s = takeThreadStack(p, *t, model.find(p.pid));
        if (s.died && e.tid == p.pid)
          ended.push_back({p.pid, s.exitStatus});
        it = taken.emplace(e.tid, std::move(s)).first;
      }
      if (it->second.ok)
        e.stack = it->second.stack;
      else
        e.what += " (no stack: " + it->second.whyNot + ")";
    }
  }
}

} // namespace monitor
} // namespace procsan
