// exit, _exit, _Exit: when and how a process image ended (its status comes from the reaper).
#include "rt/lifeline.h"
#include "rt/options.h"
#include "rt/runtime.h"

#include <stdlib.h>
#include <unistd.h>

using namespace procsan;

namespace {

void noteExit(int code, trace::ExitApi api) {
  rt::noteChildrenWaitingForExit();
  rt::record(rt::Event{trace::EvExit, {code, api, 0, 0, 0, 0}, nullptr, 0});
}

} // namespace

PROCSAN_INTERCEPTOR void exit(int code) noexcept {
  rt::ensureInit();
  PROCSAN_REAL("exit", void (*)(int));
  noteExit(code, trace::ExitExit);
  real(code);
  __builtin_unreachable();
}

PROCSAN_INTERCEPTOR void _exit(int code) {
  rt::ensureInit();
  PROCSAN_REAL("_exit", void (*)(int));
  noteExit(code, trace::ExitUnderscore);
  real(rt::standaloneBeforeUnderscoreExit(code));
  __builtin_unreachable();
}

PROCSAN_INTERCEPTOR void _Exit(int code) noexcept {
  rt::ensureInit();
  PROCSAN_REAL("_Exit", void (*)(int));
  noteExit(code, trace::ExitQuick);
  real(rt::standaloneBeforeUnderscoreExit(code));
  __builtin_unreachable();
}
