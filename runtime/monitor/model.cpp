#include "monitor/model.h"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>

namespace procsan {
namespace monitor {

ExitInfo ExitInfo::fromWaitStatus(int status) {
  ExitInfo e;
  if (WIFEXITED(status)) {
    e.known = true;
    e.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    e.known = true;
    e.signaled = true;
    e.signal = WTERMSIG(status);
    e.coreDumped = WCOREDUMP(status);
  }
  return e;
}

std::string ExitInfo::describe() const {
  if (!known)
    return "ended in an unknown way";
  if (signaled)
    return "killed by " + signalName(signal) + (coreDumped ? " (core dumped)" : "");
  return "exited with status " + std::to_string(code);
}

std::string signalName(int sig) {
  const char *abbrev = sigabbrev_np(sig);
  if (abbrev)
    return std::string("SIG") + abbrev;
  return "signal " + std::to_string(sig);
}

bool isRuntimeModule(const std::string &path) {
  const std::string name = "libprocsan-rt.so";
  return path.size() >= name.size() &&
         path.compare(path.size() - name.size(), name.size(), name) == 0;
}

const char *ipcKindName(int kind) {
  switch (kind) {
  case trace::IpcShm:
    return "shared memory object";
  case trace::IpcSem:
    return "named semaphore";
  case trace::IpcMq:
    return "message queue";
  case trace::IpcSysvShm:
    return "SysV shared memory segment";
  default:
    return "IPC object";
  }
}

void SessionModel::finish() {
  for (auto &named : lockNames_) // logs are read process by process, not in time order
    std::stable_sort(named.second.begin(), named.second.end(),
                     [](const std::pair<uint64_t, std::string> &a,
                        const std::pair<uint64_t, std::string> &b) { return a.first < b.first; });
  // Forked children run their parent's image with its argv until they exec. Parents start
  // before their children, so one pass in start order settles chains of forks.
  std::vector<Process *> order;
  for (auto &entry : processes_)
    order.push_back(&entry.second);
  std::stable_sort(order.begin(), order.end(),
                   [](const Process *a, const Process *b) { return a->startNs < b->startNs; });
  for (Process *p : order) {
    if (!p->inheritsImage)
      continue;
    const Process *parent = find(p->ppid);
    if (!parent || parent == p || parent->execChain.empty())
      continue;
    const ForkRecord *f = forkOf(p->pid);
    size_t idx = f ? f->imageIndex : parent->execChain.size() - 1;
    if (idx >= parent->execChain.size())
      idx = parent->execChain.size() - 1;
    p->execChain.insert(p->execChain.begin(), parent->execChain[idx]);
    std::vector<std::string> argv =
        idx < parent->argvByImage.size() ? parent->argvByImage[idx] : parent->argv;
    p->argvByImage.insert(p->argvByImage.begin(), argv);
    if (p->exe.empty())
      p->exe = parent->execChain[idx];
    if (p->argv.empty())
      p->argv = argv;
    p->inheritsImage = false;
  }
  for (auto &entry : processes_)
    if (entry.second.exit.signaled)
      entry.second.killedBy = senderOf(entry.second);
  // Creations and unlinks come from different logs: replay them in time order.
  std::stable_sort(ipcEvents_.begin(), ipcEvents_.end(),
                   [](const IpcEvent &a, const IpcEvent &b) { return a.timeNs < b.timeNs; });
  ipc_.clear();
  for (IpcEvent &e : ipcEvents_) {
    IpcObject *live = nullptr;
    for (IpcObject &o : ipc_)
      if (o.kind == e.object.kind && o.name == e.object.name && !o.unlinked)
        live = &o;
    if (e.create && !live)
      ipc_.push_back(e.object);
    else if (!e.create && live)
      live->unlinked = true;
  }
}

bool isPythonLibraryFile(const std::string &file) {
  if (file.empty() || file.compare(0, 8, "<frozen ") == 0)
    return true;
  // .../lib/python3.11/... or .../lib64/python3.11/... (the standard library's directory), but
  // not a package installed there (site- or dist-packages): that is code the user chose to run.
  for (size_t at = file.find("/lib"); at != std::string::npos; at = file.find("/lib", at + 1)) {
    size_t i = at + 4;
    if (file.compare(i, 2, "64") == 0)
      i += 2;
    if (file.compare(i, 7, "/python") != 0)
      continue;
    i += 7;
    size_t digits = i;
    while (i < file.size() && (std::isdigit((unsigned char)file[i]) || file[i] == '.'))
      ++i;
    if (i == digits || i >= file.size() || file[i] != '/')
      continue;
    return file.find("/site-packages/", i) == std::string::npos &&
           file.find("/dist-packages/", i) == std::string::npos;
  }
  return false;
}

const PyFrame *userPythonFrame(const Stack &st) {
  for (const PyFrame &f : st.python)
    if (!isPythonLibraryFile(f.file))
      return &f;
  return st.python.empty() ? nullptr : &st.python.front();
}

void linkPythonFrames(Stack &st, bool nativeCut) {
  size_t calls = 0, evals = 0;
  for (PyFrame &f : st.python) {
    f.nativeFrame = -1;
    calls += f.evalEntry ? 1 : 0;
  }
  for (const Frame &f : st.frames)
    evals += f.evalLoop ? 1 : 0;
  if (!st.pythonEntriesKnown || st.python.empty() || !evals)
    return;
  // Frames after the last entry are a call whose first frames were not recorded.
  const bool pythonWhole = st.pythonCut == 0 && st.python.back().evalEntry;
  if (!st.python.back().evalEntry)
    ++calls;
  if ((pythonWhole && !nativeCut && calls != evals) || (pythonWhole && evals > calls) ||
      (!nativeCut && calls > evals))
    return;
  size_t py = 0;
  for (size_t k = 0; k < st.frames.size() && py < st.python.size(); ++k) {
    if (!st.frames[k].evalLoop)
      continue;
    bool end = false;
    while (py < st.python.size() && !end) {
      end = st.python[py].evalEntry;
      st.python[py++].nativeFrame = (int)k;
    }
  }
}

namespace {

std::string baseName(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool endsWith(const std::string &s, const std::string &tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

} // namespace

std::string pythonObjectType(const Stack &st) {
  const PyFrame *user = userPythonFrame(st);
  if (!user || user == &st.python.front())
    return "";
  // The library frame the user's code called, and the ones inside it (innermost first).
  size_t u = (size_t)(user - st.python.data());
  for (size_t i = u; i-- > 0;) {
    const PyFrame &f = st.python[i];
    if (f.file.find("multiprocessing/") == std::string::npos &&
        f.file.find("concurrent/futures/") == std::string::npos)
      continue;
    std::string fn = f.function;
    size_t dot = fn.rfind('.');
    std::string cls = dot == std::string::npos ? "" : fn.substr(0, dot);
    std::string method = dot == std::string::npos ? fn : fn.substr(dot + 1);
    // multiprocessing.Lock(), Queue(), Pool(), Value(), ...: the default context's method
    // (BaseContext.Lock on 3.11+, plain Lock before: co_qualname is new in 3.11).
    if (endsWith(f.file, "multiprocessing/context.py") && method != "__init__" && !method.empty() &&
        method[0] != '_')
      return method;
    if (endsWith(f.file, "shared_memory.py"))
      return cls.empty() || cls == "SharedMemory" ? "SharedMemory" : cls;
    // A class made directly: multiprocessing.synchronize.Lock(ctx=...), queues.Queue(...).
    if (method == "__init__" && !cls.empty())
      return cls;
    if (method == "__init__") // before 3.11: only the file says
      return baseName(f.file) == "queues.py" ? "Queue" : "";
    return "";
  }
  return "";
}

std::string pythonStarter(const Stack &st) {
  // Only the library frames the user's code called count: a fork inside a Pool task has the
  // worker's own (inherited) frames further out.
  const PyFrame *user = userPythonFrame(st);
  size_t inner = user && !isPythonLibraryFile(user->file) ? (size_t)(user - st.python.data())
                                                          : st.python.size();
  bool pool = false, executor = false, tracker = false, process = false;
  for (size_t i = 0; i < inner; ++i) {
    const PyFrame &f = st.python[i];
    pool |= f.file.find("multiprocessing/pool.py") != std::string::npos &&
            f.function.find("_repopulate_pool") != std::string::npos;
    executor |= f.file.find("concurrent/futures/process.py") != std::string::npos;
    tracker |= f.file.find("multiprocessing/resource_tracker.py") != std::string::npos;
    process |= f.file.find("multiprocessing/process.py") != std::string::npos &&
               f.function.find("start") != std::string::npos;
  }
  return pool       ? "a Pool worker"
         : executor ? "a ProcessPoolExecutor worker"
         : tracker  ? "the multiprocessing resource tracker"
         : process  ? "a multiprocessing Process"
                    : "";
}

std::string describePythonCreation(const Stack &st) {
  const PyFrame *user = userPythonFrame(st);
  if (!user)
    return "";
  std::string type = pythonObjectType(st);
  std::string where = user->file + ":" + std::to_string(user->line) + " in " + user->function;
  return type.empty() ? "created at " + where
                      : "the multiprocessing " + type + " created at " + where;
}

// CPython's multiprocessing names its SemLocks /mp-XXXXXXXX; the value it created one with tells
// what the program made of it, as far as that goes (the maximum value is never passed down).
std::string SessionModel::multiprocessingRole(const std::string &name, const LockKey &k) const {
  if (name.rfind("/mp-", 0) != 0)
    return "";
  // With the Python stack of its creation, what the program wrote and where.
  for (const IpcObject &o : ipc_)
    if (o.kind == trace::IpcSem && o.name == name && !o.stack.python.empty()) {
      std::string created = describePythonCreation(o.stack);
      if (!created.empty())
        return " (" + created + ")";
    }
  long v = semaphoreInitialValue(k);
  if (v == 1)
    return " (a multiprocessing Lock or RLock)";
  if (v == 0)
    return " (a multiprocessing Semaphore(0), or part of a Condition, Event or Barrier)";
  if (v == 2147483647)
    return " (the capacity counter of a multiprocessing Queue)";
  if (v > 1)
    return " (a multiprocessing Semaphore(" + std::to_string(v) +
           "), or the capacity counter of a Queue(" + std::to_string(v) + "))";
  return " (a multiprocessing SemLock)";
}

std::pair<const Process *, const PipeMade *> SessionModel::pipeCreation(uint64_t inode) const {
  // Inodes are reused once a pipe is gone: the latest pipe of that inode is the live one.
  std::pair<const Process *, const PipeMade *> best{nullptr, nullptr};
  for (const auto &entry : processes_)
    for (const PipeMade &pm : entry.second.pipes)
      if (pm.inode == inode && (!best.second || pm.timeNs > best.second->timeNs))
        best = {&entry.second, &pm};
  return best;
}

std::set<int> SessionModel::pipeInheritors(uint64_t inode) const {
  std::set<int> out;
  std::pair<const Process *, const PipeMade *> made = pipeCreation(inode);
  if (!made.first)
    return out;
  std::vector<int> todo;
  for (const ForkRecord &f : made.first->forks)
    if (f.timeNs > made.second->timeNs)
      todo.push_back(f.child);
  while (!todo.empty()) {
    int pid = todo.back();
    todo.pop_back();
    if (!out.insert(pid).second)
      continue;
    if (const Process *c = find(pid))
      for (const ForkRecord &f : c->forks)
        todo.push_back(f.child);
  }
  return out;
}

PipeRole SessionModel::pipeRole(uint64_t inode) const {
  PipeRole role;
  std::pair<const Process *, const PipeMade *> made = pipeCreation(inode);
  if (!made.first)
    return role;
  // os.pipe() makes pipes with O_CLOEXEC and nothing else (libunwind's own validation pipe,
  // made at the first stack the runtime takes, has O_NONBLOCK too).
  if (made.second->flags != O_CLOEXEC)
    return role;
  std::vector<std::pair<uint64_t, LockKey>> sems; // by creation time
  for (const auto &c : semCreators_)
    if (c.second.first == made.first->pid && c.second.second > made.second->timeNs &&
        semaphoreName(c.first).rfind("/mp-", 0) == 0)
      sems.emplace_back(c.second.second, c.first);
  std::sort(sems.begin(), sems.end(),
            [](const auto &a, const auto &b) { return a.first < b.first; });
  // The semaphores end at the creator's next os.pipe(), unless that pipe went to a helper it
  // started at once (the resource tracker, started by the first named semaphore, under spawn and
  // forkserver): a fork before the next semaphore.
  uint64_t until = UINT64_MAX;
  for (const PipeMade &pm : made.first->pipes) {
    if (pm.timeNs <= made.second->timeNs || pm.tid != made.second->tid || pm.flags != O_CLOEXEC ||
        pm.timeNs >= until)
      continue;
    uint64_t nextSem = UINT64_MAX;
    for (const auto &sm : sems)
      if (sm.first > pm.timeNs) {
        nextSem = sm.first;
        break;
      }
    bool helper = false;
    for (const ForkRecord &f : made.first->forks)
      helper |= f.timeNs > pm.timeNs && f.timeNs < nextSem && nextSem != UINT64_MAX;
    if (!helper)
      until = pm.timeNs;
  }
  while (!sems.empty() && sems.back().first > until)
    sems.pop_back();
  if (sems.size() < 2 || semaphoreInitialValue(sems[0].second) != 1 ||
      semaphoreInitialValue(sems[1].second) != 1)
    return role;
  role.readLock = sems[0].second;
  long counter = sems.size() > 2 ? semaphoreInitialValue(sems[2].second) : -1;
  role.what = sems.size() == 2 ? "SimpleQueue" : counter > 1 ? "Queue" : "multiprocessing queue";
  return role;
}

int SessionModel::poolOwnerOf(const Process &p) const {
  const Process *parent = find(p.ppid);
  const ForkRecord *fork = forkOf(p.pid);
  if (!parent || !fork)
    return 0;
  // The Python stack of the fork says it: Pool starts its workers in _repopulate_pool_static.
  if (!fork->stack.python.empty())
    return pythonStarter(fork->stack) == "a Pool worker" ? parent->pid : 0;
  std::vector<const PipeMade *> queues; // multiprocessing queue pipes made before the fork
  for (const PipeMade &pm : parent->pipes)
    if (pm.timeNs < fork->timeNs && !pipeRole(pm.inode).what.empty())
      queues.push_back(&pm);
  std::sort(queues.begin(), queues.end(),
            [](const PipeMade *a, const PipeMade *b) { return a->timeNs < b->timeNs; });
  if (queues.size() < 3)
    return 0;
  for (size_t i = queues.size() - 3; i < queues.size(); ++i)
    if (pipeRole(queues[i]->inode).what != "SimpleQueue" || queues[i]->tid != queues.back()->tid)
      return 0;
  // Pool() starts its workers from the thread that made the queues before it starts its own
  // threads (later workers come from its worker-handler thread). A child that thread forks once
  // more threads run is a Process (or an executor's worker) started after the Pool.
  if (fork->tid == queues.back()->tid) {
    const ForkRecord *first = nullptr;
    for (const ForkRecord &fr : parent->forks)
      if (fr.tid == fork->tid && fr.timeNs > queues.back()->timeNs &&
          (!first || fr.timeNs < first->timeNs))
        first = &fr;
    if (first && fork->threads != first->threads)
      return 0;
  }
  return parent->pid;
}

std::string SessionModel::describeProcess(const Process &p) const {
  std::string cmd = p.commandLine();
  // CPython's fork server and its children share its long command line: say what they are.
  const char *server = "from multiprocessing.forkserver import main";
  if (cmd.find(server) != std::string::npos) {
    const Process *parent = find(p.ppid);
    if (parent && parent->commandLine().find(server) != std::string::npos)
      return "process " + pidText(p.pid) + " (started by the multiprocessing fork server, pid " +
             pidText(parent->pid) + ")";
    return "process " + pidText(p.pid) + " (the multiprocessing fork server)";
  }
  // A child of a CPython process: what made it, from the Python stack of the fork.
  const ForkRecord *fork = forkOf(p.pid);
  if (fork && !fork->stack.python.empty()) {
    std::string what = pythonStarter(fork->stack);
    if (!what.empty()) {
      const PyFrame *user = userPythonFrame(fork->stack);
      std::string at = user && !isPythonLibraryFile(user->file)
                           ? " started at " + user->file + ":" + std::to_string(user->line)
                           : "";
      return "process " + pidText(p.pid) + " (" + what + " of pid " + pidText(p.ppid) + at +
             (cmd.empty() ? "" : ": " + cmd) + ")";
    }
  }
  if (int owner = poolOwnerOf(p))
    return "process " + pidText(p.pid) + " (a Pool worker of pid " + pidText(owner) +
           (cmd.empty() ? "" : ": " + cmd) + ")";
  return "process " + pidText(p.pid) + (cmd.empty() ? "" : " (" + cmd + ")");
}

std::string SessionModel::describeLock(const LockKey &k, int kind, uint64_t t) const {
  std::string name = semaphoreName(k, t);
  if (!name.empty())
    return "the named semaphore '" + name + "'" + multiprocessingRole(name, k);
  char where[96];
  std::pair<const Process *, const SharedMapping *> m = mappingOf(k);
  std::string what =
      kind == trace::LockSem ? "the process-shared semaphore" : "the process-shared mutex";
  snprintf(where, sizeof(where), " at offset 0x%llx of ", (unsigned long long)k.offset);
  if (m.second && !m.second->path.empty())
    return what + where + m.second->path;
  if (m.second)
    return what + where + "the anonymous shared memory mapped by pid " + pidText(m.first->pid);
  snprintf(where, sizeof(where), " at offset 0x%llx of shared mapping %llu:%llu",
           (unsigned long long)k.offset, (unsigned long long)(k.dev >> 20),
           (unsigned long long)k.inode);
  return what + where;
}

std::pair<const Process *, const SharedMapping *> SessionModel::mappingOf(const LockKey &k) const {
  std::pair<const Process *, const SharedMapping *> best{nullptr, nullptr};
  if (k.dev == 0 && k.inode == 0)
    return best; // an address nobody could identify
  for (const auto &entry : processes_)
    for (const SharedMapping &m : entry.second.sharedMappings)
      if (m.dev == k.dev && m.inode == k.inode && k.offset >= m.offset &&
          k.offset < m.offset + m.length && (!best.second || m.timeNs < best.second->timeNs))
        best = {&entry.second, &m};
  return best;
}

std::string SessionModel::semaphoreName(const LockKey &k, uint64_t t) const {
  auto it = lockNames_.find(k);
  if (it == lockNames_.end() || it->second.empty())
    return std::string();
  const std::pair<uint64_t, std::string> *best = &it->second.front(); // made before tracing saw
  for (const auto &named : it->second)
    if (named.first <= t)
      best = &named;
  return best->second;
}

long SessionModel::semaphoreInitialValue(const LockKey &k) const {
  auto it = semInitial_.find(k);
  return it == semInitial_.end() ? -1 : it->second;
}

size_t SessionModel::semaphoreGeneration(const LockKey &k, uint64_t t) const {
  auto it = semCreations_.find(k);
  if (it == semCreations_.end())
    return 0;
  return (size_t)std::count_if(it->second.begin(), it->second.end(),
                               [&](uint64_t created) { return created <= t; });
}

std::pair<int, uint64_t> SessionModel::semaphoreCreator(const LockKey &k) const {
  auto it = semCreators_.find(k);
  return it == semCreators_.end() ? std::pair<int, uint64_t>{0, 0} : it->second;
}

std::set<int> SessionModel::lockUsers(const LockKey &k) const {
  std::set<int> users;
  if (int creator = semaphoreCreator(k).first)
    users.insert(creator);
  std::string name = semaphoreName(k);
  for (const auto &open : semOpens_)
    if (!name.empty() && open.first == name)
      users.insert(open.second);
  for (const LockOrderEdge &e : lockOrder_)
    if (e.first == k || e.second == k)
      users.insert(e.pid);
  for (const auto &entry : processes_) {
    const Process &p = entry.second;
    bool uses = std::any_of(p.held.begin(), p.held.end(),
                            [&](const HeldEntry &h) { return h.lock == k; }) ||
                std::any_of(p.lockBlocks.begin(), p.lockBlocks.end(),
                            [&](const LockBlock &b) { return b.lock == k; }) ||
                std::any_of(p.semPosts.begin(), p.semPosts.end(),
                            [&](const SemPost &s) { return s.sem == k; });
    if (uses)
      users.insert(p.pid);
  }
  return users;
}

const ForkRecord *SessionModel::forkOf(int child) const {
  const Process *c = find(child);
  if (!c)
    return nullptr;
  const Process *parent = find(c->ppid);
  if (!parent)
    return nullptr;
  for (const ForkRecord &f : parent->forks)
    if (f.child == child)
      return &f;
  return nullptr;
}

std::string Process::commandLine() const {
  std::string s;
  for (const std::string &a : argv) {
    if (!s.empty())
      s += ' ';
    s += a.empty() ? "''" : a;
  }
  return s.empty() ? exe : s;
}

Process &SessionModel::get(int pid) {
  Process &p = processes_[pid];
  p.pid = pid;
  return p;
}

const Process *SessionModel::find(int pid) const {
  auto it = processes_.find(pid);
  return it == processes_.end() ? nullptr : &it->second;
}

namespace {

bool startsByFork(const trace::DecodedLog &log) {
  for (const trace::DecodedRecord &r : log.records)
    if (r.kind == trace::EvProcessStart)
      return r.args[2] == 1 && r.text.empty();
  return false;
}

const char *ordinalSuffix(int n) {
  if (n % 100 >= 11 && n % 100 <= 13)
    return "th";
  return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

} // namespace

LogPlan SessionModel::planOf(const trace::DecodedLog &log) {
  LogPlan plan;
  plan.pid = log.pid;
  plan.ppid = log.ppid;
  plan.generation = log.generation;
  plan.startNs = log.startNs;
  plan.forked = startsByFork(log);
  for (const trace::DecodedRecord &r : log.records) {
    plan.execed |= r.kind == trace::EvExec;
    if (r.kind == trace::EvWaitResult && r.args[3] != 0 && r.args[0] > 0)
      plan.reaps.emplace_back((int)r.args[0], r.timeNs);
  }
  return plan;
}

void SessionModel::planLogs(const std::vector<LogPlan> &plans) {
  std::vector<const LogPlan *> order;
  // When a traced process reaped each pid: a log that starts after such a wait is another process
  // even when it does not start by fork (posix_spawn and clone children start with an exec).
  std::map<int, std::vector<uint64_t>> reaps;
  for (const LogPlan &plan : plans) {
    if (plan.pid <= 0)
      continue;
    order.push_back(&plan);
    for (const auto &r : plan.reaps)
      reaps[r.first].push_back(r.second);
  }
  std::stable_sort(order.begin(), order.end(), [](const LogPlan *a, const LogPlan *b) {
    return a->startNs != b->startNs ? a->startNs < b->startNs : a->generation < b->generation;
  });
  for (auto &r : reaps)
    std::sort(r.second.begin(), r.second.end());
  std::map<int, bool> lastExeced; // the latest process of a pid called exec in its latest image
  std::map<std::pair<int, uint32_t>, size_t> logIndex; // log -> index among its pid's processes
  for (const LogPlan *log : order) {
    std::vector<Incarnation> &list = incarnations_[log->pid];
    bool fresh = list.empty() || log->forked;
    if (!fresh) {
      // Otherwise a log follows an exec of the latest process with its pid, unless that one
      // never called exec or was reaped before this log started.
      const std::vector<uint64_t> &r = reaps[log->pid];
      auto after = std::upper_bound(r.begin(), r.end(), list.back().startNs);
      fresh = !lastExeced[log->pid] || (after != r.end() && *after <= log->startNs);
    }
    if (fresh) {
      Incarnation inc;
      inc.startNs = log->startNs;
      inc.ppid = log->ppid;
      inc.forked = log->forked;
      list.push_back(inc);
    }
    lastExeced[log->pid] = log->execed;
    logIndex[{log->pid, log->generation}] = list.size() - 1;
  }
  // The last process with a pid has the pid as its id; earlier ones pid + k * kPidSpan. Past
  // 511 of them, the ids run out: the ones in between share the last id left (and are merged).
  constexpr int kMaxEarlier = 511;
  for (auto &entry : incarnations_) {
    int pid = entry.first;
    std::vector<Incarnation> &list = entry.second;
    int n = (int)list.size();
    if (n > 1)
      ++sharedPids_;
    for (int i = 0; i < n; ++i) {
      int k = i + 1 == n ? 0 : std::min(i + 1, kMaxEarlier);
      list[i].id = pid + k * kPidSpan;
      Process &p = get(list[i].id);
      p.incarnation = std::min(i, kMaxEarlier - 1);
      p.incarnations = n;
      if (i >= kMaxEarlier && i + 1 != n && !p.pidReused) {
        p.pidReused = true;
        ++reusedPids_;
      }
    }
  }
  for (const auto &l : logIndex)
    logIds_[l.first] = incarnations_[l.first.first][l.second].id;
}

void SessionModel::addLogs(const std::vector<trace::DecodedLog> &logs, bool release) {
  std::vector<LogPlan> plans;
  std::vector<const trace::DecodedLog *> order;
  for (const trace::DecodedLog &log : logs) {
    plans.push_back(planOf(log));
    if (log.pid > 0)
      order.push_back(&log);
  }
  planLogs(plans);
  std::stable_sort(
      order.begin(), order.end(), [](const trace::DecodedLog *a, const trace::DecodedLog *b) {
        return a->startNs != b->startNs ? a->startNs < b->startNs : a->generation < b->generation;
      });
  for (const trace::DecodedLog *log : order) {
    addLog(*log);
    if (release) // the caller gave the logs up (addLogs(&&))
      std::vector<trace::DecodedRecord>().swap(const_cast<trace::DecodedLog *>(log)->records);
  }
}

int SessionModel::idOfLog(const trace::DecodedLog &log) const {
  auto it = logIds_.find({log.pid, log.generation});
  return it == logIds_.end() ? log.pid : it->second;
}

int SessionModel::idAt(int pid, uint64_t t) const {
  auto it = incarnations_.find(pid);
  if (pid <= 0 || it == incarnations_.end() || it->second.empty())
    return pid;
  const Incarnation *best = &it->second.front();
  for (const Incarnation &inc : it->second) {
    if (inc.startNs > t)
      break;
    best = &inc;
  }
  return best->id;
}

int SessionModel::idOfFork(int pid, uint64_t t, int parent) {
  auto it = incarnations_.find(pid);
  if (it == incarnations_.end())
    return pid;
  // The child's first record and the parent's fork record are written on either side of the
  // fork's return: the process forked by that parent that started nearest to the fork.
  Incarnation *best = nullptr;
  uint64_t bestGap = UINT64_MAX;
  for (Incarnation &inc : it->second) {
    if (!inc.forked || inc.claimed || inc.ppid != parent)
      continue;
    uint64_t gap = inc.startNs > t ? inc.startNs - t : t - inc.startNs;
    if (gap < bestGap) {
      best = &inc;
      bestGap = gap;
    }
  }
  if (!best)
    return idAt(pid, t); // a child that made no log of its own
  best->claimed = true;
  return best->id;
}

std::string SessionModel::pidText(int id) const {
  std::string s = std::to_string(osPid(id));
  const Process *p = find(id);
  if (!p || p->incarnations < 2)
    return s;
  int n = p->incarnation + 1;
  return s + " (the " + std::to_string(n) + ordinalSuffix(n) + " process with that pid)";
}

void SessionModel::addLog(const trace::DecodedLog &log) {
  if (log.pid <= 0)
    return;
  bool planned = logIds_.count({log.pid, log.generation}) > 0;
  int self = idOfLog(log);
  Process &p = get(self);
  bool seenBefore = p.traced; // an earlier log of this pid: an image this one follows by exec,
                              // or, when this one starts by fork and addLogs did not tell them
                              // apart, another process
  bool firstLog = planned ? !seenBefore : log.generation == 0;
  p.traced = true;
  if (firstLog || p.ppid == 0)
    p.ppid = idAt(log.ppid, log.startNs);
  if (p.startNs == 0 || log.startNs < p.startNs)
    p.startNs = log.startNs;
  p.eventsDropped += log.dropped;
  // A new image (exec) replaces argv and modules: the logs arrive in start order.
  std::string argvBytes;
  bool sawArgv = false;
  std::vector<Module> modules;
  std::vector<int> forkChildren; // ids of the children of this log's forks, in order
  for (const trace::DecodedRecord &r : log.records) {
    if (r.timeNs > p.endNs)
      p.endNs = r.timeNs;
    switch (r.kind) {
    case trace::EvProcessStart:
      if (r.args[2] == 1 && r.text.empty()) {
        p.inheritsImage = true; // filled from the parent in finish()
        p.startedByFork = true;
        if (seenBefore && !planned && !p.pidReused) {
          p.pidReused = true;
          ++reusedPids_;
        }
        break;
      }
      p.exe = r.text;
      p.execChain.push_back(r.text);
      break;
    case trace::EvArgv:
      argvBytes += r.text;
      sawArgv = true;
      break;
    case trace::EvModule:
      modules.push_back(
          Module{(uint64_t)r.args[0], (uint64_t)r.args[1], (uint64_t)r.args[2], r.text});
      break;
    case trace::EvWaitResult: {
      if (r.args[3] == 0 || r.args[0] <= 0)
        break;
      Process &child = get(idAt((int)r.args[0], r.timeNs));
      child.exit = ExitInfo::fromWaitStatus((int)r.args[1]);
      child.reapedBy = self;
      child.reapedNs = r.timeNs;
      child.statusDiscarded = r.args[4] == 1;
      if (child.ppid == 0)
        child.ppid = self;
      break;
    }
    case trace::EvExec:
      p.triedExec = true;
      break;
    case trace::EvTimerArmed:
      p.alarmAtNs = r.args[0] > 0 ? r.timeNs + (uint64_t)r.args[0] : 0;
      p.alarmIntervalNs = r.args[1] > 0 ? (uint64_t)r.args[1] : 0;
      break;
    case trace::EvFork:
      if (r.args[0] > 0) {
        int id = idOfFork((int)r.args[0], r.timeNs, log.pid);
        forkChildren.push_back(id);
        Process &child = get(id);
        if (child.ppid == 0)
          child.ppid = self;
      }
      break;
    case trace::EvExit:
      if (r.args[1] == trace::ExitExit || r.args[1] == trace::ExitAtexit)
        p.ranExitHandlers = true;
      else
        p.calledUnderscoreExit = true;
      break;
    case trace::EvChildWaitsForExit:
      if (r.args[0] > 0)
        get(idAt((int)r.args[0], r.timeNs)).waitedForParentExit = true;
      break;
    case trace::EvSetsid:
      if (r.args[0] >= 0)
        p.startedSession = true;
      break;
    case trace::EvIpcUnlink:
      if (r.args[1] == 0)
        ipcEvents_.push_back(IpcEvent{
            r.timeNs, false, IpcObject{(int)r.args[0], r.text, self, r.timeNs, {}, false, false}});
      break;
    default:
      break;
    }
  }
  if (sawArgv) {
    p.argv.clear();
    size_t begin = 0;
    // NUL-terminated arguments; empty ones ('') are arguments too.
    for (size_t i = 0; i < argvBytes.size(); ++i) {
      if (argvBytes[i] == '\0') {
        p.argv.push_back(argvBytes.substr(begin, i - begin));
        begin = i + 1;
      }
    }
    if (begin < argvBytes.size()) // truncated last argument
      p.argv.push_back(argvBytes.substr(begin));
    p.argvByImage.push_back(p.argv);
  }
  // Index of this log's image in execChain once inherited images are filled in.
  size_t imageIndex = p.execChain.empty() ? 0 : p.execChain.size() - 1 + (p.inheritsImage ? 1 : 0);
  std::shared_ptr<const std::vector<Module>> shared;
  for (const auto &recent : recentModules_)
    if (*recent == modules)
      shared = recent;
  if (!shared) {
    shared = std::make_shared<const std::vector<Module>>(std::move(modules));
    if (recentModules_.size() >= 8)
      recentModules_.erase(recentModules_.begin());
    recentModules_.push_back(shared);
  }
  p.modules = shared;
  p.threadsLive = log.threadsLive;
  p.threadsCreated += log.threadsCreated;
  p.held.clear();
  for (const trace::HeldLock &h : log.held)
    p.held.push_back(HeldEntry{LockKey{h.dev, h.inode, h.offset}, h.tid, h.kind});
  // Python frames: the EvPyStack that follows a stack record of the same thread, with code
  // objects named by the EvPyCode records before it (the last naming of an address wins: a
  // code object freed and another made at its address is named again).
  std::map<size_t, std::vector<PyFrame>> pythonOf; // index of a stack record -> its frames
  std::map<size_t, size_t> pythonCutOf;
  std::set<size_t> pythonCutAtLeast, pythonEntriesKnown;
  // Each image says which interpreter it runs (EvPyInfo at its first stack). An exec'd image
  // that records none is no Python; a forked child that recorded none yet runs its parent's.
  p.python = PythonInterpreter();
  if (p.inheritsImage && firstLog)
    if (const Process *parent = find(p.ppid))
      p.python = parent->python;
  {
    struct CodeName {
      std::string file, function;
    };
    std::map<uint64_t, CodeName> codes;
    std::map<uint32_t, size_t> lastStackOfThread; // tid -> index of its last stack record
    for (size_t i = 0; i < log.records.size(); ++i) {
      const trace::DecodedRecord &r = log.records[i];
      if (r.kind == trace::EvPyInfo) {
        p.python.version = (unsigned)r.args[0];
        p.python.status = (int)r.args[1];
        p.python.runtime = (uint64_t)r.args[2];
        p.python.codeType = (uint64_t)r.args[3];
        p.python.unicodeType = (uint64_t)r.args[5];
        p.python.bytesType = r.frames.size() > 0 ? r.frames[0] : 0;
        p.python.frameType = r.frames.size() > 1 ? r.frames[1] : 0;
        p.python.evalStart = r.frames.size() > 3 ? r.frames[2] : 0;
        p.python.evalEnd = r.frames.size() > 3 ? r.frames[3] : 0;
        if (p.python.evalEnd <= p.python.evalStart ||
            p.python.evalEnd - p.python.evalStart > (1u << 24))
          p.python.evalStart = p.python.evalEnd = 0;
        p.python.unreadable = r.text;
        uint64_t code = (uint64_t)r.args[4];
        for (const Module &m : *p.modules)
          if (code >= m.start && code < m.end)
            p.python.module = m.path;
      } else if (r.kind == trace::EvPyCode) {
        size_t nul = r.text.find('\0');
        CodeName &c = codes[(uint64_t)r.args[0]];
        c.file = r.text.substr(0, nul);
        c.function = nul == std::string::npos ? std::string() : r.text.substr(nul + 1);
        size_t end = c.function.find('\0');
        if (end != std::string::npos)
          c.function.resize(end);
      } else if (r.kind == trace::EvPyStack) {
        auto it = lastStackOfThread.find(r.tid);
        if (it == lastStackOfThread.end())
          continue;
        std::vector<PyFrame> &out = pythonOf[it->second];
        out.clear();
        for (size_t k = 0; k < r.frames.size() && 4 * k + 4 <= r.text.size(); ++k) {
          int32_t line = 0;
          std::memcpy(&line, r.text.data() + 4 * k, 4);
          PyFrame f;
          auto c = codes.find(r.frames[k]);
          if (c != codes.end()) {
            f.file = c->second.file;
            f.function = c->second.function;
          } else {
            f.function = "?"; // its name was lost
          }
          f.line = line;
          f.evalEntry = r.args[3] == 1 && k < 62 && ((uint64_t)r.args[4] >> k & 1);
          out.push_back(std::move(f));
        }
        if (r.args[1] > (int64_t)r.frames.size())
          pythonCutOf[it->second] = (size_t)r.args[1] - r.frames.size();
        if (r.args[2] == 1)
          pythonCutAtLeast.insert(it->second);
        if (r.args[3] == 1)
          pythonEntriesKnown.insert(it->second);
        lastStackOfThread.erase(it);
      } else if (!r.frames.empty()) {
        lastStackOfThread[r.tid] = i;
      }
    }
  }
  // Stacks are resolved once this image's modules are known.
  auto stackOf = [&](const trace::DecodedRecord &r) {
    Stack st;
    size_t index = (size_t)(&r - log.records.data());
    if (index < log.records.size()) {
      auto py = pythonOf.find(index);
      if (py != pythonOf.end()) {
        st.python = py->second;
        auto cut = pythonCutOf.find(index);
        st.pythonCut = cut == pythonCutOf.end() ? 0 : cut->second;
        st.pythonCutAtLeast = pythonCutAtLeast.count(index) > 0;
        st.pythonEntriesKnown = pythonEntriesKnown.count(index) > 0;
      } else if (p.python.status == 2) {
        st.pythonNote = "no Python frames: " + p.python.unreadable;
      }
    }
    for (size_t i = 0; i < r.frames.size(); ++i) {
      Frame f = frameFor(p, r.frames[i]);
      f.returnAddress = i > 0;
      f.interpreter = !p.python.module.empty() && f.module == p.python.module;
      f.evalLoop = p.python.inEvalLoop(f.pc, f.returnAddress);
      if (f.evalLoop && f.function.empty())
        f.function = "_PyEval_EvalFrameDefault"; // the symbolizer may say more
      // The runtime's own frames (the recorder, an interceptor such as abort's in the middle of
      // a crash stack, the thread-start trampoline) are noise to the user.
      if (isRuntimeModule(f.module))
        continue;
      st.frames.push_back(std::move(f));
    }
    linkPythonFrames(st, r.frames.size() >= trace::kMaxFrames);
    st.frames.shrink_to_fit(); // a model of 100,000 processes holds many stacks
    return st;
  };
  std::string pendingSemName;
  std::map<int, uint64_t> lastEventOfThread;
  size_t nextFork = 0;
  for (const trace::DecodedRecord &r : log.records) {
    if (r.kind == trace::EvThreadEnd) {
      auto it = lastEventOfThread.find((int)r.tid);
      p.threadEnds.push_back(
          ThreadEnd{(int)r.tid, r.timeNs, it == lastEventOfThread.end() ? 0 : it->second});
    } else {
      lastEventOfThread[(int)r.tid] = r.timeNs;
    }
    if (r.kind == trace::EvFork && r.args[0] > 0) {
      ForkRecord f;
      f.child = nextFork < forkChildren.size() ? forkChildren[nextFork++] : (int)r.args[0];
      f.imageIndex = imageIndex;
      f.tid = (int)r.tid;
      f.timeNs = r.timeNs;
      f.threads = (int)r.args[2];
      f.stdoutPending = (long)r.args[3];
      f.stderrPending = (long)r.args[4];
      f.vfork = r.args[5] == trace::ForkVfork;
      f.otherThreads = r.text;
      f.stack = stackOf(r);
      p.forks.push_back(std::move(f));
    } else if (r.kind == trace::EvIpcCreate) {
      IpcObject o;
      o.kind = (int)r.args[0];
      o.name = r.text;
      o.creator = self;
      o.timeNs = r.timeNs;
      o.stack = stackOf(r);
      ipcEvents_.push_back(IpcEvent{r.timeNs, true, std::move(o)});
    }
    if (r.kind == trace::EvLockBlock) {
      LockBlock b;
      b.lock = LockKey{(uint64_t)r.args[1], (uint64_t)r.args[2], (uint64_t)r.args[3]};
      b.kind = (int)r.args[0];
      b.tid = (int)r.tid;
      b.timeNs = r.timeNs;
      b.address = (uint64_t)r.args[4];
      b.stack = stackOf(r);
      p.lockBlocks.push_back(std::move(b));
    } else if (r.kind == trace::EvPipe) {
      PipeMade pm;
      pm.readFd = (int)r.args[0];
      pm.writeFd = (int)r.args[1];
      pm.inode = (uint64_t)r.args[2];
      pm.flags = (int)r.args[3];
      pm.tid = (int)r.tid;
      pm.timeNs = r.timeNs;
      p.pipes.push_back(pm);
    } else if (r.kind == trace::EvLockTaken) {
      LockTake t;
      t.lock = LockKey{(uint64_t)r.args[1], (uint64_t)r.args[2], (uint64_t)r.args[3]};
      t.tid = (int)r.tid;
      t.timeNs = r.timeNs;
      t.stack = stackOf(r);
      p.lockTakes.push_back(std::move(t));
    } else if (r.kind == trace::EvSemPost) {
      SemPost sp;
      sp.sem = LockKey{(uint64_t)r.args[0], (uint64_t)r.args[1], (uint64_t)r.args[2]};
      sp.tid = (int)r.tid;
      sp.timeNs = r.timeNs;
      sp.stack = stackOf(r);
      p.semPosts.push_back(std::move(sp));
    } else if (r.kind == trace::EvLockOrder) {
      LockOrderEdge e;
      e.first = LockKey{(uint64_t)r.args[0], (uint64_t)r.args[1], (uint64_t)r.args[2]};
      e.second = LockKey{(uint64_t)r.args[3], (uint64_t)r.args[4], (uint64_t)r.args[5]};
      e.pid = self;
      e.tid = (int)r.tid;
      e.timeNs = r.timeNs;
      e.stack = stackOf(r);
      lockOrder_.push_back(std::move(e));
    } else if (r.kind == trace::EvIpcCreate && r.args[0] == trace::IpcSem) {
      pendingSemName = r.text;
      semOpens_.emplace_back(r.text, self);
    }
    if (r.kind == trace::EvSemInit) {
      LockKey k{(uint64_t)r.args[1], (uint64_t)r.args[2], (uint64_t)r.args[3]};
      semInitial_[k] = (long)r.args[0];
      semCreations_[k].push_back(r.timeNs);
      auto created = semCreators_.find(k);
      if (created == semCreators_.end() || r.timeNs < created->second.second)
        semCreators_[k] = {self, r.timeNs};
    }
    if (r.kind == trace::EvSemInit && r.args[4] == 1 && !pendingSemName.empty()) {
      lockNames_[LockKey{(uint64_t)r.args[1], (uint64_t)r.args[2], (uint64_t)r.args[3]}]
          .emplace_back(r.timeNs, pendingSemName);
      pendingSemName.clear();
    }
    switch (r.kind) {
    case trace::EvKill: {
      KillEvent k;
      k.sender = self;
      k.target = r.args[0] > 0 ? idAt((int)r.args[0], r.timeNs) : (int)r.args[0];
      k.signal = (int)r.args[1];
      k.timeNs = r.timeNs;
      k.tid = (int)r.tid;
      k.api = (int)r.args[3];
      if (r.args[4] == 1)
        k.stack = stackOf(r);
      kills_.push_back(std::move(k));
      break;
    }
    case trace::EvSysvShmGet:
    case trace::EvSysvShmRmid: {
      // A segment is known by its id; creation and removal replay with the named objects.
      bool create = r.kind == trace::EvSysvShmGet;
      if (create ? r.args[4] != 1 : r.args[1] != 0)
        break;
      IpcObject o;
      o.kind = trace::IpcSysvShm;
      o.name = "shmid " + std::to_string(r.args[0]);
      o.creator = self;
      o.timeNs = r.timeNs;
      o.sysvId = (int)r.args[0];
      if (create) {
        o.sysvKey = r.args[1];
        o.sysvSize = (uint64_t)r.args[2];
        o.stack = stackOf(r);
      }
      ipcEvents_.push_back(IpcEvent{r.timeNs, create, std::move(o)});
      break;
    }
    case trace::EvSharedMap: {
      SharedMapping m;
      m.address = (uint64_t)r.args[0];
      m.length = (uint64_t)r.args[1];
      m.flags = (int)r.args[2];
      m.dev = (uint64_t)r.args[3];
      m.inode = (uint64_t)r.args[4];
      m.offset = (uint64_t)r.args[5];
      m.timeNs = r.timeNs;
      m.path = r.text;
      m.tid = (int)r.tid;
      m.stack = stackOf(r);
      p.sharedMappings.push_back(std::move(m));
      break;
    }
    case trace::EvSharedUnmap: {
      uint64_t lo = (uint64_t)r.args[0], hi = lo + (uint64_t)r.args[1];
      for (SharedMapping &m : p.sharedMappings)
        if (!m.unmapped && m.address >= lo && m.address + m.length <= hi)
          m.unmapped = true;
      break;
    }
    case trace::EvMqBlock: {
      MqBlock b;
      b.tid = (int)r.tid;
      b.op = (int)r.args[0];
      b.mqd = (int)r.args[1];
      b.name = r.text;
      b.timeNs = r.timeNs;
      b.stack = stackOf(r);
      p.mqBlocks.push_back(std::move(b));
      break;
    }
    case trace::EvMqWake:
      for (auto it = p.mqBlocks.rbegin(); it != p.mqBlocks.rend(); ++it)
        if (it->tid == (int)r.tid) {
          it->returned = true;
          break;
        }
      break;
    default:
      break;
    }
    if (r.kind != trace::EvSignal)
      continue;
    SignalDelivery s;
    s.tid = (int)r.tid;
    s.signal = (int)r.args[0];
    s.siCode = (int)r.args[1];
    s.senderPid = r.args[2] > 0 ? idAt((int)r.args[2], r.timeNs) : (int)r.args[2];
    s.faultAddress = (uint64_t)r.args[3];
    s.timeNs = r.timeNs;
    s.stack = stackOf(r);
    p.signals.push_back(std::move(s));
  }
  // A thread waiting for a process-shared mutex right now: the runtime records no event for the
  // wait (a timed first try would cost every contended hand-off a kernel timer), only the lock in
  // the held table. It is the thread's current lock block, without a stack (a hang report takes
  // the blocked thread's stack itself).
  for (const trace::HeldLock &w : log.waiting) {
    LockBlock b;
    b.lock = LockKey{w.dev, w.inode, w.offset};
    b.kind = w.kind;
    b.tid = w.tid;
    b.timeNs = log.records.empty() ? log.startNs : log.records.back().timeNs;
    p.lockBlocks.push_back(std::move(b));
  }
}

Frame SessionModel::frameFor(const Process &p, uint64_t pc) const {
  Frame f;
  f.pc = pc;
  if (!p.modules)
    return f;
  for (const Module &m : *p.modules) {
    if (pc >= m.start && pc < m.end) {
      f.module = m.path;
      f.fileOffset = pc - m.start + m.fileOffset;
      break;
    }
  }
  return f;
}

void SessionModel::setRoot(int pid, int waitStatus) {
  // The program started first: the first process with its pid.
  auto inc = incarnations_.find(pid);
  if (inc != incarnations_.end() && !inc->second.empty())
    pid = inc->second.front().id;
  rootPid_ = pid;
  rootExit_ = ExitInfo::fromWaitStatus(waitStatus);
  Process &p = get(pid);
  p.exit = rootExit_;
  p.reapedBy = kReapedByMonitor;
}

void SessionModel::noteReapedByMonitor(int pid, int waitStatus) {
  // The wrapper reaps in turn the processes that had a pid: the first one no one reaped yet.
  auto inc = incarnations_.find(pid);
  if (inc != incarnations_.end())
    for (const Incarnation &i : inc->second) {
      const Process *c = find(i.id);
      if (c && c->reapedBy == 0 && !c->exit.known && i.id != rootPid_) {
        pid = i.id;
        break;
      }
    }
  Process &p = get(pid);
  p.exit = ExitInfo::fromWaitStatus(waitStatus);
  p.reapedBy = kReapedByMonitor;
}

void SessionModel::noteStillRunning(int pid) { get(pid).stillRunning = true; }

void SessionModel::noteKilledByMonitor(int pid, int signal) {
  get(pid).killedByMonitor = true;
  KillEvent k;
  k.sender = kMonitorPid;
  k.target = pid;
  k.signal = signal;
  kills_.push_back(std::move(k));
}

bool SessionModel::isAncestor(int ancestor, int pid) const {
  const Process *p = find(pid);
  for (int depth = 0; p && depth < 4096; ++depth) {
    if (p->ppid == ancestor)
      return true;
    if (p->ppid == p->pid)
      break;
    p = find(p->ppid);
  }
  return false;
}

bool SessionModel::signalSentByTree(int pid, int signal) const {
  const Process *victim = find(pid);
  for (const KillEvent &k : kills_) {
    if (k.sender == pid || (signal != 0 && k.signal != signal) || k.signal == 0)
      continue;
    // Group and broadcast kills are taken as deliberate: precision first.
    if (k.target <= 0)
      return true;
    if (k.target != pid)
      continue;
    if (k.sender == kMonitorPid || isAncestor(k.sender, pid) || (victim && victim->reapedBy > 0))
      return true;
  }
  return false;
}

SignalSender SessionModel::senderOf(const Process &p) const {
  // The latest kill of that signal aimed at p itself, else one p sent itself (raise, abort,
  // kill of its own group), else a group or broadcast kill by another process.
  const KillEvent *best = nullptr;
  int bestRank = 0;
  for (const KillEvent &k : kills_) {
    if (k.signal != p.exit.signal)
      continue;
    int rank = k.target == p.pid ? 3 : k.sender == p.pid ? 2 : k.target <= 0 ? 1 : 0;
    if (rank == 0)
      continue;
    if (rank > bestRank || (rank == bestRank && k.timeNs >= best->timeNs)) {
      best = &k;
      bestRank = rank;
    }
  }
  SignalSender s;
  if (!best)
    return s;
  s.known = true;
  s.pid = best->sender;
  s.tid = best->tid;
  s.api = best->api;
  s.target = best->target;
  s.timeNs = best->timeNs;
  s.stack = best->stack;
  return s;
}

const char *SignalSender::call() const {
  switch (api) {
  case trace::KillKillpg:
    return "killpg()";
  case trace::KillSigqueue:
    return "sigqueue()";
  case trace::KillRaise:
    return "raise()";
  case trace::KillAbort:
    return "abort()";
  default:
    return "kill()";
  }
}

const MqBlock *SessionModel::currentMqBlock(int pid, int tid) const {
  const Process *p = find(pid);
  if (!p)
    return nullptr;
  for (auto it = p->mqBlocks.rbegin(); it != p->mqBlocks.rend(); ++it)
    if (it->tid == tid)
      return it->returned ? nullptr : &*it;
  return nullptr;
}

bool SessionModel::runsParentImage(const Process &p) const {
  const Process *parent = find(p.ppid);
  if (!parent || p.exe.empty())
    return false;
  for (const std::string &image : parent->execChain)
    if (image == p.exe)
      return true;
  return false;
}

} // namespace monitor
} // namespace procsan
