#include "monitor/procfs.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/vfs.h>
#include <unistd.h>

namespace procsan {
namespace monitor {

namespace {

std::string readSmallFile(const std::string &path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<int> numericEntries(const std::string &dir) {
  std::vector<int> out;
  DIR *d = opendir(dir.c_str());
  if (!d)
    return out;
  while (struct dirent *e = readdir(d)) {
    char *end = nullptr;
    long v = strtol(e->d_name, &end, 10);
    if (end && *end == 0 && v > 0)
      out.push_back((int)v);
  }
  closedir(d);
  return out;
}

} // namespace

uint64_t TreeSnapshot::cpuTicks() const {
  uint64_t total = 0;
  for (const auto &p : processes)
    total += p.second.cpuTicks;
  return total;
}

bool parseStatLine(const std::string &line, char &state, int &ppid, uint64_t &ticks,
                   std::string &comm) {
  size_t open = line.find('(');
  size_t close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open)
    return false;
  comm = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 1));
  std::string field;
  std::vector<std::string> f;
  while (rest >> field && f.size() < 20)
    f.push_back(field);
  // After ")": state(3) ppid(4) pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  // utime(14) stime(15)
  if (f.size() < 13 || f[0].size() != 1)
    return false;
  state = f[0][0];
  ppid = atoi(f[1].c_str());
  ticks = strtoull(f[11].c_str(), nullptr, 10) + strtoull(f[12].c_str(), nullptr, 10);
  return true;
}

int zombieStatus(int pid) {
  std::string line = readSmallFile("/proc/" + std::to_string(pid) + "/stat");
  size_t close = line.rfind(')');
  if (close == std::string::npos)
    return -1;
  std::istringstream rest(line.substr(close + 1));
  std::string field;
  std::vector<std::string> f;
  while (rest >> field)
    f.push_back(field);
  // state(3) ... exit_code(52), the status wait() will return.
  if (f.size() < 50 || f[0] != "Z")
    return -1;
  return atoi(f[49].c_str());
}

bool parseSyscallLine(const std::string &line, ThreadSnapshot &t) {
  if (line.rfind("running", 0) == 0) {
    t.syscall = -1;
    return true;
  }
  std::istringstream in(line);
  long nr;
  if (!(in >> nr))
    return false;
  t.syscall = nr;
  if (nr < 0)
    return true;
  std::string word;
  std::vector<uint64_t> values;
  while (in >> word)
    values.push_back(strtoull(word.c_str(), nullptr, 16));
  for (size_t i = 0; i < 6 && i < values.size(); ++i)
    t.args[i] = values[i];
  if (values.size() >= 8)
    t.pc = values[7];
  return true;
}

TreeSnapshot readTree(int root, int adopter) {
  TreeSnapshot tree;
  std::map<int, int> parentOf;
  std::map<int, std::string> statOf;
  for (int pid : numericEntries("/proc")) {
    std::string line = readSmallFile("/proc/" + std::to_string(pid) + "/stat");
    char state;
    int ppid;
    uint64_t ticks;
    std::string comm;
    if (!parseStatLine(line, state, ppid, ticks, comm))
      continue;
    parentOf[pid] = ppid;
    statOf[pid] = line;
  }
  for (const auto &entry : parentOf) {
    int pid = entry.first;
    bool inTree = false;
    int cur = pid;
    for (int depth = 0; depth < 256 && cur > 1; ++depth) {
      if (cur == root || (parentOf.count(cur) && parentOf[cur] == adopter && cur != adopter)) {
        inTree = true;
        break;
      }
      auto it = parentOf.find(cur);
      if (it == parentOf.end())
        break;
      cur = it->second;
    }
    if (!inTree)
      continue;
    ProcessSnapshot p;
    p.pid = pid;
    uint64_t ticks;
    parseStatLine(statOf[pid], p.state, p.ppid, ticks, p.comm);
    std::string taskDir = "/proc/" + std::to_string(pid) + "/task";
    for (int tid : numericEntries(taskDir)) {
      ThreadSnapshot t;
      t.tid = tid;
      std::string base = taskDir + "/" + std::to_string(tid);
      int tppid;
      uint64_t tticks = 0;
      if (!parseStatLine(readSmallFile(base + "/stat"), t.state, tppid, tticks, t.name))
        continue;
      p.cpuTicks += tticks;
      parseSyscallLine(readSmallFile(base + "/syscall"), t);
      std::string status = readSmallFile(base + "/status");
      for (const char *key : {"voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"}) {
        size_t at = status.find(key);
        if (at != std::string::npos)
          t.switches += strtoull(status.c_str() + at + strlen(key), nullptr, 10);
      }
      p.threads.push_back(t);
    }
    tree.processes[pid] = std::move(p);
  }
  return tree;
}

void readFds(TreeSnapshot &tree) {
  for (auto &entry : tree.processes) {
    ProcessSnapshot &p = entry.second;
    p.fds.clear();
    std::string dir = "/proc/" + std::to_string(p.pid) + "/fd";
    for (int fd : numericEntries(dir)) {
      char buf[256];
      std::string link = dir + "/" + std::to_string(fd);
      ssize_t n = readlink(link.c_str(), buf, sizeof(buf) - 1);
      if (n <= 0)
        continue;
      buf[n] = 0;
      bool pipeOrSocket = strncmp(buf, "pipe:", 5) == 0 || strncmp(buf, "socket:", 7) == 0;
      if (!pipeOrSocket && buf[0] != '/')
        continue;
      // A POSIX message queue's descriptor shows its name as a path; its file system (mqueue,
      // mounted or not) tells it apart.
      struct statfs fs;
      if (!pipeOrSocket && (statfs(link.c_str(), &fs) != 0 || fs.f_type != 0x19800202))
        continue;
      std::string info =
          readSmallFile("/proc/" + std::to_string(p.pid) + "/fdinfo/" + std::to_string(fd));
      FdSnapshot f;
      f.fd = fd;
      f.target = buf;
      size_t flags = info.find("flags:");
      if (flags != std::string::npos)
        f.accessMode = (int)(strtoul(info.c_str() + flags + 6, nullptr, 8) & O_ACCMODE);
      p.fds.push_back(f);
    }
  }
}

} // namespace monitor
} // namespace procsan
