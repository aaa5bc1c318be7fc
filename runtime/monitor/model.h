// The monitor's model of a traced process tree, built from the decoded logs of a session and
// from what the wrapper itself saw (the root's status, the orphans it reaped as subreaper).
#ifndef PROCSAN_MONITOR_MODEL_H
#define PROCSAN_MONITOR_MODEL_H

#include "trace/reader.h"

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace procsan {
namespace monitor {

struct Module {
  uint64_t start = 0, end = 0, fileOffset = 0;
  std::string path;
  bool operator==(const Module &o) const {
    return start == o.start && end == o.end && fileOffset == o.fileOffset && path == o.path;
  }
};

struct Frame {
  uint64_t pc = 0;
  std::string module;         // empty when the pc is in no known mapping
  uint64_t fileOffset = 0;    // offset of pc within the module's file
  bool returnAddress = false; // a caller frame: the call is the instruction before pc
  bool interpreter = false;   // in the CPython interpreter's own module (libpython, python3)
  bool evalLoop = false;      // in _PyEval_EvalFrameDefault: a call of the eval loop
  std::string function, file;
  int line = 0;
  int column = 0;
};

// A frame of Python code (CPython processes), as a Python traceback names it.
struct PyFrame {
  std::string file, function;
  int line = 0;
  bool evalEntry = false; // the first frame of an eval loop call (when the runtime said)
  int nativeFrame = -1;   // index of the native frame of that call in Stack::frames, or -1
};

// A file of the Python standard library or of the interpreter's frozen modules (not a package
// installed in site-packages: that is code the user chose to run).
bool isPythonLibraryFile(const std::string &file);

struct Stack;
// The frame of a Python stack that is the user's code: the innermost one outside the standard
// library (the innermost frame when all are the library's); null without Python frames.
const PyFrame *userPythonFrame(const Stack &stack);
// What multiprocessing object a Python stack made, as the user wrote it: "Lock", "Queue",
// "SharedMemory('psm_1a2b')", ... from the library frame the user's frame called; empty when
// the stack does not say.
std::string pythonObjectType(const Stack &stack);
// What started a process, from the Python stack of its fork: "a Pool worker", "a
// ProcessPoolExecutor worker", "the multiprocessing resource tracker", "a multiprocessing
// Process", or empty.
std::string pythonStarter(const Stack &forkStack);
// Sets each Python frame's nativeFrame: the k-th native frame in the eval loop, innermost first,
// runs the Python frames of the k-th eval loop call (from one evalEntry frame to the next). Left
// at -1 when the two stacks do not agree (both whole and a different number of calls: a native
// frame the unwinder missed, say) and for Python frames past the recorded native ones.
// nativeCut: the native stack stopped at the unwinder's limit.
void linkPythonFrames(Stack &stack, bool nativeCut);
// "the multiprocessing Lock created at app.py:8 in main", or empty when stack has no Python frames.
std::string describePythonCreation(const Stack &stack);

// A CPython process (EvPyInfo): version 0xMMmm, status 1 when its frames are readable, 2 when
// not (why in unreadable); the module the interpreter is in; where its runtime state and type
// objects are (for reading a stopped thread's frames from outside).
struct PythonInterpreter {
  unsigned version = 0;
  int status = 0;
  std::string unreadable;
  std::string module;
  uint64_t runtime = 0, codeType = 0, unicodeType = 0, bytesType = 0, frameType = 0;
  uint64_t evalStart = 0, evalEnd = 0; // _PyEval_EvalFrameDefault's code, when known
  // Whether the native frame at pc (a return address when caller) is in the eval loop.
  bool inEvalLoop(uint64_t pc, bool caller) const {
    const uint64_t at = caller && pc ? pc - 1 : pc;
    return evalStart && at >= evalStart && at < evalEnd;
  }
};

struct Stack {
  std::vector<Frame> frames;
  // Of a CPython process: its Python frames at that moment, innermost first (the runtime keeps
  // the innermost 32; pythonCut counts the outer ones left out), or why there are none.
  std::vector<PyFrame> python;
  size_t pythonCut = 0;
  bool pythonCutAtLeast = false;   // the thread had pythonCut or more outer frames
  bool pythonEntriesKnown = false; // PyFrame::evalEntry says where eval loop calls begin
  std::string pythonNote;          // "no Python frames: CPython 3.14.0: layout not known"
};

// How a process ended, decoded from a wait status.
struct ExitInfo {
  bool known = false;
  bool signaled = false;
  int code = 0;
  int signal = 0;
  bool coreDumped = false;
  static ExitInfo fromWaitStatus(int status);
  bool abnormal() const { return known && (signaled || code != 0); }
  std::string describe() const; // "exited with status 3", "killed by SIGSEGV"
};

constexpr int kReapedByMonitor = -1;
constexpr int kMonitorPid = -1; // the sender of the kills procsan makes itself

// A process is known in the model by an id, not by its pid: a run that makes more processes than
// pid_max gives one pid to several processes in turn. The last process to have a pid has that pid
// as its id (so a live process found in /proc is found by its pid); the ones before it have
// pid + k * kPidSpan (k = 1, 2, ...: Linux pids stay below 2^22). Every reference between
// processes (parent, reaper, fork, kill target, sender) holds ids.
constexpr int kPidSpan = 1 << 22;
// The OS pid of a process id (ids <= 0 stay as they are: kMonitorPid, group kill targets).
inline int osPid(int id) { return id > 0 ? id % kPidSpan : id; }

struct SignalDelivery {
  int tid = 0;
  int signal = 0;
  int siCode = 0;
  int senderPid = 0;
  uint64_t faultAddress = 0;
  uint64_t timeNs = 0;
  Stack stack;
};

struct ForkRecord {
  int child = 0;
  size_t imageIndex = 0; // which of the parent's images (execChain) forked
  int tid = 0;
  uint64_t timeNs = 0;
  int threads = 0;          // threads of the parent at the fork (1: only the forking one)
  std::string otherThreads; // "tid:name ..." of the others
  long stdoutPending = 0;   // bytes in the parent's stdout buffer at the fork
  long stderrPending = 0;
  bool vfork = false; // made by vfork (the runtime runs it as a fork): the child may only exec
                      // or _exit
  Stack stack;
};

// A thread's end recorded shortly after a fork (EvThreadEnd).
struct ThreadEnd {
  int tid = 0;
  uint64_t timeNs = 0;
  uint64_t previousEventNs = 0; // that thread's last other event before it ended (0: none)
};

// A process-shared lock, by its identity across processes.
struct LockKey {
  uint64_t dev = 0, inode = 0, offset = 0;
  bool operator<(const LockKey &o) const {
    return dev != o.dev ? dev < o.dev : inode != o.inode ? inode < o.inode : offset < o.offset;
  }
  bool operator==(const LockKey &o) const {
    return dev == o.dev && inode == o.inode && offset == o.offset;
  }
};

// The first time a thread took a process-shared lock (EvLockTaken).
struct LockTake {
  LockKey lock;
  int tid = 0;
  uint64_t timeNs = 0;
  Stack stack;
};

struct HeldEntry {
  LockKey lock;
  int tid = 0;
  int kind = 0; // trace::LockKind
};

struct LockBlock { // a thread about to wait for a lock (the last one per thread is current)
  LockKey lock;
  int tid = 0;
  int kind = 0;
  uint64_t timeNs = 0;
  uint64_t address = 0; // where the lock is in the process (a futex wait on it points here)
  Stack stack;
};

struct SemPost { // the first sem_post of a shared semaphore by a process (it produces for it)
  LockKey sem;
  int tid = 0;
  uint64_t timeNs = 0;
  Stack stack;
};

struct LockOrderEdge { // `second` taken while `first` was held
  LockKey first, second;
  int pid = 0;
  int tid = 0;
  uint64_t timeNs = 0;
  Stack stack;
};

// A named IPC object created (O_CREAT) by a process of the tree.
struct IpcObject {
  int kind = 0; // trace::IpcKind
  std::string name;
  int creator = 0;
  uint64_t timeNs = 0;
  Stack stack;
  bool unlinked = false;     // some process of the tree unlinked it afterwards
  bool stillPresent = false; // found in the system when the tree was gone
  // SysV segments (kind trace::IpcSysvShm, name "shmid N"; "unlinked" is shmctl(IPC_RMID)).
  int sysvId = -1;
  int64_t sysvKey = 0;
  uint64_t sysvSize = 0;
};

// Who sent the signal a process died of, as far as the tree's kill/raise/abort calls tell.
struct SignalSender {
  bool known = false;
  int pid = 0; // kMonitorPid: procsan itself
  int tid = 0;
  int api = 0;    // trace::KillApi
  int target = 0; // as passed: a pid, or <= 0 for a group or everyone
  uint64_t timeNs = 0;
  Stack stack;              // the sender's stack at the call, when it was taken
  const char *call() const; // "kill()", "killpg()", "sigqueue()", "raise()", "abort()"
};

struct SharedMapping { // mmap(MAP_SHARED) of a process
  uint64_t address = 0, length = 0, dev = 0, inode = 0, offset = 0;
  int flags = 0;
  uint64_t timeNs = 0;
  bool unmapped = false;
  std::string path; // the file mapped (/dev/shm/NAME for shm_open), empty for anonymous memory
  int tid = 0;
  Stack stack;
};

struct PipeMade {     // a pipe()/pipe2() of a process
  uint64_t inode = 0; // /proc shows both ends as "pipe:[inode]"
  int readFd = -1, writeFd = -1;
  int flags = 0; // pipe2's flags
  int tid = 0;
  uint64_t timeNs = 0;
};

// What a pipe is to CPython's multiprocessing, from the semaphores its creator made right after
// it: Queue.__init__ makes a pipe, then its reader Lock, its writer Lock and its capacity counter;
// SimpleQueue (a Pool's task and result queues) the pipe and the two Locks only.
struct PipeRole {
  std::string what; // "Queue", "SimpleQueue", or empty when the evidence is not there
  LockKey readLock; // the Lock get() holds while it reads the pipe
};

struct MqBlock { // a thread about to block in mq_send/mq_receive (last one per thread current)
  int tid = 0;
  int op = 0; // trace::MqOp
  int mqd = 0;
  std::string name;
  uint64_t timeNs = 0;
  bool returned = false; // the matching EvMqWake was seen
  Stack stack;
};

struct Process {
  int pid = 0;  // the id (see kPidSpan): osPid(pid) is the OS pid
  int ppid = 0; // the parent's id
  // Which process with this OS pid it was, in start order (0: the first), and how many processes
  // of the run had that pid.
  int incarnation = 0;
  int incarnations = 1;
  bool traced = false; // at least one log of it was read
  std::string exe;
  std::vector<std::string> argv;
  std::vector<std::string> execChain; // exe of every image, in order
  uint64_t startNs = 0, endNs = 0;
  ExitInfo exit;
  int reapedBy = 0; // id of the reaping process, kReapedByMonitor, or 0 (nobody, as far as known)
  uint64_t reapedNs = 0;        // when a traced reaper's wait returned it (a bound on its death)
  bool statusDiscarded = false; // its reaper passed no status pointer (wait(NULL))
  bool triedExec = false;       // called exec (whether or not it succeeded)
  uint64_t alarmAtNs = 0;       // when its last alarm()/setitimer(ITIMER_REAL) fires (0: none)
  uint64_t alarmIntervalNs = 0; // and then every so often (0: once)
  std::vector<SignalDelivery> signals;
  std::vector<ForkRecord> forks; // children this process forked
  std::vector<ThreadEnd> threadEnds;
  std::vector<LockTake> lockTakes;
  std::vector<HeldEntry> held; // process-shared locks held at its end (or now)
  std::vector<LockBlock> lockBlocks;
  std::vector<SemPost> semPosts;
  std::vector<MqBlock> mqBlocks;
  std::vector<PipeMade> pipes;
  std::vector<SharedMapping> sharedMappings;
  int threadsLive = 0;          // pthread_create'd threads alive at its end (or now)
  unsigned threadsCreated = 0;  // pthread_create calls that succeeded
  SignalSender killedBy;        // filled in finish() for a death by signal
  bool ranExitHandlers = false; // exit() or a return from main: atexit handlers, stdio flush
  bool calledUnderscoreExit = false;
  bool startedSession = false;      // setsid(): a daemon detaching on purpose
  bool stillRunning = false;        // alive when procsan stopped watching the tree
  bool killedByMonitor = false;     // procsan ended it (--on-hang=kill)
  bool waitedForParentExit = false; // blocked reading a pipe its parent held when it exited
  bool execed() const { return execChain.size() > 1; }
  bool inheritsImage = false; // started by fork: its first image and argv are the parent's
  bool startedByFork = false; // the same, kept after finish() fills the inherited image in
  std::vector<std::vector<std::string>> argvByImage; // argv of each entry of execChain
  // The mappings of its (last) image; processes with the same list share one.
  std::shared_ptr<const std::vector<Module>> modules;
  uint64_t eventsDropped = 0;
  // The CPython interpreter this image runs (EvPyInfo), if any.
  PythonInterpreter python;
  // Another process had this pid before and the model could not tell them apart (logs added one
  // by one without addLogs, or more than 511 processes with one pid): what it says of this pid
  // may mix them.
  bool pidReused = false;
  std::string commandLine() const;
};

struct KillEvent {
  int sender = 0;
  int target = 0; // as passed to kill(): >0 a pid, 0 own group, -1 all, <-1 a group
  int signal = 0;
  uint64_t timeNs = 0;
  int tid = 0;
  int api = 0; // trace::KillApi
  Stack stack;
};

// What telling apart the processes that had one pid needs of a log (SessionModel::planLogs).
struct LogPlan {
  int pid = 0, ppid = 0;
  uint32_t generation = 0;
  uint64_t startNs = 0;
  bool forked = false;                         // it starts by fork
  bool execed = false;                         // it called exec
  std::vector<std::pair<int, uint64_t>> reaps; // its wait results: pid, time
};

class SessionModel {
public:
  // Adding logs one at a time without holding them all: planLogs with the plan of every log of
  // the session first, then addLog for each in start order.
  static LogPlan planOf(const trace::DecodedLog &log);
  void planLogs(const std::vector<LogPlan> &plans);
  // Adds every log of a session: first tells apart the processes that had the same pid in turn
  // (from the logs' start times, fork starts and exec calls), then adds each log. Logs added
  // with addLog alone are known by pid only.
  void addLogs(const std::vector<trace::DecodedLog> &logs) { addLogs(logs, false); }
  // The same, letting go of each log's events once it is added: a session's decoded events and
  // its model are never held whole at once.
  void addLogs(std::vector<trace::DecodedLog> &&logs) { addLogs(logs, true); }
  void addLog(const trace::DecodedLog &log);
  // After the last log: orders what several logs say about shared objects.
  void finish();
  void setRoot(int pid, int waitStatus);
  void noteReapedByMonitor(int pid, int waitStatus);
  void noteStillRunning(int pid);
  // procsan ended a stuck tree: these deaths are deliberate, not crashes or leaks.
  void noteKilledByMonitor(int pid, int signal);

  // Resolves a pc of process pid to its module (frames of the same process image).
  Frame frameFor(const Process &p, uint64_t pc) const;

  const std::map<int, Process> &processes() const { return processes_; }
  std::map<int, Process> &processes() { return processes_; }
  const std::vector<KillEvent> &kills() const { return kills_; }
  const std::vector<LockOrderEdge> &lockOrder() const { return lockOrder_; }
  // How many pids a new process took after an earlier traced process had them and the model
  // could not tell the processes apart (see Process::pidReused).
  size_t reusedPids() const { return reusedPids_; }
  // How many pids were had by several processes of the run, told apart.
  size_t sharedPids() const { return sharedPids_; }
  // The id of the process that had OS pid `pid` at time t: the last one started by then (the
  // first one when none had started). pid itself when the logs named no process with it.
  int idAt(int pid, uint64_t t) const;
  // The id of the last process with that pid (the one /proc shows while the tree runs).
  int latestId(int pid) const { return pid; }
  // "1234" or, for a pid several processes had, "1234 (the 2nd process with that pid)".
  std::string pidText(int id) const;
  // Which semaphore an identity meant at time t: how many were created with it by then. A
  // semaphore's identity is its file's inode, and /dev/shm gives an unlinked one's inode to the
  // next; locks of two generations are not the same lock.
  size_t semaphoreGeneration(const LockKey &k, uint64_t t) const;
  // "a process-shared mutex at offset 0x40 of /dev/zero (deleted)", as well as can be said.
  // At time t (a named semaphore's identity may have named several semaphores in turn: the one
  // created last by t is meant); the default is the last one made.
  std::string describeLock(const LockKey &k, int kind, uint64_t t = UINT64_MAX) const;
  // The first recorded mmap(MAP_SHARED) that holds the lock's memory, and the process that made
  // it; {nullptr, nullptr} when none was recorded (memory mapped before tracing, SysV shm).
  std::pair<const Process *, const SharedMapping *> mappingOf(const LockKey &k) const;
  // The name a semaphore was created with (sem_open), or empty.
  std::string semaphoreName(const LockKey &k, uint64_t t = UINT64_MAX) const;
  // The value a shared semaphore was created with, or -1 when its creation was not seen.
  long semaphoreInitialValue(const LockKey &k) const;
  // The process that created a shared semaphore (sem_init or sem_open with O_CREAT) and when,
  // or {0, 0} when its creation was not seen.
  std::pair<int, uint64_t> semaphoreCreator(const LockKey &k) const;
  // Every process with direct evidence of using the lock: it created or opened it by name,
  // blocked on it, posted it, held it at its end, or took it in a recorded lock order.
  std::set<int> lockUsers(const LockKey &k) const;
  // " (a multiprocessing Lock or RLock)" for CPython's /mp-* semaphores, or empty.
  std::string multiprocessingRole(const std::string &name, const LockKey &k) const;
  std::vector<IpcObject> &ipcObjects() { return ipc_; }
  const std::vector<IpcObject> &ipcObjects() const { return ipc_; }
  // The message-queue call thread tid of pid is blocked in, if its last one has not returned.
  const MqBlock *currentMqBlock(int pid, int tid) const;
  // The process that made the pipe with this inode and the record of it, or {nullptr, nullptr}.
  std::pair<const Process *, const PipeMade *> pipeCreation(uint64_t inode) const;
  // Processes that could have held the pipe's ends without /proc showing them now: the creator's
  // children forked after it made the pipe, and their descendants (they inherit every fd).
  std::set<int> pipeInheritors(uint64_t inode) const;
  // The multiprocessing object the pipe belongs to, when its creator's semaphores say so.
  PipeRole pipeRole(uint64_t inode) const;
  // The pid of the process whose multiprocessing Pool p is a worker of, or 0. Pool() makes its
  // task, result and change-notifier SimpleQueues (a pipe and two Locks each) in one thread, then
  // starts its workers: a child forked (or spawned) after its parent's three latest
  // multiprocessing queues are such SimpleQueues, made in one thread, is taken for a worker.
  int poolOwnerOf(const Process &p) const;
  // "process 12 (a Pool worker of pid 7: python3 app.py)" or "process 12 (python3 app.py)".
  std::string describeProcess(const Process &p) const;
  // The fork record of a child in its parent, if the parent was traced.
  const ForkRecord *forkOf(int child) const;
  int rootPid() const { return rootPid_; }
  const ExitInfo &rootExit() const { return rootExit_; }
  const Process *find(int pid) const;
  // True when some process of the tree other than pid sent pid this signal on purpose: a group
  // or broadcast kill, or a kill aimed at pid by an ancestor, by its reaper, or by procsan.
  // A kill aimed at it by anyone else (a sibling, a child) counts only when the program reaped
  // the victim (it saw the status). Signal 0 asks about any signal (probes with kill(pid, 0)
  // never count).
  bool signalSentByTree(int pid, int signal) const;
  bool isAncestor(int ancestor, int pid) const;
  // True when p runs the same program image as its parent (a worker, not an exec'd tool).
  bool runsParentImage(const Process &p) const;

private:
  Process &get(int pid);
  // The processes that had each OS pid, in start order (only with addLogs).
  struct Incarnation {
    uint64_t startNs = 0;
    int id = 0;
    int ppid = 0;         // OS pid of the parent its first log names
    bool forked = false;  // its first log starts with a fork
    bool claimed = false; // a fork record names it already
  };
  std::map<int, std::vector<Incarnation>> incarnations_;
  std::map<std::pair<int, uint32_t>, int> logIds_; // (pid, generation) of a log -> id
  // The id of the child a fork by parent (OS pid) at time t made.
  int idOfFork(int pid, uint64_t t, int parent);
  int idOfLog(const trace::DecodedLog &log) const;
  void addLogs(const std::vector<trace::DecodedLog> &logs, bool release);
  // Module lists of the latest images: a forked child's list is its parent's, shared.
  std::vector<std::shared_ptr<const std::vector<Module>>> recentModules_;
  size_t sharedPids_ = 0;
  std::map<int, Process> processes_;
  std::vector<KillEvent> kills_;
  std::vector<IpcObject> ipc_;
  SignalSender senderOf(const Process &p) const;
  std::vector<LockOrderEdge> lockOrder_;
  size_t reusedPids_ = 0;
  // Named semaphores by identity: (creation time, name), in time order after finish().
  std::map<LockKey, std::vector<std::pair<uint64_t, std::string>>> lockNames_;
  std::map<LockKey, long> semInitial_;                      // initial values of shared semaphores
  std::map<LockKey, std::pair<int, uint64_t>> semCreators_; // first creation seen: pid, time
  std::map<LockKey, std::vector<uint64_t>> semCreations_;   // every creation's time
  std::vector<std::pair<std::string, int>> semOpens_;       // sem_open by name: name, pid
  struct IpcEvent {
    uint64_t timeNs;
    bool create;
    IpcObject object;
  };
  std::vector<IpcEvent> ipcEvents_;
  int rootPid_ = 0;
  ExitInfo rootExit_;
};

std::string signalName(int sig);
const char *ipcKindName(int kind);             // "shared memory", "semaphore", "message queue"
bool isRuntimeModule(const std::string &path); // libprocsan-rt.so itself

} // namespace monitor
} // namespace procsan

#endif
