// The Python stack of the calling thread, read from CPython's data structures in this process.
//
// The thread state: the interpreter's gilstate TSS key (in _PyRuntime) gives the thread's
// PyThreadState whether or not the thread holds the GIL (pthread_getspecific reads the thread's
// own descriptor, no lock). Up to 3.11 the GIL holder's thread state (gilstate.tstate_current)
// is tried first, and with subinterpreters the TSS key is not trusted (it keeps naming the
// thread's first thread state there). A thread the key does not name is found by walking
// _PyRuntime.interpreters.head (newest first) and each interpreter's thread states for the one
// whose thread_id is pthread_self() and that has frames. The frames:
//   3.8 - 3.10  tstate->frame, a chain of PyFrameObject (f_back); the line comes from f_lasti
//               (a byte offset on 3.8/3.9, a code unit on 3.10) and co_lnotab (3.8/3.9) or
//               co_linetable (3.10), as PyCode_Addr2Line does (f_lineno is right only while
//               tracing).
//   3.11, 3.12  tstate->cframe->current_frame, a chain of _PyInterpreterFrame (previous); the
//               line from the location table (co_linetable) at prev_instr.
//   3.13        tstate->current_frame, f_executable and instr_ptr; the offsets come from the
//               _Py_DebugOffsets at the start of _PyRuntime (cookie and version checked), so a
//               patch release that moves a field still reads right.
// Frames that are not the program's are skipped as CPython skips them: entry frames owned by the
// C stack (3.12+), frames not yet started (before _co_firsttraceable, the frame's own set-up),
// and on 3.13 executables that are not code objects.
//
// Every read goes through process_vm_readv on this process: a pointer that went stale fails the
// read instead of faulting, so a capture is safe in a signal handler that interrupted the
// interpreter anywhere (tested: tens of thousands of captures from signals sent at random moments
// to threads running, blocking, starting and ending). Object types are checked (PyFrame_Type,
// PyCode_Type, PyBytes_Type, PyUnicode_Type, found with dlsym), walks are bounded and cycles
// detected. Reads are batched: one call reads the code objects of up to kBatch frames, another
// their line tables (the cost of process_vm_readv is mostly per range read, about 0.5 us each, plus
// 0.5 us per call).
//
// The layouts were measured with offsetof on the headers of 3.8.18, 3.9.18, 3.10.13, 3.11.7
// (and Debian's 3.11.2), 3.12.1 and 3.13.0 compiled with Py_BUILD_CORE. They hold for release
// builds with the GIL; debug builds (Py_DEBUG, Py_TRACE_REFS) and free-threaded 3.13 builds are
// reported unreadable, as is any other version (3.7 and older, 3.14 and newer).
#include "rt/python/pyframes.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

namespace procsan {
namespace rt {
namespace py {
namespace {

enum FrameShape : uint8_t {
  kFrameObjects,      // 3.8 - 3.10: PyFrameObject chain
  kInterpreterFrames, // 3.11+: _PyInterpreterFrame chain
};

enum LineShape : uint8_t {
  kLnotab,    // 3.8, 3.9: (byte offset delta, signed line delta) pairs
  kLinetable, // 3.10: (byte offset delta, signed line delta, -128 = no line) pairs
  kLocations, // 3.11+: the location table (PEP 657)
};

enum LayoutFlags : uint8_t {
  kViaCFrame = 1,    // the current frame is tstate->cframe->current_frame (3.11, 3.12)
  kCStackOwner = 2,  // frames owned by the C stack are the interpreter's entry frames (3.12+)
  kCodeVarSize = 4,  // PyCodeObject's ob_size is its number of code units (3.11+)
  kNonCodeFrames = 8 // f_executable may be something else than a code object (3.13)
};

// Byte offsets of the fields read, per minor version.
struct Layout {
  unsigned version; // 0xMMmm
  FrameShape frames;
  LineShape lines;
  uint8_t flags;
  struct {
    uint32_t interpretersHead;
    uint32_t tssKey;        // gilstate autoTSSkey (a Py_tss_t); 0 when not known
    uint32_t tstateCurrent; // gilstate.tstate_current, the GIL holder's (3.8 - 3.11); else 0
  } runtime;
  struct {
    uint32_t next, threadsHead;
  } interp;
  struct {
    uint32_t next, threadId;
    uint32_t frame; // frame (3.8 - 3.10), cframe (3.11, 3.12) or current_frame (3.13)
    uint32_t cframeCurrentFrame;
  } thread;
  struct {
    uint32_t back, code, instr, owner; // f_back/previous, f_code/f_executable, f_lasti/prev_instr/
                                       // instr_ptr, owner (3.11+)
  } frame;
  struct {
    uint32_t filename, name; // name: co_qualname on 3.11+, co_name before
    uint32_t firstLineno, linetable;
    uint32_t code, firstTraceable; // co_code_adaptive, _co_firsttraceable (3.11+; else 0)
  } code;
  struct {
    uint32_t asciiSize, compactSize; // sizeof(PyASCIIObject), sizeof(PyCompactUnicodeObject)
    uint32_t utf8Length, utf8;
  } str;
};

// Measured with offsetof (see the top of this file). Columns: version, frame and line shapes,
// flags; runtime {interpreters.head, autoTSSkey, gilstate.tstate_current}; interp {next,
// threads head}; thread {next, thread_id, frame, cframe->current_frame}; frame {back, code,
// instr, owner}; code {filename, name, firstlineno, linetable, co_code_adaptive,
// _co_firsttraceable}; str {sizeof ASCII, sizeof compact, utf8_length, utf8}.
// clang-format off
constexpr Layout kLayouts[] = {
    {0x0308, kFrameObjects, kLnotab, 0,
     {32, 1392, 1368}, {0, 8}, {8, 176, 24, 0}, {24, 32, 104, 0}, {104, 112, 40, 120, 0, 0},
     {48, 72, 48, 56}},
    {0x0309, kFrameObjects, kLnotab, 0,
     {32, 584, 568}, {0, 8}, {8, 176, 24, 0}, {24, 32, 104, 0}, {104, 112, 40, 120, 0, 0},
     {48, 72, 48, 56}},
    {0x030a, kFrameObjects, kLinetable, 0,
     {32, 584, 568}, {0, 8}, {8, 176, 24, 0}, {24, 32, 96, 0}, {104, 112, 40, 120, 0, 0},
     {48, 72, 48, 56}},
    {0x030b, kInterpreterFrames, kLocations, kViaCFrame | kCodeVarSize,
     {40, 592, 576}, {0, 16}, {8, 152, 56, 8}, {48, 32, 56, 69}, {112, 128, 72, 136, 184, 168},
     {48, 72, 48, 56}},
    {0x030c, kInterpreterFrames, kLocations, kViaCFrame | kCStackOwner | kCodeVarSize,
     {40, 1544, 0}, {0, 72}, {8, 136, 56, 0}, {8, 0, 56, 70}, {112, 128, 68, 136, 192, 176},
     {40, 56, 40, 48}},
    {0x030d, kInterpreterFrames, kLocations, kCStackOwner | kCodeVarSize | kNonCodeFrames,
     {632, 2160, 0}, {7264, 7344}, {8, 152, 72, 0}, {8, 0, 56, 70}, {112, 128, 68, 136, 200, 184},
     {40, 56, 40, 48}},
};
// clang-format on

// What threadNames() reads besides frames: a frame's first local (`self`), and the instance dict of
// a Python class's object (Objects/dictobject.c, Include/internal/pycore_object.h per version).
enum DictShape : uint8_t {
  kDictAtOffset,   // 3.8 - 3.10: a dict object at tp_dictoffset
  kManagedDict311, // 3.11: Py_TPFLAGS_MANAGED_DICT: values pointer at obj - 32, dict at obj - 24
  kManagedDict312, // 3.12: at obj - 24 a dict, or values - 1 (odd)
  kInlineValues313 // 3.13: Py_TPFLAGS_INLINE_VALUES: values right after the object header (with
                   // a valid flag), else a dict at obj - 24
};
struct ObjectLayout {
  unsigned version;
  DictShape dicts;
  uint32_t localsplus;  // PyFrameObject.f_localsplus (3.8 - 3.10), _PyInterpreterFrame.localsplus
  uint32_t cachedKeys;  // PyHeapTypeObject.ht_cached_keys: the keys of inline/split values (3.11+)
  uint32_t valuesArray; // PyDictValues.values (3.13: after capacity, size, embedded, valid)
};
// Measured with offsetof like kLayouts (Debian's 3.11.2 agrees with 3.11.7).
constexpr ObjectLayout kObjectLayouts[] = {
    {0x0308, kDictAtOffset, 360, 0, 0},    {0x0309, kDictAtOffset, 360, 0, 0},
    {0x030a, kDictAtOffset, 352, 0, 0},    {0x030b, kManagedDict311, 72, 872, 0},
    {0x030c, kManagedDict312, 72, 880, 0}, {0x030d, kInlineValues313, 72, 880, 8},
};
// PyTypeObject (the same from 3.8 to 3.13) and its flags.
constexpr uint32_t kTpBasicsize = 32, kTpFlags = 168, kTpDictoffset = 288;
constexpr uint64_t kTpInlineValues = 1 << 2, kTpManagedDict = 1 << 4, kTpHeapType = 1 << 9;

// The common object layout (release builds): ob_type, PyVarObject's ob_size, and PyBytesObject.
constexpr uint32_t kObType = 8, kObSize = 16, kBytesData = 32;
constexpr uint8_t kOwnedByGenerator = 1, kOwnedByCStack = 3;

// 3.13's _Py_DebugOffsets (Include/internal/pycore_runtime.h), the first field of _PyRuntime.
// Stable within 3.13.x; 3.14 changed it (its version field tells).
struct DebugOffsets313 {
  char cookie[8]; // "xdebugpy"
  uint64_t version, freeThreaded;
  struct {
    uint64_t size, finalizing, interpretersHead;
  } runtime;
  struct {
    uint64_t size, id, next, threadsHead, gc, importsModules, sysdict, builtins, cevalGil,
        gilRuntimeState, gilEnabled, gilLocked, gilHolder;
  } interp;
  struct {
    uint64_t size, prev, next, interp, currentFrame, threadId, nativeThreadId, datastackChunk,
        status;
  } thread;
  struct {
    uint64_t size, previous, executable, instrPtr, localsplus, owner;
  } frame;
  struct {
    uint64_t size, filename, name, qualname, linetable, firstlineno, argcount, localsplusnames,
        localspluskinds, codeAdaptive;
  } code;
  struct {
    uint64_t size, obType;
  } object;
  struct {
    uint64_t size, tpName, tpRepr, tpFlags;
  } type;
  struct {
    uint64_t size, obItem, obSize;
  } tuple, list;
  struct {
    uint64_t size, maKeys, maValues;
  } dict;
  struct {
    uint64_t size, obFval;
  } floatObject;
  struct {
    uint64_t size, lvTag, obDigit;
  } longObject;
  struct {
    uint64_t size, obSize, obSval;
  } bytes;
  struct {
    uint64_t size, state, length, asciiobjectSize;
  } unicode;
  struct {
    uint64_t size, collecting;
  } gc;
};

struct State {
  int initState; // 0 = not yet, 1 = in progress, 2 = done (atomic)
  int status;
  unsigned version;
  Layout layout;
  ObjectLayout objects;
  uint64_t runtime, codeType, unicodeType, bytesType, frameType, interpreterFunction;
  uint64_t longType, dictType; // for threadNames(); 0 when not exported
  uint64_t evalStart, evalEnd; // _PyEval_EvalFrameDefault's code; 0 when not known
  char reason[112];
};
State gPy;

constexpr int kMaxWalk = 1024; // frames looked at (skipped ones included)
constexpr int kMaxInterpreters = 64;
constexpr int kMaxThreadStates = 4096;
constexpr int kBatch = 6;        // frames whose code objects and line tables are read at once
constexpr size_t kWindow = 1536; // bytes of the data stack read at once (3.11+ frames)
constexpr size_t kCodeReadMax = 192;
constexpr size_t kTablePrefetch = 160;        // line table bytes read with its header
constexpr int64_t kMaxTableScan = 256 * 1024; // a line table scanned further gives line -1

// ---------------------------------------------------------------------------------------------
// Reading memory

constexpr uint64_t kMinAddress = 4096, kMaxAddress = 1ull << 56;

inline uint64_t load64(const uint8_t *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}
inline uint32_t load32(const uint8_t *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

inline bool plausible(uint64_t addr, uint64_t align = 8) {
  return addr >= kMinAddress && addr < kMaxAddress && (addr & (align - 1)) == 0;
}

// Arguments to syscall() are passed as longs: the flags, its seventh argument, go on the stack,
// where an int would leave the upper half of the slot undefined (EINVAL).
struct Reader {
  pid_t pid;

  // Bytes read from [addr, addr + n): fewer when the range runs into memory that cannot be read,
  // -1 when its start cannot.
  long some(uint64_t addr, void *dst, size_t n) const {
    if (addr < kMinAddress || addr >= kMaxAddress || n > kMaxAddress - addr)
      return -1;
    struct iovec local = {dst, n}, remote = {reinterpret_cast<void *>(addr), n};
    return syscall(SYS_process_vm_readv, (long)pid, &local, 1ul, &remote, 1ul, 0ul);
  }
  bool all(uint64_t addr, void *dst, size_t n) const { return some(addr, dst, n) == (long)n; }

  // Several ranges (a few) in as few calls as the memory allows: got[i] is what
  // range i yielded (a range that cannot be read does not stop the ones after it).
  void batch(struct iovec *local, struct iovec *remote, int n, size_t *got) const {
    for (int i = 0; i < n; ++i) {
      uint64_t a = reinterpret_cast<uint64_t>(remote[i].iov_base);
      got[i] = 0;
      if (a < kMinAddress || a >= kMaxAddress || remote[i].iov_len > kMaxAddress - a)
        local[i].iov_len = remote[i].iov_len = 0; // read as nothing
    }
    int i = 0;
    while (i < n) {
      long r = syscall(SYS_process_vm_readv, (long)pid, local + i, (unsigned long)(n - i),
                       remote + i, (unsigned long)(n - i), 0ul);
      if (r < 0) { // range i could not be read at all
        ++i;
        continue;
      }
      size_t left = (size_t)r;
      while (i < n && left >= remote[i].iov_len) {
        got[i] = remote[i].iov_len;
        left -= remote[i].iov_len;
        ++i;
      }
      if (i < n)
        got[i++] = left; // read up to a fault
    }
  }

  // 8-byte fields at base + offsets[i], in one range when they are close together.
  bool fields(uint64_t base, const uint32_t *offsets, int n, uint64_t *out) const {
    uint32_t lo = offsets[0], hi = offsets[0];
    for (int i = 1; i < n; ++i) {
      lo = offsets[i] < lo ? offsets[i] : lo;
      hi = offsets[i] > hi ? offsets[i] : hi;
    }
    hi += 8;
    if (hi - lo <= 256) {
      uint8_t buf[256];
      if (!all(base + lo, buf, hi - lo))
        return false;
      for (int i = 0; i < n; ++i)
        out[i] = load64(buf + (offsets[i] - lo));
      return true;
    }
    struct iovec local[4], remote[4];
    size_t got[4];
    if (n > 4)
      return false;
    for (int i = 0; i < n; ++i) {
      local[i] = {&out[i], 8};
      remote[i] = {reinterpret_cast<void *>(base + offsets[i]), 8};
    }
    batch(local, remote, n, got);
    for (int i = 0; i < n; ++i)
      if (got[i] != 8)
        return false;
    return true;
  }
};

Reader selfReader() { return Reader{(pid_t)syscall(SYS_getpid)}; }

struct ErrnoKeeper {
  int saved = errno;
  ~ErrnoKeeper() { errno = saved; }
};

// Brent's cycle detection over a pointer chain.
struct CycleCheck {
  uint64_t mark = 0;
  unsigned power = 1, length = 0;
  bool seen(uint64_t p) {
    if (p == mark)
      return true;
    if (++length == power) {
      mark = p;
      power *= 2;
      length = 0;
    }
    return false;
  }
};

// ---------------------------------------------------------------------------------------------
// Finding the thread's frames

// The innermost frame of thread state ts if it belongs to this thread (thread_id is
// pthread_self()); *owner false when it belongs to another thread.
bool frameOfThreadState(const Reader &r, uint64_t ts, uint64_t self, uint64_t *next, bool *owner,
                        uint64_t *top) {
  const Layout &L = gPy.layout;
  if (!plausible(ts))
    return false;
  const uint32_t offsets[3] = {L.thread.next, L.thread.threadId, L.thread.frame};
  uint64_t v[3];
  if (!r.fields(ts, offsets, 3, v))
    return false;
  *next = v[0];
  *owner = v[1] == self;
  *top = 0;
  if (!*owner || !v[2])
    return true;
  if (L.flags & kViaCFrame) {
    if (!plausible(v[2]) || !r.all(v[2] + L.thread.cframeCurrentFrame, top, 8))
      return false;
  } else {
    *top = v[2];
  }
  return true;
}

// The calling thread's innermost frame (0 when it has none). False when the state looks corrupt.
__attribute__((noinline)) bool findTopFrame(const Reader &r, uint64_t self, bool remote,
                                            uint64_t *top) {
  const Layout &L = gPy.layout;
  *top = 0;
  // interpreters.head (and up to 3.11 interpreters.main, which follows it), the TSS key, the
  // GIL holder's thread state (up to 3.11): in one call.
  uint32_t offsets[4] = {L.runtime.interpretersHead, L.runtime.interpretersHead + 8,
                         L.runtime.tssKey, L.runtime.tstateCurrent};
  uint64_t v[4] = {0, 0, 0, 0};
  const int nFields = L.runtime.tstateCurrent ? 4 : L.runtime.tssKey ? 3 : 1;
  if (!r.fields(gPy.runtime, offsets, nFields, v))
    return false;
  uint64_t interp = v[0], next = 0;
  bool owner = false;
  // Up to 3.11: the thread state running with the GIL, when it is this thread's, is the one in
  // use (in a subinterpreter too, where the TSS key keeps naming the thread's first one).
  if (v[3] && frameOfThreadState(r, v[3], self, &next, &owner, top) && owner)
    return true;
  // Py_tss_t is {int _is_initialized; pthread_key_t _key;}. pthread_getspecific only reads this
  // thread's descriptor (no lock): the key holds the thread state CPython bound to the thread
  // (3.12+: the one it used last, a subinterpreter's too). Up to 3.11, with subinterpreters and
  // the GIL released, the lists below tell better: the newest interpreter comes first.
  const uint64_t tss = v[2];
  const bool subinterpreters = L.runtime.tstateCurrent && v[0] != v[1];
  if (!remote && !subinterpreters && (uint32_t)tss == 1 && (tss >> 32) < 1024) {
    uint64_t ts =
        (uint64_t)reinterpret_cast<uintptr_t>(pthread_getspecific((pthread_key_t)(tss >> 32)));
    // The thread's own: its frames (maybe none). Anything else: look through the lists.
    if (ts && frameOfThreadState(r, ts, self, &next, &owner, top) && owner)
      return true;
  }
  CycleCheck interps;
  for (int i = 0; interp && i < kMaxInterpreters; ++i) {
    if (!plausible(interp) || interps.seen(interp))
      return false;
    const uint32_t offsets[2] = {L.interp.next, L.interp.threadsHead};
    uint64_t v[2];
    if (!r.fields(interp, offsets, 2, v))
      return false;
    CycleCheck threads;
    uint64_t ts = v[1];
    for (int j = 0; ts && j < kMaxThreadStates; ++j) {
      if (threads.seen(ts) || !frameOfThreadState(r, ts, self, &next, &owner, top))
        return false;
      if (owner && *top)
        return true;
      ts = next;
    }
    interp = v[0];
  }
  *top = 0;
  return true;
}

// Frame flags kept in Frame::flags between the walk and the batches (besides kEvalEntry).
constexpr uint16_t kFromGenerator = 0x100, kBadInstr = 0x200;

// The window of the 3.11+ data stack last read: frames pushed by one another sit next to each
// other, below the one that called them, so one read usually serves several.
struct Window {
  uint64_t start = 0;
  size_t length = 0;
  uint8_t buf[kWindow];

  const uint8_t *get(const Reader &r, uint64_t addr, size_t n) {
    if (addr >= start && addr + n <= start + length)
      return buf + (addr - start);
    // Never below the frame's page: that may be the first of its mapping.
    const uint64_t end = addr + n, page = addr & ~(uint64_t)4095;
    const uint64_t lo = end - page > kWindow ? end - kWindow : page;
    if (r.some(lo, buf, end - lo) != (long)(end - lo))
      return nullptr;
    start = lo;
    length = end - lo;
    return buf + (addr - lo);
  }
};

// Walks the chain from top, storing code objects with their instruction offsets (in Frame::line,
// a byte offset on 3.8/3.9, code units after) and flags; -1 when the chain looks corrupt.
__attribute__((noinline)) int walkFrames(const Reader &r, uint64_t top, Frame *out, int max,
                                         bool *entriesLost) {
  const Layout &L = gPy.layout;
  CycleCheck cycle;
  int n = 0;
  uint64_t f = top;
  if (L.frames == kFrameObjects) {
    const uint32_t span =
        L.frame.instr + 4 > L.frame.code + 8 ? L.frame.instr + 4 : L.frame.code + 8;
    uint8_t buf[128];
    if (span > sizeof(buf))
      return -1;
    for (int steps = 0; f && n < max && steps < kMaxWalk; ++steps) {
      if (!plausible(f) || cycle.seen(f) || !r.all(f, buf, span) ||
          load64(buf + kObType) != gPy.frameType)
        return -1;
      int32_t lasti = (int32_t)load32(buf + L.frame.instr);
      out[n].code = load64(buf + L.frame.code);
      out[n].line = lasti;
      out[n].flags = (uint16_t)(kEvalEntry | (lasti < -1 ? kBadInstr : 0)); // one call each
      ++n;
      f = load64(buf + L.frame.back);
    }
    return n;
  }
  const uint32_t span = L.frame.owner + 1;
  Window win;
  for (int steps = 0; f && n < max && steps < kMaxWalk; ++steps) {
    if (!plausible(f) || cycle.seen(f))
      return -1;
    const uint8_t *p = win.get(r, f, span);
    if (!p)
      return -1;
    uint64_t code = load64(p + L.frame.code), instr = load64(p + L.frame.instr);
    uint8_t owner = p[L.frame.owner];
    f = load64(p + L.frame.back);
    if (owner > kOwnedByCStack)
      return -1;
    if (owner == kOwnedByCStack && (L.flags & kCStackOwner)) {
      // The interpreter's entry frame (a shim): the frame it called began an eval loop call (a
      // call with no frame yet, just entered, cannot be matched with its native frame).
      if (n > 0 && !(out[n - 1].flags & kEvalEntry))
        out[n - 1].flags |= kEvalEntry;
      else
        *entriesLost = true;
      continue;
    }
    int64_t units = ((int64_t)instr - (int64_t)(code + L.code.code)) / 2;
    out[n].code = code;
    out[n].line = units >= -1 && units < (1 << 30) ? (int32_t)units : 0;
    out[n].flags = (uint16_t)((owner == kOwnedByGenerator ? kFromGenerator : 0) |
                              (units >= -1 && units < (1 << 30) ? 0 : kBadInstr));
    // 3.11 marks the first frame of an eval loop call itself (is_entry, the byte before owner).
    if (L.version == 0x030b && p[L.frame.owner - 1])
      out[n].flags |= kEvalEntry;
    ++n;
  }
  if (n > 0 && !f)
    out[n - 1].flags |= kEvalEntry; // the outermost frame began the outermost call
  return n;
}

// A line table (a bytes object) read in pieces: the first with the object's header.
struct Table {
  uint64_t object;
  int64_t length; // bytes of data
  int64_t bufStart, bufLength;
  bool failed;
  uint8_t raw[kBytesData + kTablePrefetch]; // the header, then data [bufStart, +bufLength)

  // The first piece, as read by a batch (got bytes from the object's start).
  bool start(uint64_t obj, size_t got) {
    object = obj;
    failed = false;
    if (got < kBytesData || load64(raw + kObType) != gPy.bytesType)
      return false;
    length = (int64_t)load64(raw + kObSize);
    bufStart = 0;
    bufLength = (int64_t)got - (int64_t)kBytesData;
    if (bufLength > length)
      bufLength = length;
    return length >= 0 && length <= (1 << 26);
  }
  // Byte i of the data (0 <= i < length).
  int at(const Reader &r, int64_t i) {
    if (i >= bufStart && i < bufStart + bufLength)
      return raw[kBytesData + (i - bufStart)];
    if (i < 0 || i >= length) {
      failed = true;
      return 0;
    }
    int64_t n = length - i < (int64_t)kTablePrefetch ? length - i : (int64_t)kTablePrefetch;
    if (failed || i >= kMaxTableScan || !r.all(object + kBytesData + i, raw + kBytesData, n)) {
      failed = true;
      return 0;
    }
    bufStart = i;
    bufLength = n;
    return raw[kBytesData + 0];
  }
};

// PyCode_Addr2Line of 3.8/3.9: addr is a byte offset.
int lineFromLnotab(const Reader &r, Table &t, int firstLine, int64_t addr) {
  int line = firstLine;
  int64_t at = 0;
  for (int64_t i = 0; i + 1 < t.length && !t.failed; i += 2) {
    at += t.at(r, i);
    if (at > addr)
      break;
    line += (int8_t)t.at(r, i + 1);
  }
  return line;
}

// _PyCode_CheckLineNumber of 3.10 from a fresh range: addr is a byte offset.
int lineFromLinetable(const Reader &r, Table &t, int firstLine, int64_t addr) {
  if (addr < 0)
    return firstLine;
  int64_t start = -1, end = 0, i = 0;
  int computed = firstLine, line = -1;
  while (end <= addr && !t.failed) {
    // PyLineTable_NextAddressRange: advance, then on over empty ranges.
    do {
      if (i + 1 >= t.length)
        return -1;
      start = end;
      end += t.at(r, i);
      int delta = (int8_t)t.at(r, i + 1);
      i += 2;
      if (delta == -128) {
        line = -1;
      } else {
        computed += delta;
        line = computed;
      }
    } while (start == end);
  }
  return line;
}

// _PyCode_CheckLineNumber of 3.11+ (the location table): addr is a byte offset.
int lineFromLocations(const Reader &r, Table &t, int firstLine, int64_t addr) {
  if (addr < 0)
    return firstLine;
  int64_t end = 0, i = 0;
  int computed = firstLine, line = -1;
  while (end <= addr && !t.failed) {
    if (i >= t.length)
      return -1;
    int first = t.at(r, i);
    int code = (first >> 3) & 15, delta = 0;
    if (code == 13 || code == 14) { // no column / long form: a signed varint follows
      unsigned value = 0, shift = 0;
      int64_t k = i + 1;
      int b;
      do {
        b = k < t.length ? t.at(r, k++) : 0;
        value |= (unsigned)(b & 63) << shift;
        shift += 6;
      } while ((b & 64) && shift < 32);
      delta = (value & 1) ? -(int)(value >> 1) : (int)(value >> 1);
    } else if (code >= 10 && code <= 12) { // one line forms
      delta = code - 10;
    }
    computed += delta;
    line = (first >> 3) == 0x1f ? -1 : computed;
    end += ((first & 7) + 1) * 2;
    do
      ++i;
    while (i < t.length && !(t.at(r, i) & 128) && !t.failed);
  }
  return line;
}

struct CodeInfo {
  uint64_t code, linetable;
  uint64_t name, nameHash; // co_qualname (co_name) and its cached hash ^ length
  int64_t units;           // code units (3.11+), or -1
  int32_t firstLine, firstTraceable;
  bool isCode;
};

size_t codeSpan() {
  const Layout &L = gPy.layout;
  size_t span = L.code.firstLineno + 4;
  if (L.code.linetable + 8 > span)
    span = L.code.linetable + 8;
  if (L.code.firstTraceable + 4 > span)
    span = L.code.firstTraceable + 4;
  if (L.code.name + 8 > span)
    span = L.code.name + 8;
  return span;
}

// p: the first codeSpan() bytes of the object at code.
void parseCode(const uint8_t *p, uint64_t code, CodeInfo &c) {
  const Layout &L = gPy.layout;
  c.code = code;
  c.isCode = load64(p + kObType) == gPy.codeType;
  c.linetable = load64(p + L.code.linetable);
  c.name = load64(p + L.code.name);
  c.nameHash = 0;
  c.firstLine = (int32_t)load32(p + L.code.firstLineno);
  c.units = (L.flags & kCodeVarSize) ? (int64_t)load64(p + kObSize) : -1;
  c.firstTraceable = L.code.firstTraceable ? (int32_t)load32(p + L.code.firstTraceable) : 0;
  // Shims have no RESUME: their first traceable instruction is past their end (3.13's
  // _Py_InitCleanup: 4 of 3 code units). Beyond that, the value is not one.
  if (c.firstTraceable < 0 || (c.units >= 0 && c.firstTraceable > c.units + 8))
    c.firstTraceable = 0;
}

int lineOf(const Reader &r, Table &t, const CodeInfo &c, int32_t at) {
  switch (gPy.layout.lines) {
  case kLnotab:
    return lineFromLnotab(r, t, c.firstLine, at);
  case kLinetable:
    return lineFromLinetable(r, t, c.firstLine, (int64_t)at * 2);
  default:
    return lineFromLocations(r, t, c.firstLine, (int64_t)at * 2);
  }
}

// Turns the walked frames [from, from + k) into final ones at out[w...] (w <= from): reads their
// code objects and line tables, each once. known: the code objects of the previous batch (a
// recursion repeats them), replaced by this batch's. Returns the next w, or -1 when something
// does not check out.
__attribute__((noinline)) int finishBatch(const Reader &r, Frame *out, int from, int k, int w,
                                          CodeInfo *known, int *nKnown, bool *entriesLost) {
  const Layout &L = gPy.layout;
  const size_t span = codeSpan();
  if (span > kCodeReadMax)
    return -1;
  union {
    uint8_t codes[kBatch][kCodeReadMax];
    Table tables[kBatch];
  } s;
  static_assert(sizeof(s) <= 1536, "a capture's stack stays small");
  CodeInfo info[kBatch];
  int which[kBatch], readAs[kBatch]; // frame -> info; info -> range read (-1: known)
  int nInfo = 0, nRead = 0;
  struct iovec local[kBatch], remote[kBatch];
  size_t got[kBatch];
  for (int i = 0; i < k; ++i) {
    const uint64_t code = out[from + i].code;
    which[i] = -1;
    for (int j = 0; j < nInfo && which[i] < 0; ++j)
      if (info[j].code == code)
        which[i] = j;
    if (which[i] >= 0)
      continue;
    which[i] = nInfo;
    readAs[nInfo] = -1;
    for (int j = 0; j < *nKnown && readAs[nInfo] < 0; ++j)
      if (known[j].code == code) {
        info[nInfo] = known[j];
        readAs[nInfo] = -2;
      }
    if (readAs[nInfo] == -1) {
      info[nInfo].code = code;
      info[nInfo].isCode = false;
      if (plausible(code)) {
        readAs[nInfo] = nRead;
        local[nRead] = {s.codes[nRead], span};
        remote[nRead] = {reinterpret_cast<void *>(code), span};
        ++nRead;
      }
    }
    ++nInfo;
  }
  if (nRead)
    r.batch(local, remote, nRead, got);
  for (int j = 0; j < nInfo; ++j)
    if (readAs[j] >= 0 && got[readAs[j]] == span)
      parseCode(s.codes[readAs[j]], info[j].code, info[j]);
  // The names' cached hashes and lengths (an identifier's hash is computed when it is interned):
  // with the line table's address they tell a code object from a later one at its address.
  {
    uint8_t heads[kBatch][32];
    int nHeads = 0, headOf[kBatch];
    for (int j = 0; j < nInfo; ++j) {
      headOf[j] = -1;
      if (readAs[j] >= 0 && info[j].isCode && plausible(info[j].name)) {
        headOf[j] = nHeads;
        local[nHeads] = {heads[nHeads], sizeof(heads[0])};
        remote[nHeads] = {reinterpret_cast<void *>(info[j].name), sizeof(heads[0])};
        ++nHeads;
      }
    }
    if (nHeads)
      r.batch(local, remote, nHeads, got);
    for (int j = 0; j < nInfo; ++j)
      if (headOf[j] >= 0 && got[headOf[j]] == sizeof(heads[0]))
        info[j].nameHash = load64(heads[headOf[j]] + 24) ^ (load64(heads[headOf[j]] + 16) << 40);
  }
  // Which frames stay: not a frame whose executable is not code (3.13), nor one that has not
  // started yet (its set-up before _co_firsttraceable runs: CPython skips it too).
  bool keep[kBatch];
  for (int i = 0; i < k; ++i) {
    const CodeInfo &c = info[which[i]];
    const Frame &f = out[from + i];
    keep[i] = false;
    if (!c.isCode) {
      if (L.flags & kNonCodeFrames)
        continue;
      return -1;
    }
    if ((f.flags & kBadInstr) || (c.units >= 0 && f.line >= c.units) || !plausible(c.linetable))
      return -1;
    keep[i] = L.frames == kFrameObjects || (f.flags & kFromGenerator) || f.line >= c.firstTraceable;
  }
  // The line tables, each read with a first piece of its data.
  int table[kBatch];
  uint64_t tableAt[kBatch];
  int nTables = 0;
  for (int i = 0; i < k; ++i) {
    table[i] = -1;
    if (!keep[i])
      continue;
    const uint64_t lt = info[which[i]].linetable;
    for (int j = 0; j < nTables && table[i] < 0; ++j)
      if (tableAt[j] == lt)
        table[i] = j;
    if (table[i] >= 0)
      continue;
    table[i] = nTables;
    tableAt[nTables] = lt;
    local[nTables] = {s.tables[nTables].raw, sizeof(s.tables[nTables].raw)};
    remote[nTables] = {reinterpret_cast<void *>(lt), sizeof(s.tables[nTables].raw)};
    ++nTables;
  }
  if (nTables)
    r.batch(local, remote, nTables, got);
  for (int j = 0; j < nTables; ++j)
    if (!s.tables[j].start(tableAt[j], got[j]))
      return -1;
  // Frame from + i is read before out[w] (w <= from + i) is written.
  for (int i = 0; i < k; ++i) {
    if (!keep[i]) {
      // A skipped frame that began an eval loop call: the kept frame before it, of the same call,
      // is now that call's first; without one, the call has no frame to show.
      if (out[from + i].flags & kEvalEntry) {
        if (w > 0 && !(out[w - 1].flags & kEvalEntry))
          out[w - 1].flags |= kEvalEntry;
        else
          *entriesLost = true;
      }
      continue;
    }
    const uint16_t entry = out[from + i].flags & kEvalEntry;
    const CodeInfo &c = info[which[i]];
    Table &t = s.tables[table[i]];
    t.failed = false;
    int line = lineOf(r, t, c, out[from + i].line);
    out[w].code = c.code;
    out[w].line = t.failed ? -1 : line; // an absurdly long table, or one that went away
    // Tells this code object from another one made later at the same address.
    const uint64_t mix = (c.linetable >> 3) ^ c.nameHash ^ (c.nameHash >> 32) ^
                         ((uint64_t)(uint32_t)c.firstLine * 2654435761u);
    const uint64_t folded = mix ^ (mix >> 32);
    out[w].fingerprint = (uint16_t)(folded ^ (folded >> 16));
    out[w].flags = entry;
    ++w;
  }
  *nKnown = 0;
  for (int j = 0; j < nInfo; ++j)
    if (info[j].isCode)
      known[(*nKnown)++] = info[j];
  return w;
}

// ---------------------------------------------------------------------------------------------
// Strings

size_t utf8Encode(uint32_t cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  // Lone surrogates (surrogateescape'd bytes of a file name) become '?': the text stays UTF-8.
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
    out[0] = '?';
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xc0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = (char)(0xf0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  out[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

void unknownString(char *out, size_t size) {
  if (size >= 2) {
    out[0] = '?';
    out[1] = 0;
  }
}

// Memory of one object read already (its first bytes), and the reader for the rest.
struct Source {
  const Reader &r;
  uint64_t base;
  const uint8_t *have;
  size_t got;

  bool read(uint64_t addr, void *dst, size_t n) const {
    if (addr >= base && addr - base <= got && n <= got - (addr - base)) {
      memcpy(dst, have + (addr - base), n);
      return true;
    }
    return r.all(addr, dst, n);
  }
};

// Bytes [0, length) at addr (UTF-8, or ASCII) into out, the head or the tail of them, never
// splitting a character.
bool copyUtf8(const Source &src, uint64_t addr, int64_t length, char *out, size_t size, bool tail) {
  size_t n = (uint64_t)length < size - 1 ? (size_t)length : size - 1;
  if (n && !src.read(addr + (tail ? (uint64_t)length - n : 0), out, n))
    return false;
  out[n] = 0;
  if (n == (size_t)length)
    return true;
  if (tail) {
    size_t skip = 0;
    while (skip < n && ((unsigned char)out[skip] & 0xc0) == 0x80)
      ++skip;
    memmove(out, out + skip, n - skip + 1);
  } else {
    size_t lead = n; // the start of the last character
    while (lead > 0 && n - lead < 4 && ((unsigned char)out[lead - 1] & 0xc0) == 0x80)
      --lead;
    if (lead > 0 && ((unsigned char)out[lead - 1] & 0x80)) {
      unsigned char c = (unsigned char)out[lead - 1];
      size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
      if (lead - 1 + need > n)
        out[lead - 1] = 0;
    }
  }
  return true;
}

// Code points [0, length) of kind bytes each at data, as UTF-8.
bool encodeUnits(const Source &src, uint64_t data, int kind, int64_t length, char *out, size_t size,
                 bool tail) {
  uint8_t chunk[128];
  const int64_t per = (int64_t)sizeof(chunk) / kind;
  auto unit = [&](int64_t j) -> uint32_t {
    return kind == 1   ? chunk[j]
           : kind == 2 ? (uint32_t)(chunk[2 * j] | chunk[2 * j + 1] << 8)
                       : load32(chunk + 4 * j);
  };
  char enc[4];
  if (!tail) {
    size_t pos = 0;
    for (int64_t i = 0; i < length;) {
      int64_t m = length - i < per ? length - i : per;
      if (!src.read(data + (uint64_t)(i * kind), chunk, (size_t)(m * kind)))
        return false;
      for (int64_t j = 0; j < m; ++j) {
        size_t e = utf8Encode(unit(j), enc);
        if (pos + e > size - 1) {
          out[pos] = 0;
          return true;
        }
        memcpy(out + pos, enc, e);
        pos += e;
      }
      i += m;
    }
    out[pos] = 0;
    return true;
  }
  size_t pos = size - 1; // filled backwards, then moved to the front
  out[pos] = 0;
  for (int64_t i = length; i > 0;) {
    int64_t m = i < per ? i : per;
    i -= m;
    if (!src.read(data + (uint64_t)(i * kind), chunk, (size_t)(m * kind)))
      return false;
    for (int64_t j = m - 1; j >= 0; --j) {
      size_t e = utf8Encode(unit(j), enc);
      if (e > pos) {
        i = 0;
        break;
      }
      pos -= e;
      memcpy(out + pos, enc, e);
    }
  }
  memmove(out, out + pos, size - pos);
  return true;
}

// A str object (exact PyUnicode_Type, compact: code objects' strings all are) into out; src
// holds its first bytes.
void copyString(const Source &src, char *out, size_t size, bool tail) {
  const Layout &L = gPy.layout;
  if (!out || !size)
    return;
  out[0] = 0;
  const uint8_t *h = src.have;
  if (src.got < L.str.asciiSize || load64(h + kObType) != gPy.unicodeType)
    return unknownString(out, size);
  int64_t length = (int64_t)load64(h + 16);
  uint32_t state = load32(h + 32);
  int kind = (state >> 2) & 7;
  bool compact = (state >> 5) & 1, ascii = (state >> 6) & 1;
  if (!compact || length < 0 || length > (1 << 28))
    return unknownString(out, size);
  if (ascii) {
    if (!copyUtf8(src, src.base + L.str.asciiSize, length, out, size, tail))
      unknownString(out, size);
    return;
  }
  if (src.got < L.str.compactSize)
    return unknownString(out, size);
  uint64_t utf8 = load64(h + L.str.utf8);
  int64_t utf8Length = (int64_t)load64(h + L.str.utf8Length);
  if (utf8 && utf8Length >= 0 && utf8Length < (1 << 30) &&
      copyUtf8(src, utf8, utf8Length, out, size, tail))
    return;
  if ((kind != 1 && kind != 2 && kind != 4) ||
      !encodeUnits(src, src.base + L.str.compactSize, kind, length, out, size, tail))
    unknownString(out, size);
}

// ---------------------------------------------------------------------------------------------
// Finding the interpreter

void appendText(char *buf, size_t size, const char *s) {
  size_t n = strlen(buf);
  while (*s && n + 1 < size)
    buf[n++] = *s++;
  buf[n] = 0;
}

void appendNumber(char *buf, size_t size, unsigned v) {
  char digits[12];
  int n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  char text[12];
  for (int i = 0; i < n; ++i)
    text[i] = digits[n - 1 - i];
  text[n] = 0;
  appendText(buf, size, text);
}

// "CPython 3.14.0: " + why.
void unreadable(unsigned hex, const char *why) {
  gPy.status = 2;
  gPy.reason[0] = 0;
  appendText(gPy.reason, sizeof(gPy.reason), "CPython ");
  if (hex) {
    appendNumber(gPy.reason, sizeof(gPy.reason), hex >> 24);
    appendText(gPy.reason, sizeof(gPy.reason), ".");
    appendNumber(gPy.reason, sizeof(gPy.reason), (hex >> 16) & 0xff);
    appendText(gPy.reason, sizeof(gPy.reason), ".");
    appendNumber(gPy.reason, sizeof(gPy.reason), (hex >> 8) & 0xff);
  } else {
    appendText(gPy.reason, sizeof(gPy.reason), "(version unknown)");
  }
  appendText(gPy.reason, sizeof(gPy.reason), ": ");
  appendText(gPy.reason, sizeof(gPy.reason), why);
}

// "3.10.13 (main, ..." as PY_VERSION_HEX without the release level (0 unless major.minor).
unsigned parseVersion(const char *s) {
  unsigned part[3] = {0, 0, 0};
  int parts = 0;
  while (parts < 3 && *s >= '0' && *s <= '9') {
    while (*s >= '0' && *s <= '9')
      part[parts] = part[parts] * 10 + (unsigned)(*s++ - '0');
    ++parts;
    if (*s != '.')
      break;
    ++s;
  }
  if (parts < 2 || part[0] > 255 || part[1] > 255)
    return 0;
  return part[0] << 24 | part[1] << 16 | (part[2] & 0xff) << 8;
}

// Where symbols are looked up: everything loaded globally, or a libpython the program loaded
// with dlopen (RTLD_LOCAL, the default, keeps its symbols out of RTLD_DEFAULT).
void *gSymbols = RTLD_DEFAULT;

uint64_t symbol(const char *name) {
  return (uint64_t)reinterpret_cast<uintptr_t>(dlsym(gSymbols, name));
}

// 3.13: the offsets the runtime itself publishes. The table's fields they do not cover (the TSS
// key, _co_firsttraceable, sizeof(PyCompactUnicodeObject)) are trusted only while every field
// they cover agrees with the table.
const char *applyDebugOffsets(Layout &L, ObjectLayout &O, const Reader &r, uint64_t runtime) {
  DebugOffsets313 d;
  if (!r.all(runtime, &d, sizeof(d)))
    return "_Py_DebugOffsets cannot be read";
  if (memcmp(d.cookie, "xdebugpy", 8) != 0 || (d.version >> 16) != 0x030d)
    return "_Py_DebugOffsets missing or of another version";
  if (d.freeThreaded)
    return "free-threaded build (layout not known)";
  if (d.object.obType != kObType || d.bytes.obSize != kObSize || d.bytes.obSval != kBytesData ||
      d.unicode.length != 16 || d.unicode.state != 32)
    return "object layout not known";
  const uint64_t given[] = {d.runtime.interpretersHead,
                            d.interp.next,
                            d.interp.threadsHead,
                            d.thread.next,
                            d.thread.threadId,
                            d.thread.currentFrame,
                            d.frame.previous,
                            d.frame.executable,
                            d.frame.instrPtr,
                            d.frame.owner,
                            d.code.filename,
                            d.code.qualname,
                            d.code.firstlineno,
                            d.code.linetable,
                            d.code.codeAdaptive,
                            d.unicode.asciiobjectSize};
  uint32_t *fields[] = {&L.runtime.interpretersHead,
                        &L.interp.next,
                        &L.interp.threadsHead,
                        &L.thread.next,
                        &L.thread.threadId,
                        &L.thread.frame,
                        &L.frame.back,
                        &L.frame.code,
                        &L.frame.instr,
                        &L.frame.owner,
                        &L.code.filename,
                        &L.code.name,
                        &L.code.firstLineno,
                        &L.code.linetable,
                        &L.code.code,
                        &L.str.asciiSize};
  bool same = true;
  for (size_t i = 0; i < sizeof(given) / sizeof(given[0]); ++i) {
    if (given[i] > (1 << 16))
      return "_Py_DebugOffsets out of range";
    same = same && *fields[i] == given[i];
    *fields[i] = (uint32_t)given[i];
  }
  if (d.frame.localsplus >= 8 && d.frame.localsplus < 512)
    O.localsplus = (uint32_t)d.frame.localsplus;
  if (!same) {
    L.runtime.tssKey = 0; // thread states are found by their list
    // An int, then the pointer co_extra, right before co_code_adaptive (as in 3.13.0); checked
    // against the code's size when used.
    L.code.firstTraceable = L.code.code - 16;
    L.str.compactSize = L.str.asciiSize + 16; // utf8_length, utf8
    L.str.utf8Length = L.str.asciiSize;
    L.str.utf8 = L.str.asciiSize + 8;
  }
  return nullptr;
}

void detect() {
  gPy.status = 0;
  gPy.version = 0;
  uint64_t getVersion = symbol("Py_GetVersion"), runtime = symbol("_PyRuntime");
  if (!getVersion && !runtime)
    return;
  unsigned hex = 0;
  if (const unsigned long *v = reinterpret_cast<const unsigned long *>(symbol("Py_Version")))
    hex = (unsigned)*v;
  else if (getVersion)
    hex = parseVersion(reinterpret_cast<const char *(*)()>(getVersion)());
  gPy.version = hex >> 16;
  gPy.interpreterFunction = getVersion;
  gPy.runtime = runtime;
  gPy.codeType = symbol("PyCode_Type");
  const Layout *found = nullptr;
  for (const Layout &l : kLayouts)
    if (l.version == gPy.version)
      found = &l;
  if (!found)
    return unreadable(hex, "layout not known");
  Layout L = *found;
  if (symbol("_Py_NegativeRefcount") || symbol("_Py_ForgetReference"))
    return unreadable(hex, "debug build (layout not known)");
  gPy.unicodeType = symbol("PyUnicode_Type");
  gPy.bytesType = symbol("PyBytes_Type");
  gPy.frameType = symbol("PyFrame_Type");
  if (!runtime || !gPy.codeType || !gPy.unicodeType || !gPy.bytesType ||
      (L.frames == kFrameObjects && !gPy.frameType))
    return unreadable(hex, "its symbols are not exported");
  ObjectLayout O = {};
  for (const ObjectLayout &o : kObjectLayouts)
    if (o.version == L.version)
      O = o;
  if (L.version == 0x030d)
    if (const char *why = applyDebugOffsets(L, O, selfReader(), runtime))
      return unreadable(hex, why);
  gPy.layout = L;
  gPy.objects = O;
  gPy.longType = symbol("PyLong_Type");
  gPy.dictType = symbol("PyDict_Type");
  gPy.evalStart = gPy.evalEnd = 0;
  if (uint64_t eval = symbol("_PyEval_EvalFrameDefault")) {
    Dl_info info;
    void *entry = nullptr;
    if (dladdr1(reinterpret_cast<void *>(eval), &info, &entry, RTLD_DL_SYMENT) && entry) {
      const ElfW(Sym) *sym = static_cast<const ElfW(Sym) *>(entry);
      if (sym->st_size > 0 && sym->st_size < (1u << 24)) {
        gPy.evalStart = eval;
        gPy.evalEnd = eval + sym->st_size;
      }
    }
  }
  if (codeSpan() > kCodeReadMax || L.frame.owner + 1 > kWindow || L.frame.instr + 4 > 128 ||
      L.frame.code + 8 > 128 || L.str.compactSize > 128)
    return unreadable(hex, "layout out of range");
  uint64_t probe = 0x5079667261ull, copy = 0;
  if (!selfReader().all((uint64_t)reinterpret_cast<uintptr_t>(&probe), &copy, 8) || copy != probe)
    return unreadable(hex, "process_vm_readv cannot read this process");
  gPy.status = 1;
}

// The frames of the thread whose pthread_self() is self, read through r (remote: r reads another
// process, whose thread-local TSS key cannot be asked).
int captureWith(const Reader &r, uint64_t self, bool remote, Frame *out, int max) {
  uint64_t top = 0;
  if (!findTopFrame(r, self, remote, &top) || !top)
    return 0;
  bool entriesLost = false;
  const int n = walkFrames(r, top, out, max, &entriesLost);
  if (n <= 0)
    return 0;
  CodeInfo prev[kBatch];
  int nPrev = 0, w = 0;
  for (int from = 0; from < n; from += kBatch) {
    w = finishBatch(r, out, from, n - from < kBatch ? n - from : kBatch, w, prev, &nPrev,
                    &entriesLost);
    if (w < 0)
      return 0;
  }
  for (int i = 0; i < w; ++i)
    out[i].flags = entriesLost ? 0 : out[i].flags | kEvalKnown;
  return w;
}

bool ready() { return __atomic_load_n(&gPy.initState, __ATOMIC_ACQUIRE) == 2 && gPy.status == 1; }

} // namespace

bool init() {
  int state = __atomic_load_n(&gPy.initState, __ATOMIC_ACQUIRE);
  if (state == 2)
    return gPy.status == 1;
  if (state != 0 || !__atomic_compare_exchange_n(&gPy.initState, &state, 1, false, __ATOMIC_ACQ_REL,
                                                 __ATOMIC_ACQUIRE))
    return false; // another thread is deciding
  ErrnoKeeper keep;
  detect();
  __atomic_store_n(&gPy.initState, 2, __ATOMIC_RELEASE);
  return gPy.status == 1;
}

bool rescan() {
  int state = 2;
  if (__atomic_load_n(&gPy.initState, __ATOMIC_ACQUIRE) != 2 || gPy.status != 0)
    return init();
  if (!__atomic_compare_exchange_n(&gPy.initState, &state, 1, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE))
    return false;
  ErrnoKeeper keep;
  detect();
  __atomic_store_n(&gPy.initState, 2, __ATOMIC_RELEASE);
  return gPy.status == 1;
}

namespace {

unsigned long long gLoadsSeen; // dl_iterate_phdr's dlpi_adds at the last look (atomic)

int countLoads(struct dl_phdr_info *info, size_t, void *data) {
  *static_cast<unsigned long long *>(data) = info->dlpi_adds;
  return 1; // the counter is the same in every entry: one is enough
}

// The path of a loaded libpython3.*, copied into data (a char[256]); stops at the first.
int findLibpython(struct dl_phdr_info *info, size_t, void *data) {
  const char *name = info->dlpi_name, *base = name ? strrchr(name, '/') : nullptr;
  base = base ? base + 1 : name;
  if (!base || strncmp(base, "libpython3.", 11) != 0 || strlen(name) >= 256)
    return 0;
  memcpy(data, name, strlen(name) + 1);
  return 1;
}

} // namespace

bool noticeLoadedInterpreter() {
  if (__atomic_load_n(&gPy.initState, __ATOMIC_ACQUIRE) != 2 || gPy.status != 0)
    return false;
  unsigned long long loads = 0;
  dl_iterate_phdr(countLoads, &loads);
  if (loads == __atomic_exchange_n(&gLoadsSeen, loads, __ATOMIC_ACQ_REL))
    return false;
  char path[256] = "";
  if (!dl_iterate_phdr(findLibpython, path) || !path[0])
    return false;
  // A reference of our own: the interpreter's addresses stay valid for the life of the process.
  void *handle = dlopen(path, RTLD_LAZY | RTLD_NOLOAD);
  if (!handle)
    return false;
  ErrnoKeeper keep;
  gSymbols = handle;
  const bool found = rescan();
  if (!found && status() == 0)
    gSymbols = RTLD_DEFAULT;
  return found;
}

int status() { return __atomic_load_n(&gPy.initState, __ATOMIC_ACQUIRE) == 2 ? gPy.status : 0; }

const char *unreadableReason() { return status() == 2 ? gPy.reason : ""; }

unsigned version() {
  return __atomic_load_n(&gPy.initState, __ATOMIC_ACQUIRE) == 2 ? gPy.version : 0;
}

uint64_t runtimeAddress() { return status() ? gPy.runtime : 0; }
uint64_t codeTypeAddress() { return status() ? gPy.codeType : 0; }
uint64_t interpreterCodeAddress() { return status() ? gPy.interpreterFunction : 0; }

int captureThisThread(Frame *out, int max) {
  if (!ready() || !out || max <= 0)
    return 0;
  ErrnoKeeper keep;
  const Reader r = selfReader();
  return captureWith(r, (uint64_t)pthread_self(), false, out, max);
}

namespace {

bool codeStringsWith(const Reader &r, uint64_t code, char *file, size_t fileSize, char *name,
                     size_t nameSize, int32_t *firstLine) {
  if (file && fileSize)
    file[0] = 0;
  if (name && nameSize)
    name[0] = 0;
  if (!ready() || !plausible(code))
    return false;
  ErrnoKeeper keep;
  const Layout &L = gPy.layout;
  // co_firstlineno is an int followed by more fields: read as 8 bytes, its low half.
  const uint32_t offsets[4] = {kObType, L.code.filename, L.code.name, L.code.firstLineno};
  uint64_t v[4];
  if (!r.fields(code, offsets, 4, v) || v[0] != gPy.codeType)
    return false;
  // Both strings with their first bytes (file names and names usually fit) in one call.
  constexpr size_t kPrefetch = 320;
  uint8_t head[2][kPrefetch];
  struct iovec local[2] = {{head[0], kPrefetch}, {head[1], kPrefetch}};
  struct iovec remote[2] = {{reinterpret_cast<void *>(v[1]), kPrefetch},
                            {reinterpret_cast<void *>(v[2]), kPrefetch}};
  size_t got[2];
  r.batch(local, remote, 2, got);
  copyString(Source{r, v[1], head[0], got[0]}, file, fileSize, true);
  copyString(Source{r, v[2], head[1], got[1]}, name, nameSize, false);
  if (firstLine)
    *firstLine = (int32_t)(uint32_t)v[3];
  return true;
}

} // namespace

bool codeStrings(uint64_t code, char *file, size_t fileSize, char *name, size_t nameSize,
                 int32_t *firstLine) {
  return codeStringsWith(selfReader(), code, file, fileSize, name, nameSize, firstLine);
}

// ---------------------------------------------------------------------------------------------
// Names of threading.Thread objects

namespace {

constexpr int kMaxThreadStatesNamed = 256; // thread states looked at by threadNames()
constexpr int kMaxDictEntries = 64;        // instance dict entries looked at
constexpr int kEntryChunk = 8;

// The outermost frame of the chain from top that runs code (not an entry shim): its address and
// code object. False when the chain looks corrupt or is longer than a walk goes.
bool outermostFrame(const Reader &r, uint64_t top, uint64_t *frame, uint64_t *code) {
  const Layout &L = gPy.layout;
  CycleCheck cycle;
  uint64_t f = top;
  *frame = *code = 0;
  if (L.frames == kFrameObjects) {
    const uint32_t offsets[3] = {kObType, L.frame.back, L.frame.code};
    for (int steps = 0; f; ++steps) {
      uint64_t v[3];
      if (steps >= kMaxWalk || !plausible(f) || cycle.seen(f) || !r.fields(f, offsets, 3, v) ||
          v[0] != gPy.frameType)
        return false;
      *frame = f;
      *code = v[2];
      f = v[1];
    }
    return *frame != 0;
  }
  Window win;
  for (int steps = 0; f; ++steps) {
    if (steps >= kMaxWalk || !plausible(f) || cycle.seen(f))
      return false;
    const uint8_t *p = win.get(r, f, L.frame.owner + 1);
    if (!p || p[L.frame.owner] > kOwnedByCStack)
      return false;
    if (!(p[L.frame.owner] == kOwnedByCStack && (L.flags & kCStackOwner))) {
      *frame = f;
      *code = load64(p + L.frame.code);
    }
    f = load64(p + L.frame.back);
  }
  return *frame != 0;
}

bool endsWith(const char *s, const char *tail) {
  size_t n = strlen(s), t = strlen(tail);
  return n >= t && memcmp(s + n - t, tail, t) == 0;
}

// Whether code is threading's Thread._bootstrap (or _bootstrap_inner): the outermost frame of
// every thread threading started, whose first local is the Thread.
bool isThreadBootstrap(const Reader &r, uint64_t code) {
  char file[48], name[40];
  if (!codeStringsWith(r, code, file, sizeof(file), name, sizeof(name), nullptr))
    return false;
  const size_t n = strlen(file);
  if (!endsWith(file, "threading.py") || (n > 12 && file[n - 13] != '/'))
    return false;
  return !strcmp(name, "_bootstrap") || !strcmp(name, "Thread._bootstrap") ||
         !strcmp(name, "_bootstrap_inner") || !strcmp(name, "Thread._bootstrap_inner");
}

// Where an object's attributes are: a dict object's keys and values, or a split table's shared
// keys and values array. values is 0 for a combined table (the values are in the entries).
struct AttrTable {
  uint64_t keys = 0, values = 0;
};

bool attrTableOf(const Reader &r, uint64_t obj, AttrTable &t) {
  const ObjectLayout &O = gPy.objects;
  uint64_t type = 0;
  if (!plausible(obj) || !r.all(obj + kObType, &type, 8) || !plausible(type))
    return false;
  uint32_t offsets[4] = {kTpBasicsize, kTpFlags, kTpDictoffset, O.cachedKeys};
  uint64_t tp[4] = {0, 0, 0, 0};
  if (!r.fields(type, offsets, O.cachedKeys ? 4 : 3, tp) || !(tp[1] & kTpHeapType))
    return false;
  const int64_t basicSize = (int64_t)tp[0], dictOffset = (int64_t)tp[2];
  uint64_t dict = 0;
  switch (O.dicts) {
  case kDictAtOffset:
    if (dictOffset <= 0 || dictOffset >= basicSize || basicSize > 4096 || (dictOffset & 7) ||
        !r.all(obj + (uint64_t)dictOffset, &dict, 8))
      return false;
    break;
  case kManagedDict311: {
    uint64_t v[2]; // values, dict
    if (!(tp[1] & kTpManagedDict) || !r.all(obj - 32, v, 16))
      return false;
    if (v[0]) {
      t.keys = tp[3];
      t.values = v[0];
      return plausible(t.keys) && plausible(t.values);
    }
    dict = v[1];
    break;
  }
  case kManagedDict312: {
    uint64_t dorv = 0;
    if (!(tp[1] & kTpManagedDict) || !r.all(obj - 24, &dorv, 8))
      return false;
    if (dorv & 1) {
      t.keys = tp[3];
      t.values = dorv + 1;
      return plausible(t.keys) && plausible(t.values);
    }
    dict = dorv;
    break;
  }
  case kInlineValues313: {
    uint8_t head[8]; // capacity, size, embedded, valid
    if ((tp[1] & kTpInlineValues) && basicSize == 16 && r.all(obj + 16, head, 8) && head[3]) {
      t.keys = tp[3];
      t.values = obj + 16;
      return plausible(t.keys);
    }
    if (!(tp[1] & kTpManagedDict) || !r.all(obj - 24, &dict, 8))
      return false;
    break;
  }
  }
  uint64_t d[3]; // ob_type, ma_keys, ma_values
  const uint32_t dictOffsets[3] = {kObType, 32, 40};
  if (!plausible(dict) || !gPy.dictType || !r.fields(dict, dictOffsets, 3, d) ||
      d[0] != gPy.dictType)
    return false;
  t.keys = d[1];
  t.values = d[2];
  return plausible(t.keys) && (!t.values || plausible(t.values));
}

// Whether the str object whose first bytes are in head (got of them) is exactly the ASCII name.
bool isAsciiName(const uint8_t *head, size_t got, const char *name) {
  const Layout &L = gPy.layout;
  const size_t n = strlen(name);
  if (got < L.str.asciiSize + n || load64(head + kObType) != gPy.unicodeType ||
      load64(head + 16) != n)
    return false;
  const uint32_t state = load32(head + 32);
  const bool compact = (state >> 5) & 1, ascii = (state >> 6) & 1;
  return compact && ascii && memcmp(head + L.str.asciiSize, name, n) == 0;
}

// Where the attributes were found in the last split table looked at: the Thread objects of one
// class share its keys, so the next one's values are read without looking at the keys again.
struct AttrCache {
  uint64_t keys = 0;
  int64_t index[2] = {-1, -1};
};

// The values of the attributes names[0..n) (n <= 2; exact str keys) in table t; 0 for one not
// found.
bool findAttributes(const Reader &r, const AttrTable &t, const char *const *names, int n,
                    uint64_t *found, AttrCache &cache) {
  for (int i = 0; i < n; ++i)
    found[i] = 0;
  if (n > 2)
    return false;
  if (t.values && t.keys == cache.keys) {
    struct iovec local[2], remote[2];
    size_t got[2];
    for (int i = 0; i < n; ++i) {
      local[i] = {&found[i], 8};
      remote[i] = {
          reinterpret_cast<void *>(t.values + gPy.objects.valuesArray +
                                   8 * (uint64_t)(cache.index[i] < 0 ? 0 : cache.index[i])),
          8};
    }
    r.batch(local, remote, n, got);
    for (int i = 0; i < n; ++i)
      if (got[i] != 8 || cache.index[i] < 0)
        found[i] = 0;
    return true;
  }
  cache.keys = 0;
  int64_t index[2] = {-1, -1};
  uint64_t entries = 0;
  int64_t count = 0;
  uint32_t entrySize = 24, keyAt = 8;
  if (gPy.layout.version <= 0x030a) { // refcnt, dk_size, dk_lookup, dk_usable, dk_nentries
    uint64_t h[5];
    if (!r.all(t.keys, h, sizeof(h)))
      return false;
    const uint64_t size = h[1];
    if (size < 8 || size > (1u << 20) || (size & (size - 1)))
      return false;
    const uint64_t indexBytes = size <= 0xff ? 1 : size <= 0xffff ? 2 : 4;
    entries = t.keys + 40 + size * indexBytes;
    count = (int64_t)h[4];
  } else { // refcnt, log2_size, log2_index_bytes, kind, version, usable, nentries
    uint8_t h[32];
    if (!r.all(t.keys, h, sizeof(h)) || h[8] > 20 || h[9] > 23 || h[10] > 2)
      return false;
    entries = t.keys + 32 + (1ull << h[9]);
    count = (int64_t)load64(h + 24);
    if (h[10] != 0) { // unicode keys: {key, value}
      entrySize = 16;
      keyAt = 0;
    }
  }
  if (count < 0 || count > (1 << 20))
    return false;
  if (count > kMaxDictEntries)
    count = kMaxDictEntries;
  int left = n;
  for (int64_t from = 0; from < count && left; from += kEntryChunk) {
    const int k = count - from < kEntryChunk ? (int)(count - from) : kEntryChunk;
    uint8_t raw[kEntryChunk * 24];
    if (!r.all(entries + (uint64_t)from * entrySize, raw, (size_t)k * entrySize))
      return false;
    uint8_t heads[kEntryChunk][64];
    struct iovec local[kEntryChunk], remote[kEntryChunk];
    size_t got[kEntryChunk];
    for (int i = 0; i < k; ++i) {
      local[i] = {heads[i], sizeof(heads[i])};
      remote[i] = {reinterpret_cast<void *>(load64(raw + i * entrySize + keyAt)), sizeof(heads[i])};
    }
    r.batch(local, remote, k, got);
    for (int i = 0; i < k; ++i)
      for (int j = 0; j < n; ++j) {
        if (found[j] || !isAsciiName(heads[i], got[i], names[j]))
          continue;
        uint64_t value = 0;
        if (!t.values)
          value = load64(raw + i * entrySize + keyAt + 8);
        else if (!r.all(t.values + gPy.objects.valuesArray + 8 * (uint64_t)(from + i), &value, 8))
          return false;
        if (value) {
          found[j] = value;
          index[j] = from + i;
          --left;
        }
      }
  }
  if (t.values) {
    cache.keys = t.keys;
    cache.index[0] = index[0];
    cache.index[1] = index[1];
  }
  return true;
}

// An int object holding a thread id (one 30-bit digit, positive).
bool smallPositiveInt(const Reader &r, uint64_t obj, int32_t *out) {
  uint8_t h[32];
  if (!plausible(obj) || !gPy.longType || !r.all(obj, h, sizeof(h)) ||
      load64(h + kObType) != gPy.longType)
    return false;
  const uint64_t size = load64(h + 16); // ob_size, or lv_tag (ndigits << 3 | sign) on 3.12+
  if (gPy.layout.version >= 0x030c ? size != (1 << 3) : size != 1)
    return false;
  const uint32_t digit = load32(h + 24);
  if (digit == 0 || digit >= (1u << 30))
    return false;
  *out = (int32_t)digit;
  return true;
}

// The name and native id of the Thread object thread.
bool threadNameOf(const Reader &r, uint64_t thread, ThreadName &out, AttrCache &cache) {
  AttrTable t;
  static const char *const kNames[2] = {"_name", "_native_id"};
  uint64_t v[2];
  if (!attrTableOf(r, thread, t) || !findAttributes(r, t, kNames, 2, v, cache) || !v[0] ||
      !smallPositiveInt(r, v[1], &out.tid))
    return false;
  uint8_t head[320];
  const long got = r.some(v[0], head, sizeof(head));
  if (got < (long)gPy.layout.str.asciiSize || load64(head + kObType) != gPy.unicodeType)
    return false;
  copyString(Source{r, v[0], head, (size_t)got}, out.name, sizeof(out.name), false);
  return out.name[0] && strcmp(out.name, "?") != 0;
}

} // namespace

int threadNames(ThreadName *out, int max) {
  if (!ready() || !out || max <= 0 || !gPy.objects.localsplus)
    return 0;
  ErrnoKeeper keep;
  const Reader r = selfReader();
  const Layout &L = gPy.layout;
  const uint64_t self = (uint64_t)pthread_self();
  uint64_t interp = 0;
  if (!r.all(gPy.runtime + L.runtime.interpretersHead, &interp, 8))
    return 0;
  int n = 0, looked = 0;
  uint64_t bootstrap = 0;
  AttrCache cache;
  CycleCheck interps;
  for (int i = 0; interp && i < kMaxInterpreters && n < max; ++i) {
    const uint32_t offsets[2] = {L.interp.next, L.interp.threadsHead};
    uint64_t v[2];
    if (!plausible(interp) || interps.seen(interp) || !r.fields(interp, offsets, 2, v))
      break;
    CycleCheck threads;
    for (uint64_t ts = v[1]; ts && n < max && looked < kMaxThreadStatesNamed; ++looked) {
      const uint32_t tsOffsets[3] = {L.thread.next, L.thread.threadId, L.thread.frame};
      uint64_t t[3];
      if (!plausible(ts) || threads.seen(ts) || !r.fields(ts, tsOffsets, 3, t))
        break;
      ts = t[0];
      uint64_t top = t[2], frame = 0, code = 0, thread = 0;
      if (t[1] == self || !top)
        continue;
      if ((L.flags & kViaCFrame) &&
          (!plausible(top) || !r.all(top + L.thread.cframeCurrentFrame, &top, 8) || !top))
        continue;
      if (!outermostFrame(r, top, &frame, &code))
        continue;
      // Every thread runs the same _bootstrap code object: its names are read once.
      if (code != bootstrap) {
        if (!isThreadBootstrap(r, code))
          continue;
        bootstrap = code;
      }
      if (!r.all(frame + gPy.objects.localsplus, &thread, 8))
        continue;
      out[n].name[0] = 0;
      if (threadNameOf(r, thread, out[n], cache))
        ++n;
    }
    interp = v[0];
  }
  return n;
}

void evalLoopRange(uint64_t *start, uint64_t *end) {
  *start = status() == 1 ? gPy.evalStart : 0;
  *end = status() == 1 ? gPy.evalEnd : 0;
}

void describeForRemote(Remote &out) {
  out = Remote();
  if (status() != 1)
    return;
  out.version = gPy.version;
  out.runtime = gPy.runtime;
  out.codeType = gPy.codeType;
  out.unicodeType = gPy.unicodeType;
  out.bytesType = gPy.bytesType;
  out.frameType = gPy.frameType;
}

namespace {

// A reader in another process (the monitor) borrows the state this file keeps for its own
// process: the monitor is not a Python process and reads one stopped thread at a time.
struct Borrowed {
  State saved;
  bool ok = false;
  Borrowed(int pid, const Remote &target) : saved(gPy) {
    const Layout *found = nullptr;
    for (const Layout &l : kLayouts)
      if (l.version == target.version)
        found = &l;
    if (!found || !target.runtime || !target.codeType || !target.unicodeType || !target.bytesType)
      return;
    Layout L = *found;
    if (L.frames == kFrameObjects && !target.frameType)
      return;
    ObjectLayout O = {};
    if (L.version == 0x030d && applyDebugOffsets(L, O, Reader{(pid_t)pid}, target.runtime))
      return;
    gPy.layout = L;
    gPy.version = target.version;
    gPy.runtime = target.runtime;
    gPy.codeType = target.codeType;
    gPy.unicodeType = target.unicodeType;
    gPy.bytesType = target.bytesType;
    gPy.frameType = target.frameType;
    gPy.status = 1;
    gPy.initState = 2;
    ok = true;
  }
  ~Borrowed() { gPy = saved; }
};

} // namespace

int captureRemoteThread(int pid, const Remote &target, uint64_t threadSelf, Frame *out, int max) {
  if (!out || max <= 0 || pid <= 0)
    return 0;
  Borrowed b(pid, target);
  if (!b.ok)
    return 0;
  ErrnoKeeper keep;
  const Reader r{(pid_t)pid};
  return captureWith(r, threadSelf, true, out, max);
}

bool remoteCodeStrings(int pid, const Remote &target, uint64_t code, char *file, size_t fileSize,
                       char *name, size_t nameSize, int32_t *firstLine) {
  Borrowed b(pid, target);
  if (!b.ok)
    return false;
  return codeStringsWith(Reader{(pid_t)pid}, code, file, fileSize, name, nameSize, firstLine);
}

} // namespace py
} // namespace rt
} // namespace procsan
