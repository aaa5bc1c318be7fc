#include "rt/locks.h"
#include "rt/options.h"
#include "rt/runtime.h"

#include <string.h>

namespace procsan {
namespace rt {

namespace {

constexpr int kMaxMappings = 32;
constexpr int kMaxEdges = 256;
constexpr int kMaxBinarySems = 64;
constexpr int kMaxPosted = 64;
constexpr int kMaxTakes = 512;

struct Mapping {
  uint64_t start, end, offset, dev, inode;
};

// Plain state, zero-initialised; inherited by forked children (same mappings, same sems).
struct LockState {
  Mapping maps[kMaxMappings];
  int nMaps;
  uint64_t edges[kMaxEdges]; // hashes of lock-order edges already recorded
  LockId binarySems[kMaxBinarySems];
  int nBinarySems;
  bool uncached;               // identify() answered for an address without caching its mapping
  uint32_t heldHigh;           // slots [heldHigh, kMaxHeld) of the held table have never been used
  uint64_t posted[kMaxPosted]; // hashes of semaphores this process image has posted
  uint64_t takes[kMaxTakes];   // hashes of (thread, lock) pairs whose first take was recorded
};
LockState gLocks;

// What the calling thread holds, as far as it knows it (async-signal-safe plain state): how many
// locks it took and has not released itself (never less than the truth, so 0 means no lock-order
// edge can start here), the slot it filled last (tried first next time: a loop taking one lock
// finds it free), and where the mutexes it took sit in the held table.
constexpr int kHints = 8;
struct HeldHint {
  const void *addr;
  uint32_t slot;
  uint64_t dev, inode, offset; // the lock's identity (LockId is not trivially constructible)
};
struct ThreadLocks {
  uint32_t lastSlot;
  int nHints;
  HeldHint hints[kHints];
};
__thread ThreadLocks tlsLocks __attribute__((tls_model("initial-exec")));

struct Lookup {
  uint64_t addr;
  Mapping found;
  bool ok;
};

bool findMapping(void *ctx, uint64_t start, uint64_t end, uint64_t offset, uint64_t dev,
                 uint64_t inode, const char *) {
  auto *l = static_cast<Lookup *>(ctx);
  if (l->addr < start || l->addr >= end)
    return true;
  l->found = Mapping{start, end, offset, dev, inode};
  l->ok = true;
  return false;
}

uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h;
}

// Moves *tid from from to -1; false when another claimer was first.
bool claimSlot(int32_t *tid, int32_t from, bool alone) { return moveTid(tid, from, -1, alone); }

uint32_t heldLimit() {
  uint32_t n = __atomic_load_n(&gLocks.heldHigh, __ATOMIC_ACQUIRE);
  return n < trace::kMaxHeld ? n : trace::kMaxHeld;
}

} // namespace

LockId identify(const void *addr) {
  uint64_t a = (uint64_t)(uintptr_t)addr;
  int n = __atomic_load_n(&gLocks.nMaps, __ATOMIC_ACQUIRE);
  for (int i = 0; i < n && i < kMaxMappings; ++i) {
    const Mapping &m = gLocks.maps[i];
    if (a >= m.start && a < m.end)
      return LockId{m.dev, m.inode, m.offset + (a - m.start)};
  }
  Lookup l{a, {}, false};
  forEachMapping(findMapping, &l);
  if (!l.ok) {
    __atomic_store_n(&gLocks.uncached, true, __ATOMIC_RELEASE);
    return LockId{0, 0, a};
  }
  // A slot emptied by forgetMappings first: claimed by moving its end from 0 to 1 (which no
  // address matches), filled, then opened by storing the real end.
  for (int i = 0; i < n && i < kMaxMappings; ++i) {
    Mapping &m = gLocks.maps[i];
    uint64_t expected = 0;
    if (__atomic_load_n(&m.end, __ATOMIC_ACQUIRE) != 0 ||
        !__atomic_compare_exchange_n(&m.end, &expected, 1, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE))
      continue;
    m.start = l.found.start;
    m.offset = l.found.offset;
    m.dev = l.found.dev;
    m.inode = l.found.inode;
    __atomic_store_n(&m.end, l.found.end, __ATOMIC_RELEASE);
    return LockId{l.found.dev, l.found.inode, l.found.offset + (a - l.found.start)};
  }
  int slot = __atomic_fetch_add(&gLocks.nMaps, 1, __ATOMIC_ACQ_REL);
  if (slot < kMaxMappings) {
    gLocks.maps[slot] = l.found;
  } else {
    __atomic_store_n(&gLocks.nMaps, kMaxMappings, __ATOMIC_RELEASE);
    __atomic_store_n(&gLocks.uncached, true, __ATOMIC_RELEASE);
  }
  return LockId{l.found.dev, l.found.inode, l.found.offset + (a - l.found.start)};
}

uint32_t gSharedEpoch;
__thread int tlsHeldCount __attribute__((tls_model("initial-exec")));

namespace {

void changeSharedEpoch() { __atomic_fetch_add(&gSharedEpoch, 1, __ATOMIC_ACQ_REL); }

// Every address identify() answered for lies in a cached mapping, unless it could not cache one:
// a change that touches no cached mapping cannot concern a mutex some thread remembers.
bool touchesCachedMappings(uintptr_t start, size_t length, bool forget) {
  bool touched = __atomic_load_n(&gLocks.uncached, __ATOMIC_ACQUIRE);
  int n = __atomic_load_n(&gLocks.nMaps, __ATOMIC_ACQUIRE);
  for (int i = 0; i < n && i < kMaxMappings; ++i) {
    Mapping &m = gLocks.maps[i];
    uint64_t end = __atomic_load_n(&m.end, __ATOMIC_ACQUIRE);
    if (end <= 1 || end <= start || m.start >= start + length)
      continue;
    touched = true;
    if (forget)
      __atomic_store_n(&m.end, (uint64_t)0, __ATOMIC_RELEASE); // no address matches it any more
  }
  return touched;
}

} // namespace

void forgetMappings(uintptr_t start, size_t length) {
  if (touchesCachedMappings(start, length, /*forget=*/true))
    changeSharedEpoch();
}

void mutexRemade(const void *addr) {
  if (touchesCachedMappings((uintptr_t)addr, 1, /*forget=*/false))
    changeSharedEpoch();
}

bool holds(const LockId &id) {
  trace::LogState *st = logState();
  if (!st)
    return false;
  for (uint32_t i = 0, n = heldLimit(); i < n; ++i) {
    const trace::HeldLock &h = st->held[i];
    if (__atomic_load_n(&h.tid, __ATOMIC_ACQUIRE) > 0 && h.dev == id.dev && h.inode == id.inode &&
        h.offset == id.offset)
      return true;
  }
  return false;
}

namespace {

void traceLock(trace::EventKind ev, int kind, const LockId &id, int64_t extra) {
  if (roomForOptionalEvents())
    record(Event{
        ev, {kind, (int64_t)id.dev, (int64_t)id.inode, (int64_t)id.offset, extra, 0}, nullptr, 0});
}

} // namespace

namespace {

// Records the lock-order edges a new acquisition of id by thread tid makes: from each lock the
// thread already holds.
void recordNewEdges(trace::LogState *st, int tid, const LockId &id) {
  if (tlsHeldCount <= 0)
    return;
  for (uint32_t i = 0, n = heldLimit(); i < n; ++i) {
    const trace::HeldLock &h = st->held[i];
    if (__atomic_load_n(&h.tid, __ATOMIC_ACQUIRE) != tid)
      continue;
    LockId held{h.dev, h.inode, h.offset};
    if (held == id)
      continue;
    uint64_t key = mix(
        mix(mix(mix(mix(mix(1, held.dev), held.inode), held.offset), id.dev), id.inode), id.offset);
    key |= 1; // 0 marks a free slot
    bool seen = false;
    for (int e = 0; e < kMaxEdges && !seen; ++e) {
      uint64_t cur = __atomic_load_n(&gLocks.edges[e], __ATOMIC_ACQUIRE);
      if (cur == key) {
        seen = true;
      } else if (cur == 0) {
        uint64_t expected = 0;
        if (__atomic_compare_exchange_n(&gLocks.edges[e], &expected, key, false, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE)) {
          record(Event{trace::EvLockOrder,
                       {(int64_t)held.dev, (int64_t)held.inode, (int64_t)held.offset,
                        (int64_t)id.dev, (int64_t)id.inode, (int64_t)id.offset},
                       nullptr,
                       0},
                 /*wantStack=*/true);
          seen = true;
        } else if (expected == key) {
          seen = true;
        }
      }
    }
  }
}

// The first time thread tid takes lock id, the take is recorded with its stack: a lock still held
// when its holder ends is then shown with where it was taken. Later takes by the same thread cost
// a hash and a probe or two of a small open-addressed set; when the set is crowded, nothing more
// is recorded.
void recordFirstTake(int tid, const LockId &id, trace::LockKind kind) {
  uint64_t key = mix(mix(mix(mix(3, id.dev), id.inode), id.offset), (uint64_t)tid) | 1;
  for (int probe = 0; probe < 8; ++probe) {
    uint64_t &slot = gLocks.takes[(key + probe) % kMaxTakes];
    uint64_t cur = __atomic_load_n(&slot, __ATOMIC_ACQUIRE);
    if (cur == key)
      return;
    if (cur != 0)
      continue;
    uint64_t expected = 0;
    if (__atomic_compare_exchange_n(&slot, &expected, key, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
      record(Event{trace::EvLockTaken,
                   {(int64_t)kind, (int64_t)id.dev, (int64_t)id.inode, (int64_t)id.offset, 0, 0},
                   nullptr,
                   0},
             /*wantStack=*/true);
      return;
    }
    if (expected == key)
      return;
  }
}

// Takes a free slot of the held table and fills it with id, marked owner (readers count only
// positive thread ids as holders). Returns the slot, or -1 when the table is full.
int claimHeldSlot(trace::LogState *st, const LockId &id, trace::LockKind kind, int owner) {
  // With no other thread started, only a signal handler of this thread can race for a slot, and
  // an instruction is never split by one: the claim needs no bus lock (the uncontended lock's
  // budget, DESIGN.md §5). Threads made without pthread_create are not counted.
  bool alone = __atomic_load_n(&st->threadsLive, __ATOMIC_RELAXED) <= 0;
  uint32_t first = tlsLocks.lastSlot < trace::kMaxHeld ? tlsLocks.lastSlot : 0;
  // A free slot; failing that, one parked by a thread (maybe one that ended) for a lock it does
  // not hold: it notices when it wants the slot back.
  for (uint32_t k = 0; k <= 2 * trace::kMaxHeld + 1; ++k) {
    bool steal = k > trace::kMaxHeld;
    uint32_t j = steal ? k - trace::kMaxHeld - 1 : k;
    uint32_t i = j == 0 ? first : j - 1;
    if (j > 0 && i == first)
      continue;
    trace::HeldLock &h = st->held[i];
    int32_t cur = __atomic_load_n(&h.tid, __ATOMIC_ACQUIRE);
    if (steal ? cur >= -trace::kMaxTid : cur != 0)
      continue;
    // Fill the slot before publishing it (the tid is written last).
    if (!claimSlot(&h.tid, cur, alone))
      continue;
    h.dev = id.dev;
    h.inode = id.inode;
    h.offset = id.offset;
    h.kind = kind;
    // Scans stop at the high-water mark: raise it before the slot becomes visible.
    uint32_t high = __atomic_load_n(&gLocks.heldHigh, __ATOMIC_ACQUIRE);
    while (high < i + 1 && !__atomic_compare_exchange_n(&gLocks.heldHigh, &high, i + 1, false,
                                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    }
    __atomic_store_n(&h.tid, owner, __ATOMIC_RELEASE);
    tlsLocks.lastSlot = i;
    return (int)i;
  }
  return -1;
}

// This thread now holds the lock in slot i (already marked with its tid).
void heldBy(uint32_t i, const LockId &id, const void *addr) {
  ThreadLocks &t = tlsLocks;
  ++tlsHeldCount;
  if (addr && t.nHints < kHints)
    t.hints[t.nHints++] = HeldHint{addr, i, id.dev, id.inode, id.offset};
}

} // namespace

void noteAcquired(const LockId &id, trace::LockKind kind, const void *addr) {
  trace::LogState *st = logState();
  if (!st)
    return;
  int tid = currentTid();
  if (gLockTracing)
    traceLock(trace::EvLockAcquire, kind, id, 0);
  recordNewEdges(st, tid, id);
  int slot = claimHeldSlot(st, id, kind, tid);
  if (slot >= 0)
    heldBy((uint32_t)slot, id, addr);
  recordFirstTake(tid, id, kind);
}

int prepareAcquire(const LockId &id, trace::LockKind kind, int parked) {
  trace::LogState *st = logState();
  if (!st)
    return -1;
  int tid = currentTid();
  if (parked >= 0 && parked < (int)trace::kMaxHeld) {
    trace::HeldLock &h = st->held[parked];
    bool alone = __atomic_load_n(&st->threadsLive, __ATOMIC_RELAXED) <= 0;
    // Still this thread's slot for this lock (another thread may have taken it meanwhile).
    if (h.dev == id.dev && h.inode == id.inode && h.offset == id.offset && h.kind == kind &&
        moveTid(&h.tid, trace::kParkedBase + tid, -tid, alone))
      return parked;
  }
  return claimHeldSlot(st, id, kind, -tid);
}

bool releaseSlot(int slot, const LockId &id, bool park) {
  trace::LogState *st = logState();
  if (!st || slot < 0 || slot >= (int)trace::kMaxHeld)
    return false;
  trace::HeldLock &h = st->held[slot];
  int tid = currentTid();
  if (__atomic_load_n(&h.tid, __ATOMIC_ACQUIRE) != tid || h.dev != id.dev || h.inode != id.inode ||
      h.offset != id.offset)
    return false;
  if (gLockTracing)
    traceLock(trace::EvLockRelease, h.kind, id, 0);
  __atomic_store_n(&h.tid, park ? trace::kParkedBase + tid : 0, __ATOMIC_RELEASE);
  if (tlsHeldCount > 0)
    --tlsHeldCount;
  return true;
}

void noteTaken(const LockId &id, trace::LockKind kind) {
  if (logState())
    recordFirstTake(currentTid(), id, kind);
}

void unparkSlot(int slot) {
  trace::LogState *st = logState();
  if (!st || slot < 0 || slot >= (int)trace::kMaxHeld)
    return;
  bool alone = __atomic_load_n(&st->threadsLive, __ATOMIC_RELAXED) <= 0;
  moveTid(&st->held[slot].tid, trace::kParkedBase + currentTid(), 0, alone);
}

void finishAcquire(int slot, const LockId &id, trace::LockKind kind, const void *addr,
                   bool acquired, bool edges) {
  trace::LogState *st = logState();
  if (!st || slot < 0 || slot >= (int)trace::kMaxHeld) {
    if (acquired && st && edges)
      noteAcquired(id, kind, addr); // the table was full before: try again
    return;
  }
  trace::HeldLock &h = st->held[slot];
  if (!acquired) {
    __atomic_store_n(&h.tid, 0, __ATOMIC_RELEASE);
    return;
  }
  int tid = currentTid();
  if (edges)
    recordNewEdges(st, tid, id);
  __atomic_store_n(&h.tid, tid, __ATOMIC_RELEASE);
  heldBy((uint32_t)slot, id, addr);
  if (gLockTracing)
    traceLock(trace::EvLockAcquire, kind, id, 0);
  if (edges)
    recordFirstTake(tid, id, kind);
}

bool noteReleasedAt(const void *addr) {
  trace::LogState *st = logState();
  if (!st)
    return true;
  ThreadLocks &t = tlsLocks;
  int j = t.nHints - 1;
  while (j >= 0 && t.hints[j].addr != addr)
    --j;
  if (j < 0)
    return false;
  HeldHint hint = t.hints[j];
  for (int k = j + 1; k < t.nHints; ++k)
    t.hints[k - 1] = t.hints[k];
  --t.nHints;
  // The slot may have been emptied by another thread since (noteReleased's fallback).
  trace::HeldLock &h = st->held[hint.slot];
  if (__atomic_load_n(&h.tid, __ATOMIC_ACQUIRE) != currentTid() || h.dev != hint.dev ||
      h.inode != hint.inode || h.offset != hint.offset)
    return false;
  if (gLockTracing)
    traceLock(trace::EvLockRelease, h.kind, LockId{hint.dev, hint.inode, hint.offset}, 0);
  __atomic_store_n(&h.tid, 0, __ATOMIC_RELEASE);
  if (tlsHeldCount > 0)
    --tlsHeldCount;
  return true;
}

bool graceDeadline(struct timespec *out, const struct timespec *limit, bool *userLimitFirst) {
  *userLimitFirst = false;
  if (gLockTracing)
    return false;
  constexpr long kGraceNs = 2000000; // 2 ms: far below any hang timeout
  clock_gettime(CLOCK_REALTIME, out);
  out->tv_nsec += kGraceNs;
  if (out->tv_nsec >= 1000000000) {
    out->tv_nsec -= 1000000000;
    ++out->tv_sec;
  }
  if (limit && (limit->tv_sec < out->tv_sec ||
                (limit->tv_sec == out->tv_sec && limit->tv_nsec <= out->tv_nsec))) {
    *out = *limit;
    *userLimitFirst = true;
  }
  return true;
}

void noteWoke(const LockId &id, trace::LockKind kind, int result) {
  if (gLockTracing)
    traceLock(trace::EvLockWake, kind, id, result);
}

void noteProducerPost(const LockId &id) {
  if (gLockTracing)
    traceLock(trace::EvLockRelease, trace::LockSem, id, 1);
}

bool noteReleased(const LockId &id) {
  trace::LogState *st = logState();
  if (!st)
    return false;
  int tid = currentTid();
  int fallback = -1;
  for (uint32_t i = 0, n = heldLimit(); i < n; ++i) {
    trace::HeldLock &h = st->held[i];
    int owner = __atomic_load_n(&h.tid, __ATOMIC_ACQUIRE);
    if (owner <= 0 || h.dev != id.dev || h.inode != id.inode || h.offset != id.offset)
      continue;
    if (owner == tid) {
      __atomic_store_n(&h.tid, 0, __ATOMIC_RELEASE);
      if (tlsHeldCount > 0)
        --tlsHeldCount;
      if (gLockTracing)
        traceLock(trace::EvLockRelease, h.kind, id, 0);
      return true;
    }
    fallback = (int)i; // a semaphore may be posted by another thread of the process
  }
  if (fallback >= 0) {
    __atomic_store_n(&st->held[fallback].tid, 0, __ATOMIC_RELEASE);
    if (gLockTracing)
      traceLock(trace::EvLockRelease, st->held[fallback].kind, id, 0);
  }
  return false;
}

void noteBlocking(const LockId &id, trace::LockKind kind, const void *addr) {
  record(Event{trace::EvLockBlock,
               {kind, (int64_t)id.dev, (int64_t)id.inode, (int64_t)id.offset,
                (int64_t)(uintptr_t)addr, 0},
               nullptr,
               0},
         /*wantStack=*/true);
}

void noteSemaphoreCreated(const LockId &id, unsigned value, bool named) {
  // Whatever this process still held with this identity was another semaphore, now gone (its
  // inode or memory is being reused): a multiprocessing Pool's terminate() keeps its queue's read
  // Lock for good, and the next semaphore may get that Lock's inode.
  if (trace::LogState *st = logState())
    for (uint32_t i = 0, n = heldLimit(); i < n; ++i) {
      trace::HeldLock &h = st->held[i];
      int32_t owner = __atomic_load_n(&h.tid, __ATOMIC_ACQUIRE);
      if (owner != 0 && owner != -1 && h.dev == id.dev && h.inode == id.inode &&
          h.offset == id.offset &&
          __atomic_compare_exchange_n(&h.tid, &owner, 0, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        if (owner == currentTid() && tlsHeldCount > 0)
          --tlsHeldCount;
    }
  record(Event{
      trace::EvSemInit,
      {(int64_t)value, (int64_t)id.dev, (int64_t)id.inode, (int64_t)id.offset, named ? 1 : 0, 0},
      nullptr,
      0});
  if (value != 1)
    return;
  int slot = __atomic_fetch_add(&gLocks.nBinarySems, 1, __ATOMIC_ACQ_REL);
  if (slot < kMaxBinarySems)
    gLocks.binarySems[slot] = id;
}

void noteSemaphoreOpened(const LockId &id, const char *name) {
  if (isBinarySemaphore(id) || !sessionMark("b", name, false))
    return;
  int slot = __atomic_fetch_add(&gLocks.nBinarySems, 1, __ATOMIC_ACQ_REL);
  if (slot < kMaxBinarySems)
    gLocks.binarySems[slot] = id;
}

void notePosted(const LockId &id, const void *addr) {
  uint64_t key = mix(mix(mix(1, id.dev), id.inode), id.offset) | 1;
  for (int i = 0; i < kMaxPosted; ++i) {
    uint64_t cur = __atomic_load_n(&gLocks.posted[i], __ATOMIC_ACQUIRE);
    if (cur == key)
      return;
    if (cur != 0)
      continue;
    uint64_t expected = 0;
    if (__atomic_compare_exchange_n(&gLocks.posted[i], &expected, key, false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE)) {
      record(Event{trace::EvSemPost,
                   {(int64_t)id.dev, (int64_t)id.inode, (int64_t)id.offset,
                    (int64_t)(uintptr_t)addr, 0, 0},
                   nullptr,
                   0},
             /*wantStack=*/true);
      return;
    }
    if (expected == key)
      return;
  }
}

void locksAfterForkInChild() {
  // Written only where something is set: a store to this page after fork is a page copy.
  for (uint64_t &t : gLocks.takes) // first takes are per thread: this is a new process
    if (t != 0)
      t = 0;
  for (uint64_t &p : gLocks.posted)
    if (p != 0)
      p = 0;
  // The child's held table starts empty.
  ThreadLocks &t = tlsLocks;
  tlsHeldCount = 0;
  if (t.nHints != 0) {
    t.nHints = 0;
  }
}

bool isBinarySemaphore(const LockId &id) {
  int n = __atomic_load_n(&gLocks.nBinarySems, __ATOMIC_ACQUIRE);
  for (int i = 0; i < n && i < kMaxBinarySems; ++i)
    if (gLocks.binarySems[i] == id)
      return true;
  return false;
}

} // namespace rt
} // namespace procsan
