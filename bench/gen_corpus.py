#!/usr/bin/env python3
"""Writes a generated C code base for benchmarks: N translation units in the style of a forking
server (workers, pipes, waits, signal handling, many helpers), plus the project's examples,
with a compile_commands.json.

usage: bench/gen_corpus.py OUT_DIR [N]
"""
import json
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)

HEADER = """#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
"""

FUNCS = [
    """static int helper_{i}(int x) {{
  int acc = 0;
  for (int k = 0; k < x; ++k)
    acc += (k * {i}) % 7;
  return acc;
}}
""",
    """static pid_t spawn_{i}(int fd) {{
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {{
    char buf[64];
    snprintf(buf, sizeof(buf), "worker %d\\n", {i});
    write(fd, buf, strlen(buf));
    _exit(0);
  }}
  return pid;
}}
""",
    """static int run_{i}(char **argv) {{
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  pid_t pid = fork();
  if (pid == 0) {{
    close(fds[0]);
    dup2(fds[1], 1);
    execvp(argv[0], argv);
    _exit(127);
  }}
  close(fds[1]);
  char buf[256];
  while (read(fds[0], buf, sizeof(buf)) > 0) {{
  }}
  close(fds[0]);
  int status;
  if (waitpid(pid, &status, 0) < 0)
    return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}}
""",
    """static void on_signal_{i}(int sig) {{
  (void)sig;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {{
  }}
  errno = saved;
}}
""",
]


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    rng = random.Random(42)
    os.makedirs(out, exist_ok=True)
    entries = []
    for t in range(n):
        path = os.path.join(out, f"unit{t:03d}.c")
        parts = [HEADER]
        for i in range(t * 40, t * 40 + 40):
            parts.append(rng.choice(FUNCS).format(i=i))
        parts.append(f"int entry_{t}(void) {{ return helper_0 ? 0 : 1; }}\n"
                     if False else f"int entry_{t}(void) {{ return {t}; }}\n")
        with open(path, "w") as fh:
            fh.write("".join(parts))
        entries.append({"directory": out, "file": path,
                        "arguments": ["cc", "-O2", "-Wall", "-Wno-unused-function", "-c", path]})
    for src in sorted(os.listdir(os.path.join(TOP, "examples", "analyzer"))):
        path = os.path.join(out, src)
        shutil.copy(os.path.join(TOP, "examples", "analyzer", src), path)
        std = ["-std=c++17"] if src.endswith(".cpp") else []
        entries.append({"directory": out, "file": path,
                        "arguments": ["c++" if std else "cc"] + std + ["-c", path]})
    with open(os.path.join(out, "compile_commands.json"), "w") as fh:
        json.dump(entries, fh, indent=1)
    print(f"{len(entries)} translation units in {out}")


if __name__ == "__main__":
    main()
