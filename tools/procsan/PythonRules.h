// The rules of the Python checker (tools/pycheck): ids and summaries for --list-checks and the
// SARIF rule table. procsan_pycheck/__init__.py has the same table; test/python/list-rules.test
// compares them.
#ifndef PROCSAN_TOOLS_PYTHONRULES_H
#define PROCSAN_TOOLS_PYTHONRULES_H

#include <vector>

namespace procsan {
namespace tools {

struct PythonRule {
  const char *id;
  const char *summary; // the first sentence of docs/rules/<id>.md
};

inline const std::vector<PythonRule> &pythonRules() {
  // Ids that also name C checks (mp-join-before-drain, mp-leaked-ipc-name,
  // mp-unchecked-child-status, mp-unsynchronized-shared-write): one page, one SARIF
  // rule (the C check's summary), listed once as "(also Python)".
  static const std::vector<PythonRule> rules = {
      {"mp-fork-with-threads",
       "Reports a fork made while other threads were running, whose child went on without "
       "exec."},
      {"mp-join-before-drain",
       "Reports a parent waiting for a child to exit while the child is blocked writing into a "
       "pipe only the parent reads."},
      {"mp-leaked-ipc-name",
       "Flags shm_open, sem_open or mq_open with O_CREAT whose name is never unlinked, so the "
       "object outlives the program."},
      {"mp-pool-not-joined",
       "A process pool or executor is neither used as a context manager nor closed and joined "
       "on every path, or its `with` block ends while results it still owes are pending."},
      {"mp-repeated-task-payload",
       "The same large object is pickled and sent to the workers again with every task, where "
       "a pool initializer or shared memory would send it once."},
      {"mp-unchecked-child-status",
       "Flags a wait whose status is discarded or never examined, so a crashed child goes "
       "unnoticed."},
      {"mp-unguarded-spawn",
       "A process pool, process, or manager is started while the main module is imported, "
       "outside the `if __name__ == \"__main__\":` guard, under a start method that re-imports "
       "it."},
      {"mp-unpicklable-task",
       "An object that cannot be pickled is passed where multiprocessing pickles it: a task, its "
       "arguments, a queue or a pipe, or a process target under spawn or forkserver."},
      {"mp-unsynchronized-shared-write",
       "Flags a write to shared memory that another live process also uses, made without a "
       "process-shared lock and not atomic."},
  };
  return rules;
}

} // namespace tools
} // namespace procsan

#endif
