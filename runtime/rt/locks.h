// The runtime's view of process-shared locks: identity across processes (device, inode and
// offset of the shared mapping that holds the lock), the held-locks table in the log's header
// page, lock-order edges, and which semaphores are binary (used as locks).
#ifndef PROCSAN_RT_LOCKS_H
#define PROCSAN_RT_LOCKS_H

#include "rt/runtime.h"
#include "trace/format.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

namespace procsan {
namespace rt {

struct LockId {
  uint64_t dev = 0, inode = 0, offset = 0;
  bool operator==(const LockId &o) const {
    return dev == o.dev && inode == o.inode && offset == o.offset;
  }
};

// Identity of the object at addr, from the mapping that holds it (cached per mapping).
LockId identify(const void *addr);
// [start, start+length) was unmapped or is mapped anew: cached identities there are stale.
void forgetMappings(uintptr_t start, size_t length);
// Changes whenever what was learnt about an address may have become wrong (memory mapped or
// unmapped over a mapping identify() looked at, a mutex there initialised or destroyed): caches
// of "the mutex at this address is process-shared" check it.
extern uint32_t gSharedEpoch;
inline uint32_t sharedEpoch() { return __atomic_load_n(&gSharedEpoch, __ATOMIC_ACQUIRE); }
// A mutex at addr is being initialised or destroyed.
void mutexRemade(const void *addr);

// Locks the calling thread took and has not released itself (never less than the truth: 0 means
// no lock-order edge can start here).
extern __thread int tlsHeldCount __attribute__((tls_model("initial-exec")));

// The calling thread took / released a process-shared lock. Cheap: plain stores into the held
// table; a lock-order edge seen for the first time is recorded with its stack. Both run while the
// lock is held, so other processes wait for them: addr (where this process sees the lock) lets
// the release find its slot again without identifying the lock.
void noteAcquired(const LockId &id, trace::LockKind kind, const void *addr = nullptr);
// noteReleased is false when no thread of this process held it, or another thread did (a
// semaphore posted on another thread's behalf: a token handed over, not a lock released).
bool noteReleased(const LockId &id);
// A blocking acquisition in two steps, so that the lock's holder does the least while other
// processes wait for it: before the wait, a held-table slot is filled but not yet marked held
// (its tid negated; the slot number, or -1, is returned); once the wait returns, one store marks
// it held (acquired) or frees it. parked: a slot this thread parked for this lock at its last
// release (releaseSlot), reused when still its own. Lock-order edges are recorded once the lock
// is taken (edges: it is a lock, a mutex or a binary semaphore, not a count), as by noteAcquired:
// a lock still held when the wait began may have been released by another thread since (a
// multiprocessing.Lock may be), and an edge from it would be no order at all.
int prepareAcquire(const LockId &id, trace::LockKind kind, int parked = -1);
void finishAcquire(int slot, const LockId &id, trace::LockKind kind, const void *addr,
                   bool acquired, bool edges);
// The release of the lock held in slot (from prepareAcquire): false when the slot does not hold
// it for this thread. With park, the slot stays this thread's for the next acquisition of the
// same lock (filled, marked parked: no reader counts it); unparkSlot gives it up.
bool releaseSlot(int slot, const LockId &id, bool park);
// Moves a held-table tid from `from` to `to`; false when it held something else (another thread
// was first). alone (the process started no other thread): only a signal handler of this thread
// could race, and it cannot split an instruction, so the x86-64 cmpxchg goes without a bus lock
// (a second locked instruction next to the lock's own costs most of a contended hand-off).
inline bool moveTid(int32_t *tid, int32_t from, int32_t to, bool alone) {
  int32_t expected = from;
#if defined(__x86_64__)
  if (alone) {
    __asm__ __volatile__("cmpxchgl %2, %1" : "+a"(expected), "+m"(*tid) : "r"(to) : "memory", "cc");
    return expected == from;
  }
#else
  (void)alone;
#endif
  return __atomic_compare_exchange_n(tid, &expected, to, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
// prepareAcquire's common case inline: this thread holds no other lock (no order edge to record)
// and its slot for this lock is still parked. True when the slot is now marked as waited for.
inline bool takeParkedSlot(trace::LogState *st, int slot, const LockId &id, trace::LockKind kind) {
  if (tlsHeldCount > 0 || slot < 0 || slot >= (int)trace::kMaxHeld)
    return false;
  trace::HeldLock &h = st->held[slot];
  if (h.dev != id.dev || h.inode != id.inode || h.offset != id.offset || h.kind != kind)
    return false;
  int me = currentTid();
  return moveTid(&h.tid, trace::kParkedBase + me, -me,
                 __atomic_load_n(&st->threadsLive, __ATOMIC_RELAXED) <= 0);
}
// The same two steps for a mutex this thread knows the slot of (one store each, inline: they run
// while other processes wait for the lock), without a timeline to draw (the out-of-line versions
// record its events). releaseKnownSlot is false when the slot is not held by this thread.
inline void markKnownSlotHeld(trace::LogState *st, int slot) {
  __atomic_store_n(&st->held[slot].tid, currentTid(), __ATOMIC_RELEASE);
  ++tlsHeldCount;
}
inline bool releaseKnownSlot(trace::LogState *st, int slot) {
  int32_t *tid = &st->held[slot].tid;
  int me = currentTid();
  if (__atomic_load_n(tid, __ATOMIC_RELAXED) != me)
    return false;
  __atomic_store_n(tid, trace::kParkedBase + me, __ATOMIC_RELEASE);
  if (tlsHeldCount > 0)
    --tlsHeldCount;
  return true;
}
void unparkSlot(int slot);
// The calling thread took lock id by a path that recorded nothing (markKnownSlotHeld): records
// its first take of that lock with the stack, once per thread and lock.
void noteTaken(const LockId &id, trace::LockKind kind);
// The release of the lock at addr, when this thread took it with noteAcquired(..., addr): true
// when done (or nothing to do); false when the caller must identify the lock and call
// noteReleased.
bool noteReleasedAt(const void *addr);
bool holds(const LockId &id); // this process (any thread) holds it
// About to block on a lock another process may hold: recorded with the stack.
void noteBlocking(const LockId &id, trace::LockKind kind, const void *addr);
// A wait on a shared lock is first tried until a short grace deadline (an absolute
// CLOCK_REALTIME time, as sem_timedwait and pthread_mutex_timedlock take it), and recorded with
// its stack (noteBlocking) only when it lasts longer: hand-offs between processes (ping-pong,
// contention) then cost no stack walk each. Returns false when the wait must be recorded at once
// (lock tracing: the timeline shows every blocking slice). *limit, when given, is the caller's
// own deadline: the grace never goes past it (*userLimitFirst tells which one came first).
bool graceDeadline(struct timespec *out, const struct timespec *limit, bool *userLimitFirst);
// With lock tracing (a timeline was asked for): the blocking call returned with result (0 or an
// error), and a semaphore was posted by a process that did not hold it.
void noteWoke(const LockId &id, trace::LockKind kind, int result);
void noteProducerPost(const LockId &id);

// Semaphores created with value 1 are used as locks; others count things.
void noteSemaphoreCreated(const LockId &id, unsigned value, bool named);
bool isBinarySemaphore(const LockId &id);
// A named semaphore opened without O_CREAT (in a spawned or exec'd process): binary when the
// process of the session that created it said so.
void noteSemaphoreOpened(const LockId &id, const char *name);
// sem_post that is not the release of a lock this process holds: the first one per semaphore
// is recorded with its stack (the process is a producer of that semaphore).
void notePosted(const LockId &id, const void *addr);
// In the child after fork: the child has posted nothing yet.
void locksAfterForkInChild();

} // namespace rt
} // namespace procsan

#endif
