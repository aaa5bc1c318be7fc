// The runtime's view of process-shared locks: identity across processes (device, inode and
// offset of the shared mapping that holds the lock), the held-locks table in the log's header
// page, lock-order edges, and which semaphores are binary (used as locks).
#ifndef PROCSAN_RT_LOCKS_H
#define PROCSAN_RT_LOCKS_H

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

// The calling thread took / released a process-shared lock. Cheap: plain stores into the held
// table; a lock-order edge seen for the first time is recorded with its stack.
void noteAcquired(const LockId &id, trace::LockKind kind);
void noteReleased(const LockId &id);
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
