// What /proc says about the live processes of a tree, read only when the tree seems stuck:
// thread states, the system call each blocked thread is in, CPU time, and (on demand) which
// pipes and sockets each process holds and how.
#ifndef PROCSAN_MONITOR_PROCFS_H
#define PROCSAN_MONITOR_PROCFS_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace procsan {
namespace monitor {

struct ThreadSnapshot {
  int tid = 0;
  char state = '?';  // R, S, D, Z, T, ...
  long syscall = -2; // -1: running in user space; -2: unknown
  uint64_t args[6] = {0, 0, 0, 0, 0, 0};
  uint64_t pc = 0;       // user-space pc at the system call
  std::string name;      // comm
  uint64_t switches = 0; // context switches so far: unchanged while the thread never ran
};

struct FdSnapshot {
  int fd = 0;
  std::string target; // readlink of /proc/PID/fd/N: "pipe:[1234]", "socket:[...]", a path
  int accessMode = 0; // O_RDONLY, O_WRONLY or O_RDWR (from fdinfo flags)
};

struct ProcessSnapshot {
  int pid = 0;
  int ppid = 0;
  char state = '?';
  uint64_t cpuTicks = 0; // utime + stime of all threads
  std::vector<ThreadSnapshot> threads;
  std::vector<FdSnapshot> fds; // filled by readFds
  std::string comm;
};

struct TreeSnapshot {
  std::map<int, ProcessSnapshot> processes;
  uint64_t cpuTicks() const;
};

// Every live process descending from root, plus the direct children of adopter (orphans the
// subreaper adopted). Threads' states and system calls are read; fds are not.
TreeSnapshot readTree(int root, int adopter);
// Fills the fd tables (pipes, sockets and message queues only) of every process in the snapshot.
void readFds(TreeSnapshot &tree);

// The wait status of a zombie (the exit_code field of /proc/PID/stat), or -1 when pid is no
// zombie: how a dead child its blocked parent never reaped ended.
int zombieStatus(int pid);
// Parses one /proc/PID/task/TID/syscall line ("202 0x... 0x... ... sp pc", "running", "-1 ...").
bool parseSyscallLine(const std::string &line, ThreadSnapshot &t);
// Parses the fields of a /proc/PID/stat line after the command name.
bool parseStatLine(const std::string &line, char &state, int &ppid, uint64_t &ticks,
                   std::string &comm);

} // namespace monitor
} // namespace procsan

#endif
