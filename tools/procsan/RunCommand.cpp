// procsan run: starts PROGRAM with the runtime preloaded in its whole tree, stays the tree's
// subreaper, passes signals and the exit status through, and reports what the detectors find.
#include "Commands.h"
#include "RunReport.h"
#include "SessionDir.h"
#include "Traceable.h"
#include "monitor/detectors.h"
#include "monitor/forkbomb.h"
#include "monitor/hang.h"
#include "monitor/model.h"
#include "monitor/procfs.h"
#include "monitor/threadstack.h"
#include "monitor/timeline.h"
#include "trace/reader.h"

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <mqueue.h>
#include <poll.h>
#include <set>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

namespace procsan {
namespace tools {
namespace {

struct RunOptions {
  std::string format = "text";
  std::string output;
  std::string trace; // --trace=FILE.json
  double hangTimeout = 5.0;
  std::string onHang = "kill";
  int exitcode = -1; // -1: pass the program's status through
  std::set<std::string> rules;
  bool keepSession = false;
  bool cleanup = false;
  bool nativeFrames = false; // show the interpreter's native frames of Python stacks
  long maxProcs = -1;        // -1: monitor::defaultMaxProcs(); 0: no limit
  double maxForkRate = monitor::kDefaultMaxForkRate;
  long spillLimitMiB = 4096; // what the session's spill files may hold; -1: no limit
  std::vector<std::string> program;
};

void runUsage(FILE *to) {
  std::fprintf(
      to, "usage: procsan run [OPTIONS] -- PROGRAM [ARGS...]\n"
          "  --format=text|json|sarif report format for --output (stderr is always text)\n"
          "  --output=FILE, -o FILE also write the report to FILE\n"
          "  --trace=FILE.json      write a timeline (Chrome trace events, for Perfetto);\n"
          "                         also records every process-shared lock acquire/release\n"
          "  --hang-timeout=SECONDS how long a stuck state must last before it is "
          "reported;\n"
          "                         also how long to wait for descendants after PROGRAM "
          "exits (default 5)\n"
          "  --on-hang=report|kill  what to do with a hung tree (default kill)\n"
          "  --exitcode=N           exit with N when findings were reported\n"
          "  --rules=ID[,ID...]     report only these rules ('all': every rule, with the ones\n"
          "                         off by default: mp-lock-held-at-exit,\n"
          "                         mp-lock-order-inversion)\n"
          "  --keep-session         keep the trace directory and print its path\n"
          "  --native-frames        in Python stacks, also show the interpreter's own frames\n"
          "  --cleanup              unlink named IPC objects the tree leaked\n"
          "  --max-procs=N          stop the tree (mp-fork-bomb) when it has more than N "
          "live\n"
          "                         processes (default min(4096, RLIMIT_NPROC/2); 0: "
          "no limit)\n"
          "  --max-fork-rate=N      stop the tree when it grows by more than N live "
          "processes\n"
          "                         within one second (default 1000; 0: no limit)\n"
          "  --spill-limit=MiB      disk the trace of long-lived processes may take in the\n"
          "                         session directory (default 4096; 'none': no limit); past "
          "it,\n"
          "                         their events are dropped, counted and reported\n"
          "  --help, -h             this text\n");
}

bool parseRunOptions(const std::vector<std::string> &args, RunOptions &o, std::string &error) {
  size_t i = 0;
  auto value = [&](const std::string &arg, const std::string &name, std::string &out) {
    std::string prefix = name + "=";
    if (arg.rfind(prefix, 0) == 0) {
      out = arg.substr(prefix.size());
      return true;
    }
    if (arg == name && i + 1 < args.size()) {
      out = args[++i];
      return true;
    }
    return false;
  };
  for (; i < args.size(); ++i) {
    const std::string &a = args[i];
    std::string v;
    if (a == "--") {
      ++i;
      break;
    }
    if (a.empty() || a[0] != '-')
      break;
    if (value(a, "--format", v)) {
      if (!reportFormat(v, o.format, error))
        return false;
    } else if (value(a, "--output", v) || value(a, "-o", v)) {
      o.output = v;
    } else if (value(a, "--trace", v)) {
      o.trace = v;
    } else if (value(a, "--hang-timeout", v)) {
      char *end = nullptr;
      o.hangTimeout = std::strtod(v.c_str(), &end);
      if (!end || *end || o.hangTimeout < 0) {
        error = "bad --hang-timeout '" + v + "'";
        return false;
      }
    } else if (value(a, "--on-hang", v)) {
      if (v != "report" && v != "kill") {
        error = "bad --on-hang '" + v + "' (report or kill)";
        return false;
      }
      o.onHang = v;
    } else if (value(a, "--exitcode", v)) {
      char *end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (!end || *end || n < 0 || n > 255) {
        error = "bad --exitcode '" + v + "' (0-255)";
        return false;
      }
      o.exitcode = (int)n;
    } else if (value(a, "--rules", v)) {
      size_t start = 0;
      while (start <= v.size()) {
        size_t comma = v.find(',', start);
        std::string id =
            v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (id == "all") // every rule, the ones off by default included
          for (const std::string &r : monitor::allRuntimeRules())
            o.rules.insert(r);
        else if (!id.empty())
          o.rules.insert(id);
        if (comma == std::string::npos)
          break;
        start = comma + 1;
      }
    } else if (value(a, "--max-procs", v)) {
      char *end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || !end || *end || n < 0) {
        error = "bad --max-procs '" + v + "'";
        return false;
      }
      o.maxProcs = n;
    } else if (value(a, "--max-fork-rate", v)) {
      char *end = nullptr;
      o.maxForkRate = std::strtod(v.c_str(), &end);
      if (v.empty() || !end || *end || o.maxForkRate < 0) {
        error = "bad --max-fork-rate '" + v + "'";
        return false;
      }
    } else if (value(a, "--spill-limit", v)) {
      char *end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v == "none") {
        o.spillLimitMiB = -1;
      } else if (v.empty() || !end || *end || n < 0 || n > (1L << 40)) {
        error = "bad --spill-limit '" + v + "' (MiB, or 'none')";
        return false;
      } else {
        o.spillLimitMiB = n;
      }
    } else if (a == "--cleanup") {
      o.cleanup = true;
    } else if (a == "--keep-session") {
      o.keepSession = true;
    } else if (a == "--native-frames") {
      o.nativeFrames = true;
    } else if (a == "--help" || a == "-h") {
      runUsage(stdout);
      std::exit(0);
    } else {
      error = "unknown option '" + a + "'";
      return false;
    }
  }
  o.program.assign(args.begin() + (long)i, args.end());
  if (o.program.empty()) {
    error = "no program to run";
    return false;
  }
  return true;
}

// Findings start on a line of their own: the program's last line on the same stderr may be
// unfinished (a test runner's "test_x ... " when the tree hung). A regular file tells its last
// byte; a terminal or a pipe does not, so a report made while the program still runs starts with
// a newline there.
void writeOnOwnLine(const std::string &text, bool programRunning) {
  if (text.empty())
    return;
  bool newline = programRunning;
  struct stat st;
  if (fstat(STDERR_FILENO, &st) == 0 && S_ISREG(st.st_mode)) {
    newline = false;
    if (st.st_size > 0) {
      // stderr is usually open for writing only: read its last byte through a new descriptor.
      char last = '\n';
      int fd = open("/proc/self/fd/2", O_RDONLY | O_CLOEXEC);
      if (fd < 0 || pread(fd, &last, 1, st.st_size - 1) != 1)
        last = programRunning ? 0 : '\n';
      if (fd >= 0)
        close(fd);
      newline = last != '\n';
    }
  }
  if (newline)
    std::fputc('\n', stderr);
  std::fputs(text.c_str(), stderr);
}

double monotonicSeconds() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

std::string runtimeLibraryPath() {
  if (const char *env = std::getenv("PROCSAN_RUNTIME"))
    return env;
  std::string candidate = selfDirectory() + "/../lib/libprocsan-rt.so";
  char resolved[PATH_MAX];
  if (realpath(candidate.c_str(), resolved))
    return resolved;
  return "";
}

const int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

// The program's argv and environment (the runtime preloaded, the session named), built before
// the fork: the child only resets its signal mask and execs.
struct ProgramImage {
  std::vector<std::string> envStrings;
  std::vector<char *> argv, envp;
};

void prepareProgram(const RunOptions &o, const std::string &runtime, const std::string &session,
                    ProgramImage &img) {
  const char *existing = std::getenv("LD_PRELOAD");
  std::string preload = runtime;
  if (existing && *existing)
    preload += std::string(":") + existing;
  for (char **e = environ; *e; ++e)
    if (std::strncmp(*e, "LD_PRELOAD=", 11) != 0 && std::strncmp(*e, "PROCSAN_SESSION=", 16) != 0)
      img.envStrings.push_back(*e);
  img.envStrings.push_back("LD_PRELOAD=" + preload);
  img.envStrings.push_back("PROCSAN_SESSION=" + session);
  for (std::string &e : img.envStrings)
    img.envp.push_back(const_cast<char *>(e.c_str()));
  img.envp.push_back(nullptr);
  for (const std::string &a : o.program)
    img.argv.push_back(const_cast<char *>(a.c_str()));
  img.argv.push_back(nullptr);
}

// Runs in a vfork child (the wrapper's memory, borrowed until exec): no allocation, no writes to
// anything but this frame.
[[noreturn]] void execProgram(const ProgramImage &img, int errorPipe,
                              const sigset_t &originalMask) {
  sigprocmask(SIG_SETMASK, &originalMask, nullptr);
  execvpe(img.argv[0], img.argv.data(), img.envp.data());
  int err = errno;
  ssize_t ignored = write(errorPipe, &err, sizeof(err));
  (void)ignored;
  _exit(err == ENOENT ? 127 : 126);
}

// Where Linux shows a named IPC object: POSIX shm and semaphores in /dev/shm, queues in
// /dev/mqueue (when mounted).
std::string ipcPath(int kind, const std::string &name) {
  std::string base = name.size() > 0 && name[0] == '/' ? name.substr(1) : name;
  if (base.empty() || base.find('/') != std::string::npos)
    return "";
  switch (kind) {
  case trace::IpcShm:
    return "/dev/shm/" + base;
  case trace::IpcSem:
    return "/dev/shm/sem." + base;
  case trace::IpcMq:
    return "/dev/mqueue/" + base;
  default:
    return "";
  }
}

void probeIpcObjects(monitor::SessionModel &model, bool cleanup) {
  for (monitor::IpcObject &obj : model.ipcObjects()) {
    if (obj.kind == trace::IpcSysvShm) {
      // The id may have been reused since: the segment must be the one the tree made.
      struct shmid_ds ds;
      obj.stillPresent =
          !obj.unlinked && obj.sysvId >= 0 && shmctl(obj.sysvId, IPC_STAT, &ds) == 0 &&
          (int64_t)ds.shm_perm.__key == obj.sysvKey && ds.shm_cpid == monitor::osPid(obj.creator);
      if (obj.stillPresent && cleanup && shmctl(obj.sysvId, IPC_RMID, nullptr) == 0)
        std::fprintf(stderr, "procsan run: removed leaked %s %d\n", monitor::ipcKindName(obj.kind),
                     obj.sysvId);
      continue;
    }
    if (obj.kind == trace::IpcMq) {
      // Asked of the kernel itself: /dev/mqueue shows queues only where it is mounted.
      mqd_t q = obj.name.empty() ? (mqd_t)-1 : mq_open(obj.name.c_str(), O_RDONLY | O_NONBLOCK);
      obj.stillPresent = q != (mqd_t)-1 || errno == EACCES;
      if (q != (mqd_t)-1)
        mq_close(q);
      if (obj.stillPresent && cleanup && mq_unlink(obj.name.c_str()) == 0)
        std::fprintf(stderr, "procsan run: removed leaked %s '%s'\n",
                     monitor::ipcKindName(obj.kind), obj.name.c_str());
      continue;
    }
    std::string path = ipcPath(obj.kind, obj.name);
    struct stat st;
    obj.stillPresent = !path.empty() && lstat(path.c_str(), &st) == 0;
    if (!obj.stillPresent || !cleanup)
      continue;
    if (unlink(path.c_str()) == 0)
      std::fprintf(stderr, "procsan run: removed leaked %s '%s'\n", monitor::ipcKindName(obj.kind),
                   obj.name.c_str());
  }
}

// Reads the session's logs into a model, with what the wrapper itself saw.
void loadModel(monitor::SessionModel &model, const std::string &session,
               const std::vector<std::pair<int, int>> &orphansReaped,
               const std::vector<int> &killedByMonitor, bool warn) {
  std::vector<std::string> readErrors;
  std::vector<trace::DecodedLog> logs = trace::readSession(session, readErrors);
  if (warn)
    for (const std::string &e : readErrors)
      std::fprintf(stderr, "procsan run: warning: unreadable trace %s\n", e.c_str());
  model.addLogs(std::move(logs));
  for (const auto &o : orphansReaped)
    model.noteReapedByMonitor(o.first, o.second);
  for (int pid : killedByMonitor)
    model.noteKilledByMonitor(pid, SIGKILL);
}

// Watches the live tree for lack of progress: no CPU time used, no process started or ended,
// nothing runnable, for --hang-timeout seconds. /proc is read four times a second, the fd tables
// and logs only when the tree looks stuck.
struct HangWatch {
  double idleSince = 0;
  uint64_t idleCpu = 0;
  std::set<int> pids;
  bool diagnosed = false;

  // Returns the idle time so far (0 when the tree moved).
  double sample(const monitor::TreeSnapshot &tree, double now) {
    std::set<int> current;
    bool running = false;
    for (const auto &e : tree.processes) {
      current.insert(e.first);
      for (const monitor::ThreadSnapshot &t : e.second.threads)
        running |= t.state == 'R';
    }
    uint64_t cpu = tree.cpuTicks();
    double elapsed = now - idleSince;
    // Periodic wake-ups (a pool's housekeeping thread) may use up to 2% of a CPU.
    uint64_t allowance = 2 + (uint64_t)(elapsed * 2);
    if (idleSince == 0 || running || current != pids || cpu > idleCpu + allowance) {
      idleSince = now;
      idleCpu = cpu;
      pids = current;
      diagnosed = false;
      return 0;
    }
    return now - idleSince;
  }

  // Threads that have not run at all (same system call, same arguments, no context switch)
  // for timeout seconds, with how long: candidates for a deadlock among some of the tree.
  std::map<int, std::pair<std::string, double>> threadSince;
  std::string lastStuck;
  std::set<std::string> reported; // findings already printed

  std::map<int, double> stuckThreads(const monitor::TreeSnapshot &tree, double now,
                                     double timeout) {
    std::map<int, std::pair<std::string, double>> next;
    std::map<int, double> stuck;
    for (const auto &e : tree.processes)
      for (const monitor::ThreadSnapshot &t : e.second.threads) {
        if (t.syscall < 0 || t.state != 'S')
          continue;
        std::string sig = std::to_string(t.syscall) + ":" + std::to_string(t.switches);
        for (uint64_t a : t.args)
          sig += ":" + std::to_string(a);
        auto it = threadSince.find(t.tid);
        double since = it != threadSince.end() && it->second.first == sig ? it->second.second : now;
        next[t.tid] = {sig, since};
        if (now - since >= timeout)
          stuck[t.tid] = now - since;
      }
    threadSince = std::move(next);
    return stuck;
  }
};

} // namespace

int runCommand(const std::vector<std::string> &args) {
  RunOptions o;
  std::string error;
  if (!parseRunOptions(args, o, error)) {
    std::fprintf(stderr, "procsan run: error: %s\n", error.c_str());
    runUsage(stderr);
    return 2;
  }
  for (const std::string &r : o.rules) {
    if (!monitor::isRuntimeRule(r)) {
      std::fprintf(stderr, "procsan run: error: unknown rule '%s' in --rules\n", r.c_str());
      return 2;
    }
  }
  std::string runtime = runtimeLibraryPath();
  if (runtime.empty() || access(runtime.c_str(), R_OK) != 0) {
    std::fprintf(stderr, "procsan run: error: runtime library libprocsan-rt.so not found next to "
                         "the procsan binary (set PROCSAN_RUNTIME)\n");
    return 2;
  }
  std::string session = makeSessionDir();
  if (session.empty()) {
    std::fprintf(stderr, "procsan run: error: cannot create a session directory: %s\n",
                 std::strerror(errno));
    return 2;
  }

  if (!o.trace.empty()) {
    // The runtime records every shared lock acquire/release only for a timeline.
    int fd = open((session + "/" + kTraceLocksFile).c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0)
      close(fd);
  }

  if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
    std::fprintf(stderr, "procsan run: warning: cannot become subreaper: %s\n",
                 std::strerror(errno));

  sigset_t watched, originalMask;
  sigemptyset(&watched);
  sigaddset(&watched, SIGCHLD);
  for (int s : kForwardedSignals)
    sigaddset(&watched, s);
  sigprocmask(SIG_BLOCK, &watched, &originalMask);
  int sfd = signalfd(-1, &watched, SFD_CLOEXEC);

  int errorPipe[2];
  if (pipe2(errorPipe, O_CLOEXEC) != 0) {
    std::perror("procsan run: pipe");
    return 2;
  }
  // The loader ignores LD_PRELOAD for these: say so up front; the program still runs.
  std::string untraceable = untraceableReason(o.program[0]);
  if (!untraceable.empty())
    std::fprintf(stderr,
                 "procsan run: warning: '%s' cannot be traced: %s, so the runtime cannot be "
                 "preloaded into it; it runs unwatched\n",
                 o.program[0].c_str(), untraceable.c_str());
  // vfork: copying the wrapper's address space (LLVM and all) for an exec costs more than many
  // of the program's own forks.
  ProgramImage image;
  prepareProgram(o, runtime, session, image);
  pid_t root = vfork();
  if (root < 0) {
    std::perror("procsan run: fork");
    return 2;
  }
  if (root == 0)
    execProgram(image, errorPipe[1], originalMask);
  close(errorPipe[1]);
  int execErr = 0;
  bool execFailed = read(errorPipe[0], &execErr, sizeof(execErr)) == (ssize_t)sizeof(execErr);
  close(errorPipe[0]);

  monitor::SessionModel model;
  HangWatch watch;
  std::vector<monitor::Finding> hangFindings;
  std::vector<int> killedByMonitor;
  bool hangKilled = false;
  monitor::ForkBombLimits bombLimits;
  bombLimits.maxProcs = o.maxProcs < 0 ? monitor::defaultMaxProcs() : o.maxProcs;
  bombLimits.maxRate = o.maxForkRate;
  monitor::ForkBombWatch bombWatch(bombLimits);
  bool watchGrowth = bombLimits.maxProcs > 0 || bombLimits.maxRate > 0;
  // The tree was one process when it started: a burst of forks before the first sample is
  // growth measured from there, not the baseline.
  std::string noReason;
  bombWatch.sample(1, monotonicSeconds(), noReason);
  double lastGrowthSample = 0;
  bool rootDone = false;
  int rootStatus = 0;
  double rootDoneAt = 0;
  std::vector<std::pair<int, int>> orphansReaped;
  // Logs of processes that are gone are decoded while the tree runs (this loop mostly sleeps):
  // a fork-heavy tree leaves thousands, which would all be read after it ended.
  trace::FinishedLogs finished;
  size_t finishedBytes = 0;
  double lastHarvest = 0, harvestEvery = 0.05;
  // Logs of live processes are rings: their events are consumed into spill files as they fill,
  // so a long-lived process loses none (docs/architecture.md, "Logs").
  trace::RingConsumer consumer(session,
                               o.spillLimitMiB < 0 ? UINT64_MAX : (uint64_t)o.spillLimitMiB << 20);
  double lastConsume = 0;
  bool consuming = false; // some log was filling at the last look: look again soon
  for (;;) {
    // Reap everything that ended: the root, and orphans re-parented to us.
    for (;;) {
      int status = 0;
      pid_t p = waitpid(-1, &status, WNOHANG | __WALL);
      if (p <= 0)
        break;
      if (!WIFEXITED(status) && !WIFSIGNALED(status))
        continue;
      if (p == root) {
        rootDone = true;
        rootStatus = status;
        rootDoneAt = monotonicSeconds();
      } else {
        orphansReaped.push_back({p, status});
      }
    }
    if (rootDone) {
      errno = 0;
      if (waitpid(-1, nullptr, WNOHANG | __WALL) < 0 && errno == ECHILD)
        break; // the whole tree is gone
      if (monotonicSeconds() - rootDoneAt >= o.hangTimeout)
        break; // descendants that outlive the program are left running
    }
    // mp-fork-bomb: the tree's size and growth, sampled more often while it grows.
    if (watchGrowth && !hangKilled && !execFailed &&
        monotonicSeconds() - lastGrowthSample >= (bombWatch.growing() ? 0.04 : 0.2)) {
      double now = monotonicSeconds();
      lastGrowthSample = now;
      std::string reason;
      if (bombWatch.sample(monitor::listTree(root, getpid()).size(), now, reason)) {
        std::map<int, int> frozen = monitor::freezeTree(root, getpid());
        if (o.rules.empty() || o.rules.count("mp-fork-bomb")) {
          monitor::SessionModel live;
          loadModel(live, session, orphansReaped, killedByMonitor, false);
          live.finish();
          std::vector<monitor::Finding> found = {
              monitor::forkBombFinding(live, frozen, root, reason)};
          std::unique_ptr<monitor::Symbolizer> symbolizer = makeSymbolizer();
          monitor::symbolizeFindings(found, *symbolizer);
          writeOnOwnLine(monitor::renderText(found, isatty(STDERR_FILENO), false, o.nativeFrames),
                         true);
          hangFindings.insert(hangFindings.end(), found.begin(), found.end());
        }
        std::fprintf(stderr, "procsan run: the tree grew out of bounds; killing it "
                             "(--max-procs, --max-fork-rate)\n");
        for (const auto &e : frozen) {
          killedByMonitor.push_back(e.first);
          kill(e.first, SIGKILL);
        }
        hangKilled = true;
      }
    }
    if (!rootDone && !hangKilled && !execFailed) {
      double now = monotonicSeconds();
      monitor::TreeSnapshot tree = monitor::readTree(root, getpid());
      double idle = watch.sample(tree, now);
      std::map<int, double> stuck = watch.stuckThreads(tree, now, o.hangTimeout);
      std::string stuckKey;
      for (const auto &e : stuck)
        stuckKey += std::to_string(e.first) + ",";
      // Part of the tree may be deadlocked while the rest still runs: look for cycles among
      // the threads that have not run for --hang-timeout, once per new set of them.
      bool partial = idle < o.hangTimeout && !stuck.empty() && stuckKey != watch.lastStuck;
      if ((idle >= o.hangTimeout && !watch.diagnosed) || partial) {
        watch.lastStuck = stuckKey;
        if (!partial)
          watch.diagnosed = true;
        monitor::readFds(tree);
        monitor::SessionModel live;
        loadModel(live, session, orphansReaped, killedByMonitor, false);
        // Children that died while their parent, blocked, never reaped them: how they ended.
        for (const auto &e : tree.processes) {
          int status = e.second.state == 'Z' ? monitor::zombieStatus(e.first) : -1;
          monitor::Process *z = nullptr;
          auto it = live.processes().find(e.first);
          if (it != live.processes().end())
            z = &it->second;
          if (status >= 0 && z && !z->exit.known)
            z->exit = monitor::ExitInfo::fromWaitStatus(status);
        }
        live.finish();
        std::vector<monitor::Finding> found;
        bool repeated = false; // a finding printed before, by the search among stuck threads
        for (monitor::Finding &f : partial ? monitor::diagnoseCycles(tree, live, stuck)
                                           : monitor::diagnoseHang(tree, live, idle)) {
          if (!o.rules.empty() && !o.rules.count(f.rule))
            continue;
          if (!watch.reported.insert(monitor::findingKey(f)).second) {
            repeated = true;
            continue;
          }
          found.push_back(std::move(f));
        }
        if (found.empty() && repeated && o.onHang == "kill") {
          writeOnOwnLine("procsan run: the tree is stuck; killing it\n", true);
          for (const auto &e : tree.processes) {
            killedByMonitor.push_back(e.first);
            kill(e.first, SIGKILL);
          }
          hangKilled = true;
        }
        if (!found.empty()) {
          // Threads blocked outside the interceptors: their stacks, taken now with ptrace.
          std::vector<std::pair<int, int>> ended;
          monitor::addBlockedStacks(found, tree, live, ended);
          monitor::explainLostTasks(found, live);
          for (const auto &e : ended) {
            auto it = tree.processes.find(e.first);
            if (e.first == root) {
              rootDone = true;
              rootStatus = e.second;
              rootDoneAt = monotonicSeconds();
            } else if (it != tree.processes.end() && it->second.ppid == getpid()) {
              orphansReaped.push_back(e);
            }
          }
          std::unique_ptr<monitor::Symbolizer> symbolizer = makeSymbolizer();
          monitor::symbolizeFindings(found, *symbolizer);
          writeOnOwnLine(monitor::renderText(found, isatty(STDERR_FILENO), false, o.nativeFrames),
                         true);
          hangFindings.insert(hangFindings.end(), found.begin(), found.end());
          if (o.onHang == "kill") {
            std::fprintf(stderr, "procsan run: the tree is stuck; killing it (--on-hang=report "
                                 "keeps it running)\n");
            for (const auto &e : tree.processes) {
              killedByMonitor.push_back(e.first);
              kill(e.first, SIGKILL);
            }
            hangKilled = true;
          }
        }
      }
    }
    if (consuming || monotonicSeconds() - lastConsume >= 0.05) {
      bool rescan = monotonicSeconds() - lastConsume >= 0.05;
      consuming = consumer.consume(finished, (uint64_t)(monotonicSeconds() * 1e9), rescan) > 0;
      if (rescan)
        lastConsume = monotonicSeconds();
    }
    if (!rootDone && monotonicSeconds() - lastHarvest >= harvestEvery) {
      size_t before = finished.size();
      // Up to 8 MiB of them decoded early; past that the rest is read at the end, so the
      // monitor's memory does not grow with a long run's processes.
      trace::readFinishedLogs(session, finished, finishedBytes, 8u << 20);
      lastHarvest = monotonicSeconds();
      // A tree whose processes live on is looked at less often (each look asks the kernel
      // about every live process).
      harvestEvery = finished.size() > before ? 0.05 : 0.2;
    }
    struct pollfd pfd = {sfd, POLLIN, 0};
    int r = poll(&pfd, 1, consuming ? 5 : rootDone ? 50 : bombWatch.growing() ? 40 : 200);
    if (r > 0) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        int sig = (int)si.ssi_signo;
        if (sig == SIGCHLD)
          break;
        // Terminal signals already reached the program's process group; others are passed on.
        if (!rootDone && si.ssi_code != SI_KERNEL)
          kill(root, sig);
        break;
      }
    }
  }
  close(sfd);

  if (execFailed) {
    std::fprintf(stderr, "procsan run: error: cannot run '%s': %s\n", o.program[0].c_str(),
                 std::strerror(execErr));
    removeSessionDir(session);
    return execErr == ENOENT ? 127 : 126;
  }

  SessionRecord rec;
  rec.command = o.program;
  rec.rootPid = root;
  rec.rootWaitStatus = rootStatus;
  rec.hangKilled = hangKilled;
  rec.orphansReaped = orphansReaped;
  rec.killedByMonitor = killedByMonitor;
  rec.hangFindings = hangFindings;
  std::vector<std::string> readErrors;
  std::vector<trace::DecodedLog> logs; // only for the timeline: the model needs none held
  if (o.trace.empty()) {
    modelFromSession(model, session, &finished, rec, readErrors);
  } else {
    logs = trace::readSession(session, readErrors, &finished);
    modelFromLogs(model, logs, rec);
  }
  for (const std::string &e : readErrors)
    std::fprintf(stderr, "procsan run: warning: unreadable trace %s\n", e.c_str());
  const monitor::Process *rootProcess = model.find(root);
  if (untraceable.empty() && (!rootProcess || !rootProcess->traced))
    std::fprintf(stderr,
                 "procsan run: warning: '%s' was not traced: the runtime never started in it "
                 "(statically linked, setuid, or LD_PRELOAD removed?)\n",
                 o.program[0].c_str());
  // Traced processes that outlived the watch (daemons, stragglers past --hang-timeout).
  for (const auto &entry : model.processes()) {
    const monitor::Process &p = entry.second;
    // Only the last process with a pid can still run (its id is its pid).
    if (p.traced && !p.exit.known && p.pid != root && p.pid < monitor::kPidSpan &&
        kill(p.pid, 0) == 0) {
      char path[64];
      snprintf(path, sizeof(path), "/proc/%d/stat", p.pid);
      std::ifstream stat(path);
      std::string line;
      std::getline(stat, line);
      size_t close = line.rfind(')');
      if (close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z')
        rec.stillRunning.push_back(p.pid);
    }
  }
  finishModel(model, rec);
  writeOnOwnLine(traceLossWarnings(session, model), false);
  probeIpcObjects(model, o.cleanup);
  for (const monitor::IpcObject &obj : model.ipcObjects())
    if (obj.stillPresent)
      rec.ipcPresent.push_back({obj.kind, obj.name});

  std::vector<monitor::Finding> fresh = detectFindings(model, o.rules);
  monitor::sortFindings(fresh);
  writeOnOwnLine(monitor::renderText(fresh, isatty(STDERR_FILENO), false, o.nativeFrames), false);
  std::vector<monitor::Finding> findings = hangFindings; // already filtered by --rules
  findings.insert(findings.end(), fresh.begin(), fresh.end());
  monitor::sortFindings(findings);
  writeOnOwnLine(monitor::summaryLine(findings), false);
  std::string writeError;
  if (!o.output.empty() &&
      !writeFile(o.output, renderReport(o.format, rec, model, findings, o.nativeFrames),
                 writeError))
    std::fprintf(stderr, "procsan run: error: %s\n", writeError.c_str());
  if (!o.trace.empty() && !writeFile(o.trace, monitor::renderTimeline(logs, model), writeError))
    std::fprintf(stderr, "procsan run: error: %s\n", writeError.c_str());
  if (o.keepSession && !writeSessionRecord(session, rec, writeError))
    std::fprintf(stderr, "procsan run: warning: %s\n", writeError.c_str());
  if (o.keepSession)
    std::fprintf(stderr, "procsan run: trace kept in %s\n", session.c_str());
  else
    removeSessionDir(session);

  std::fflush(nullptr);
  if (!findings.empty() && o.exitcode >= 0)
    return o.exitcode;
  if (hangKilled)
    return 124; // like timeout(1): the program did not finish on its own
  if (WIFSIGNALED(rootStatus)) {
    // Die of the same signal, so the caller sees exactly the program's status.
    int sig = WTERMSIG(rootStatus);
    signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    sigprocmask(SIG_UNBLOCK, &one, nullptr);
    struct rlimit noCore = {0, 0};
    setrlimit(RLIMIT_CORE, &noCore);
    raise(sig);
    return 128 + sig;
  }
  return WIFEXITED(rootStatus) ? WEXITSTATUS(rootStatus) : 1;
}

} // namespace tools
} // namespace procsan
