// exit, _exit, _Exit: when and how a process image ended (its status comes from the reaper).
#include "rt/lifeline.h"
#include "rt/options.h"
#include "rt/runtime.h"

#include <stdlib.h>
#include <unistd.h>

using namespace procsan;

namespace {

using ExitFn = void (*)(int);
ExitFn gExit, gUnderscoreExit, gQuickExit;

void noteExit(int code, trace::ExitApi api) {
  rt::noteChildrenWaitingForExit();
  rt::record(rt::Event{trace::EvExit, {code, api, 0, 0, 0, 0}, nullptr, 0});
}

ExitFn resolved(ExitFn &fn, const char *name) {
  if (!fn)
    fn = reinterpret_cast<ExitFn>(rt::resolveNext(name));
  return fn;
}

} // namespace

// Resolved once at start-up, in the first image: a forked child that exits would otherwise pay
// for dlsym itself, in every child.
void rt::prepareExitFunctions() {
  resolved(gExit, "exit");
  resolved(gUnderscoreExit, "_exit");
  resolved(gQuickExit, "_Exit");
}

PROCSAN_INTERCEPTOR void exit(int code) noexcept {
  rt::ensureInit();
  ExitFn real = resolved(gExit, "exit");
  noteExit(code, trace::ExitExit);
  real(code);
  __builtin_unreachable();
}

PROCSAN_INTERCEPTOR void _exit(int code) {
  rt::ensureInit();
  ExitFn real = resolved(gUnderscoreExit, "_exit");
  noteExit(code, trace::ExitUnderscore);
  real(rt::standaloneBeforeUnderscoreExit(code));
  __builtin_unreachable();
}

PROCSAN_INTERCEPTOR void _Exit(int code) noexcept {
  rt::ensureInit();
  ExitFn real = resolved(gQuickExit, "_Exit");
  noteExit(code, trace::ExitQuick);
  real(rt::standaloneBeforeUnderscoreExit(code));
  __builtin_unreachable();
}
