// The Python stack of the calling thread, read in-process from CPython's own data structures
// (3.8 to 3.13): no Python headers at build time, no call into the interpreter, no GIL. The
// layouts are a table per minor version (offsets measured with the installed headers); 3.13's
// are checked against the _Py_DebugOffsets at the start of _PyRuntime. See pyframes.cpp.
#ifndef PROCSAN_RT_PYTHON_PYFRAMES_H
#define PROCSAN_RT_PYTHON_PYFRAMES_H

#include <stddef.h>
#include <stdint.h>

namespace procsan {
namespace rt {
namespace py {

// Finds the interpreter of this process (libpython*.so loaded, or a python executable exporting
// its symbols) with dlsym(RTLD_DEFAULT, ..), determines its version and selects the layout. Not
// in a signal handler (dlsym). The first call decides; later calls only return the answer (a
// call racing the first one returns false). Returns true when frames can be read.
bool init();
// For a process that had no CPython at init() and may have loaded one since (dlopen): looks
// again when status() is 0. Not in a signal handler.
bool rescan();
// For a process with no CPython so far (status() 0): when the dynamic linker loaded objects
// since the last call (dl_iterate_phdr's counter) and one is a libpython3.*, rescans with its
// symbols (an embedding program that dlopens libpython, RTLD_LOCAL too). One dl_iterate_phdr
// call (the loader's lock) when nothing was loaded: not in a signal handler, not after fork in
// the child. Returns true when frames can now be read.
bool noticeLoadedInterpreter();
// After init(): 0 = not a Python process, 1 = readable, 2 = Python but unreadable.
int status();
// When status() is 2: why, e.g. "CPython 3.14.0: layout not known" (static storage).
const char *unreadableReason();
// The Python version as 0xMMmm (0x030b for 3.11), or 0 when none was found.
unsigned version();
// Addresses for the log: _PyRuntime, PyCode_Type, and a function of the interpreter (its module
// is the interpreter's: libpython or the python executable). 0 when unknown.
uint64_t runtimeAddress();
uint64_t codeTypeAddress();
uint64_t interpreterCodeAddress();

struct Frame {
  uint64_t code;        // address of the code object
  int32_t line;         // -1 when the instruction has no line (as f_lineno None)
  uint16_t fingerprint; // of the code object (its line table's address, its name's hash and its
                        // first line), which differs for another object at its address
  uint16_t flags;       // kEvalEntry
};
// Frame::flags: the frame is the outermost of those one call of the interpreter's eval loop
// (_PyEval_EvalFrameDefault) runs: each frame on 3.8 - 3.10, the first frame of the call on 3.11+
// (whose Python-to-Python calls stay in one call). Set on every such frame of a capture, or on
// none when the capture cannot tell (a call whose frames were all skipped as not started yet).
constexpr uint16_t kEvalEntry = 1;
// Frame::flags: set on every frame of a capture whose kEvalEntry marks are valid (none of the
// frames kept may be marked, when they all run in one call of a deeper stack).
constexpr uint16_t kEvalKnown = 2;
// The address range of _PyEval_EvalFrameDefault (from its dynamic symbol and size), so native
// frames can be matched with the Python frames they run; 0, 0 when not known.
void evalLoopRange(uint64_t *start, uint64_t *end);

// The calling thread's Python frames, innermost first, at most max. Async-signal-safe: memory is
// read only through process_vm_readv on this process (a bad pointer fails the read instead of
// faulting); never takes the GIL, never calls into Python, never allocates; preserves errno.
// Works whether or not the thread holds the GIL. Returns the number of frames: 0 when the
// thread has no Python frames, status() is not 1, or the state looks corrupt (a type or a
// pointer that does not check out, a cycle). Uses about 2.6 KiB of stack, and 30 to 50 us for a
// stack of 20 frames (each process_vm_readv costs about 1 us).
int captureThisThread(Frame *out, int max);

// The strings of a code object seen in a capture (async-signal-safe, fault-safe, preserves
// errno): file (co_filename), name (co_qualname on 3.11+, else co_name) and co_firstlineno.
// Copied NUL-terminated in UTF-8 (a lone surrogate, an undecodable byte of a file name, as '?'),
// truncated to the buffer: a file keeps its tail, a name its head (never a split character). A code
// object freed since the capture fails the type check or yields another code object's names. Null
// buffers (or sizes 0) are skipped. Returns false when code is not a code object.
bool codeStrings(uint64_t code, char *file, size_t fileSize, char *name, size_t nameSize,
                 int32_t *firstLine);

// A threading.Thread running in another thread of this process: its OS thread id (the Thread's
// native_id) and its name, as `threading.Thread(name=...)` set it.
struct ThreadName {
  int32_t tid;
  char name[52]; // UTF-8, NUL-terminated, its head when longer (never a split character)
};
// The threading.Thread objects of the process's other threads (all interpreters), at most max:
// for each thread state whose outermost frame is threading's Thread._bootstrap, the `self` of
// that frame, and in its instance dict (exact str keys) `_name` (a str) and `_native_id` (an
// int). Threads whose names cannot be read that way (not started by threading, not yet past
// setting their native id, a dict of another shape) are left out. Same safety as
// captureThisThread (process_vm_readv only, no GIL, no allocation, errno kept, bounded walks);
// about 10 us per thread plus its stack's depth, and 1.5 KiB of stack. Returns how many.
int threadNames(ThreadName *out, int max);

// What a reader in another process needs to read this process's Python frames while a thread
// is stopped (the monitor, for a thread blocked where no stack was recorded): the version and
// the addresses of _PyRuntime and the type objects. All 0 when status() is not 1.
struct Remote {
  unsigned version = 0; // 0xMMmm
  uint64_t runtime = 0, codeType = 0, unicodeType = 0, bytesType = 0, frameType = 0;
};
void describeForRemote(Remote &out);
// From another process: the Python frames of the thread of pid whose pthread_self() is
// threadSelf (on x86-64 its fs base), innermost first, at most max; and the strings of a code
// object of that process. The thread must be stopped (ptrace). Not thread-safe: it borrows this
// file's state, which only a Python process itself uses.
int captureRemoteThread(int pid, const Remote &target, uint64_t threadSelf, Frame *out, int max);
bool remoteCodeStrings(int pid, const Remote &target, uint64_t code, char *file, size_t fileSize,
                       char *name, size_t nameSize, int32_t *firstLine);

} // namespace py
} // namespace rt
} // namespace procsan

#endif
