// The run as a timeline in Chrome's trace event format (opens in Perfetto and chrome://tracing):
// one track per process and thread, instants for fork/exec/exit/wait/kill/crash, slices for
// process lifetimes, lock holds and blocking waits, flow arrows from a fork to the child and
// from a semaphore post to the wake-up it caused.
#ifndef PROCSAN_MONITOR_TIMELINE_H
#define PROCSAN_MONITOR_TIMELINE_H

#include "monitor/model.h"
#include "trace/reader.h"

#include <string>
#include <vector>

namespace procsan {
namespace monitor {

std::string renderTimeline(const std::vector<trace::DecodedLog> &logs, const SessionModel &model);

} // namespace monitor
} // namespace procsan

#endif
