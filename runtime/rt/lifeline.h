// Children left running on purpose: helpers that wait for this process's end (see lifeline.cpp).
#ifndef PROCSAN_RT_LIFELINE_H
#define PROCSAN_RT_LIFELINE_H

namespace procsan {
namespace rt {

// At a normal exit: records EvChildWaitsForExit for each child blocked reading (or polling) a
// pipe or FIFO this process can still write to. Async-signal-safe; preserves errno.
void noteChildrenWaitingForExit();

} // namespace rt
} // namespace procsan

#endif
