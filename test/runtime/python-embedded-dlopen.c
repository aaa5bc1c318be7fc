// RUN: %cc %s -o %t -ldl
// RUN: %python -c "import os, sys, sysconfig as s; print(os.path.join(s.get_config_var('LIBDIR'), s.get_config_var('LDLIBRARY'))); print(sys.base_prefix)" > %t.args
// RUN: %procsan run --rules=mp-fork-with-threads --format=json --output=%t.json -- %t %t.args 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: %python %inputs/python_stacks.py %t.json | FileCheck --check-prefix=JSON %s
// A C program that embeds CPython by loading libpython with dlopen (RTLD_LOCAL: its symbols stay
// out of the global scope) after it started; the Python code it runs forks while a thread is
// alive. The runtime found no interpreter at start-up: it finds the one loaded since at the
// fork, so the report has Python frames and the thread's Python name.
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *kCode = "import os, threading\n"
                           "stop = threading.Event()\n"
                           "t = threading.Thread(target=stop.wait, name='embedded-worker')\n"
                           "t.start()\n"
                           "def spawn():\n"
                           "    pid = os.fork()\n"
                           "    if pid == 0:\n"
                           "        os._exit(0)\n"
                           "    os.waitpid(pid, 0)\n"
                           "spawn()\n"
                           "stop.set()\n"
                           "t.join()\n";

int main(int argc, char **argv) {
  char lib[4096], home[4096];
  FILE *args = argc > 1 ? fopen(argv[1], "r") : NULL;
  if (!args || !fgets(lib, sizeof(lib), args) || !fgets(home, sizeof(home), args))
    return 2;
  fclose(args);
  lib[strcspn(lib, "\n")] = 0;
  home[strcspn(home, "\n")] = 0;
  setenv("PYTHONHOME", home, 1);
  void *py = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
  if (!py) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 2;
  }
  void (*initialize)(int) = (void (*)(int))dlsym(py, "Py_InitializeEx");
  int (*run)(const char *) = (int (*)(const char *))dlsym(py, "PyRun_SimpleString");
  int (*finalize)(void) = (int (*)(void))dlsym(py, "Py_FinalizeEx");
  if (!initialize || !run || !finalize)
    return 2;
  initialize(0);
  int r = run(kCode);
  finalize();
  return r == 0 ? 0 : 1;
}

// CHECK: procsan: warning: process {{[0-9]+}} ({{.*}}) forked process {{[0-9]+}} {{.*}} while 1 other thread was running
// CHECK-NEXT: fork in pid {{[0-9]+}}; other threads: {{[0-9]+}}:"embedded-worker"
// CHECK-NEXT: File "<string>", line 6, in spawn
// CHECK-NEXT: File "<string>", line 10, in <module>
// JSON: mp-fork-with-threads: fork in pid {{.*}} | <string>:6 spawn < <string>:10 <module>
