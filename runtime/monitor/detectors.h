// Runtime detectors: each reads the session model and returns findings for one rule id.
#ifndef PROCSAN_MONITOR_DETECTORS_H
#define PROCSAN_MONITOR_DETECTORS_H

#include "monitor/report.h"

#include <functional>
#include <string>
#include <vector>

namespace procsan {
namespace monitor {

struct Detector {
  const char *rule;
  const char *summary;
  std::function<void(const SessionModel &, std::vector<Finding> &)> run;
};

// Every post-mortem detector, in report order.
const std::vector<Detector> &allDetectors();

// mp-lost-crash: a process died abnormally and nobody in the program noticed.
void detectLostCrash(const SessionModel &model, std::vector<Finding> &out);

} // namespace monitor
} // namespace procsan

#endif
