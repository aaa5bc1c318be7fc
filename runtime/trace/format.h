// The procsan trace format: one header shared by the writer (the preloaded runtime) and the
// reader (the monitor). Every traced process image writes one log file: a fixed header page
// followed by fixed-size records. The file is mmap'd by the writer, so records survive SIGKILL
// and _exit; the reader treats every byte as untrusted (see reader.h).
#ifndef PROCSAN_TRACE_FORMAT_H
#define PROCSAN_TRACE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

namespace procsan {
namespace trace {

constexpr uint32_t kMagic = 0x4e535350; // "PSSN" little-endian
constexpr uint16_t kVersion = 2;
constexpr uint32_t kHeaderSize = 4096;
constexpr uint32_t kRecordSize = 512;
constexpr uint32_t kMaxFrames = 40;
// Records per log: a 4 MiB file (DESIGN.md §5's memory per process), sparse. Its pages get storage
// only when the writer reaches them (rt::backSlot), so a log costs what it holds: 8 KiB for a
// process that starts and exits, up to 4 MiB for one that records thousands of events.
constexpr uint32_t kDefaultCapacity = (4u << 20) / kRecordSize - kHeaderSize / kRecordSize;

// Kinds of events. Values are part of the on-disk format: append, never renumber.
enum EventKind : uint16_t {
  EvNone = 0,         // slot reserved but not (yet) committed
  EvProcessStart = 1, // a0=pid a1=ppid a2=1 if started by fork in a traced parent; text=exe
                      // (empty after fork: the image and argv are the parent's, not repeated)
  EvArgv = 2,         // a0=chunk index a1=byte count; text=NUL-separated argv bytes
  EvFork = 3,         // in the parent: a0=child pid (or -1) a1=errno a2=threads of the parent
                      // a3/a4=bytes pending in stdout/stderr; text=other threads "tid:name ...";
                      // frames=stack at fork
  EvWaitResult = 4,   // a0=reaped pid a1=raw status a2=options a3=1 if reaped (not WNOWAIT)
                      // a4=1 if the caller passed no status pointer (status discarded)
  EvKill = 5,         // a0=target a1=signal a2=result a3=api (KillApi)
  EvSignal = 6,       // crash signal delivered: a0=sig a1=si_code a2=si_pid a3=fault addr
  EvModule = 7,       // a0=map start a1=map end a2=file offset; text=path
  EvExit = 8,         // a0=exit code a1=api (ExitApi)
  EvExec = 9,         // a0=0 before exec; text=path
  EvExecFailed = 10,  // a0=errno
  EvIpcCreate = 11,   // a0=IpcKind a1=oflag a2=1 if it created the object; text=name; frames
  EvIpcUnlink = 12,   // a0=IpcKind a1=result; text=name
  EvSetsid = 13,      // a0=result (the new session id)
  EvLockBlock = 14,   // about to block: a0=LockKind a1=dev a2=inode a3=offset a4=address; frames
  EvLockOrder = 15,   // first time B taken while holding A: a0..a2=A (dev,inode,offset),
                      // a3..a5=B; frames=stack at B
  EvSemInit = 16,     // a0=initial value a1=dev a2=inode a3=offset a4=1 if created by name
  EvSharedMap = 17,   // mmap(MAP_SHARED): a0=address a1=length a2=flags a3=dev a4=inode a5=offset
                      // (as /proc/self/maps has them, like lock identities, also for anonymous
                      // memory); text=path of a file mapping; frames
  EvSharedUnmap = 18, // munmap over a recorded shared mapping: a0=address a1=length
  EvSysvShmGet = 19,  // a0=shmid a1=key a2=size a3=shmflg a4=1 if this call created it; frames
  EvSysvShmAt = 20,   // a0=shmid a1=address (or -1)
  EvSysvShmDt = 21,   // a0=address a1=result
  EvSysvShmRmid = 22, // shmctl(IPC_RMID): a0=shmid a1=result
  EvMqBlock = 23,     // a message queue call would block: a0=MqOp a1=mqd; text=queue; frames
  EvMqWake = 24,      // the blocking call returned: a0=MqOp a1=mqd a2=0 or errno
  EvTimerArmed = 25,  // alarm()/setitimer(ITIMER_REAL): a0=ns from now until it fires (0:
                      // disarmed) a1=interval in ns (0: once)
  EvThreadEnd = 26,   // a thread started with pthread_create ended (tid = that thread); only
                      // recorded within a second after a fork that saw other threads, so the
                      // monitor can tell a thread already on its way out at the fork
  EvLockTaken = 27,   // the first time this thread took a process-shared lock (a mutex or a
                      // binary semaphore): a0=LockKind a1=dev a2=inode a3=offset; frames
  // Python frames (CPython processes only; see runtime/rt/python/): a stack record (one with
  // frames) may be followed by an EvPyStack of the same thread holding the Python frames of that
  // moment. Code objects are named once per log by EvPyCode before or near their first use.
  EvPyCode = 28,  // a0=code object address a1=co_firstlineno a2=byte count of the names, which
                  // fill the record from `frames` on (through `text`): "FILE\0FUNCTION\0"
  EvPyStack = 29, // the Python frames of the previous stack record of this thread: a0=frames here
                  // a1=frames the thread had (more than a0: the outermost were cut) a2=1 when it
                  // had more than a1 (the capture stopped at its limit) a3=1 when a4 is given
                  // a4=bit i set when frame i began a call of the eval loop (see
                  // py::kEvalEntry); frames[i]=code object address, text=int32 line numbers,
                  // innermost first
  EvPyInfo = 30,  // once per process image, at its first stack in a CPython process: a0=version
                  // (0xMMmm) a1=1 readable, 2 not (text=why) a2=address of _PyRuntime (for reads
                  // of a blocked thread's frames from outside) a3=address of PyCode_Type
                  // a4=address of a function of the interpreter (its module is the interpreter)
                  // a5=address of PyUnicode_Type; frames[0..1]=PyBytes_Type, PyFrame_Type,
                  // frames[2..3]=start and end of _PyEval_EvalFrameDefault (0 when unknown)
  // 31-46: reserved for the interposers being added next to the ones above.
  EvChildWaitsForExit = 47, // at a normal exit: child a0 is blocked reading (or polling) fd a2,
                            // a pipe or FIFO (inode a1) this process can write to: a helper
                            // that ends when this process ends (its "lifeline")
  EvSemPost = 48, // first sem_post of a shared semaphore by this process image, not as a lock
                  // release (a producer): a0=dev a1=inode a2=offset a3=address; frames
  EvPipe = 49,    // pipe()/pipe2() made a pipe: a0=read fd a1=write fd a2=inode (as /proc/PID/fd
                  // shows "pipe:[inode]") a3=flags
  // 50-59: reserved for more interposers. 60-62: lock events for the timeline (--trace).
  EvLockWake = 60,    // a wait recorded by EvLockBlock returned: a0=LockKind a1=dev a2=inode
                      // a3=offset a4=0 when it got the lock, else the error
  EvLockAcquire = 61, // only in sessions with lock tracing on (`procsan run --trace`): a
                      // process-shared lock taken: a0=LockKind a1=dev a2=inode a3=offset
  EvLockRelease = 62, // lock tracing only: a0=LockKind a1=dev a2=inode a3=offset; for a
                      // semaphore any post (a4=1 when this process did not hold it: a producer)
  EvKindCount
};

// EvKill: a4=1 when frames hold the sender's stack (signals that end a process by default).
enum KillApi : int64_t {
  KillKill = 0,
  KillKillpg = 1,
  KillSigqueue = 2,
  KillRaise = 3, // raise() and kill/tgkill of itself through raise
  KillAbort = 4  // abort(): recorded before the SIGABRT it raises
};
// EvFork a5: which call made the process.
enum ForkApi : int64_t { ForkFork = 0, ForkVfork = 1, ForkClone = 2 };
enum MqOp : int64_t { MqSend = 0, MqReceive = 1 };
enum ExitApi : int64_t { ExitExit = 0, ExitUnderscore = 1, ExitQuick = 2, ExitAtexit = 3 };
enum IpcKind : int64_t { IpcShm = 0, IpcSem = 1, IpcMq = 2, IpcSysvShm = 3 };
enum LockKind : uint16_t { LockMutex = 1, LockSem = 2 };

// Process-shared locks the process holds right now, kept in the header page and updated in
// place (no event per acquire/release): what a process held when it died is what is left here.
constexpr uint32_t kMaxHeld = 64;
constexpr uint32_t kStateOffset = 512;
struct HeldLock {
  uint64_t dev;
  uint64_t inode;
  uint64_t offset;
  // 0: free; > 0: held by that thread; -1: being filled; -T (T <= kMaxTid): thread T waits for
  // the lock; kParkedBase + T: thread T's slot for this lock, kept while it does not hold it.
  int32_t tid;
  uint16_t kind;
  uint16_t reserved;
};
constexpr int32_t kMaxTid = 1 << 22; // the kernel's largest pid_max
constexpr int32_t kParkedBase = INT32_MIN;
struct LogState {
  HeldLock held[kMaxHeld];
  int32_t threadsLive;     // threads started with pthread_create and not yet ended (atomic)
  uint32_t threadsCreated; // pthread_create calls that succeeded (atomic)
};

struct FileHeader {
  uint32_t magic;
  uint16_t version;
  uint16_t recordSize;
  uint32_t headerSize;
  uint32_t capacity; // number of record slots after the header
  int32_t pid;
  int32_t ppid;
  uint32_t generation; // exec generation of this pid within the session (0, 1, ...)
  uint32_t reserved0;
  uint64_t startNs;   // CLOCK_MONOTONIC at log creation
  uint64_t nextIndex; // slots reserved so far (atomic); may exceed capacity
  uint64_t dropped;   // events that could not be stored (atomic): no consumer, no disk space
  // The record slots are a ring: event i lives in slot i % capacity. The monitor consumes
  // committed events in order while the program runs (copying them to the log's spill file,
  // p<PID>.<GEN>.spill, and clearing their slots) and advances consumed past them; a writer
  // whose event would overwrite one not yet consumed waits for the monitor (see
  // rt::recordWith); an index is only taken when its slot is free, so an event that is dropped
  // leaves no gap. Logs nobody consumed keep 0 here, and then hold events [0, capacity).
  uint64_t consumed;     // events [0, consumed) are in the spill file (atomic; monitor writes)
  uint32_t consumerGone; // nobody will consume (no monitor, or it gave up on this log): a full
                         // ring drops at once (atomic)
  uint32_t reserved1;
  uint64_t backoffUntilNs; // a writer waited 2 s in vain: until then, a full ring drops at once
                           // instead of waiting; the monitor clears it when it consumes (atomic)
};

constexpr size_t kTextSize = kRecordSize - (2 + 2 + 4 + 8 + 6 * 8 + kMaxFrames * 8);
// EvPyCode's names use the frames and the text of the record; EvPyStack's lines use the text.
constexpr size_t kPyNamesSize = kMaxFrames * 8 + kTextSize;
constexpr uint32_t kMaxPyFrames = kTextSize / 4 < kMaxFrames ? kTextSize / 4 : kMaxFrames;

struct Record {
  uint16_t kind; // written last (release), EvNone until the record is complete
  uint16_t nframes;
  uint32_t tid;
  uint64_t timeNs; // CLOCK_MONOTONIC
  int64_t args[6];
  uint64_t frames[kMaxFrames]; // frame 0 is the exact pc, the others are return addresses
  char text[kTextSize];        // NUL-terminated unless full
};

static_assert(sizeof(Record) == kRecordSize, "record size is part of the format");
static_assert(sizeof(FileHeader) <= kHeaderSize, "header must fit its page");
static_assert(sizeof(FileHeader) <= kStateOffset, "the state follows the header");
static_assert(kStateOffset + sizeof(LogState) <= kHeaderSize, "state must fit the header page");

inline size_t logFileSize(uint32_t capacity) {
  return (size_t)kHeaderSize + (size_t)capacity * kRecordSize;
}

// The slot of event idx in a ring of capacity slots.
inline uint64_t slotOf(uint64_t idx, uint32_t capacity) {
  return idx < capacity ? idx : idx % capacity;
}

} // namespace trace
} // namespace procsan

#endif
