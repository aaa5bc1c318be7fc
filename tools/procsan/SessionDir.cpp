#include "SessionDir.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace procsan {
namespace tools {

namespace {

// Why base cannot hold a session directory ("" when it can).
std::string unusableBase(const std::string &base) {
  struct stat st;
  if (stat(base.c_str(), &st) != 0)
    return std::strerror(errno);
  if (!S_ISDIR(st.st_mode))
    return "not a directory";
  // Anyone who may rename entries here could swap our directory for theirs.
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
    return "writable by others without the sticky bit";
  if (base.size() + sizeof("/procsan-XXXXXX") - 1 > kMaxSessionPath)
    return "path too long";
  if (access(base.c_str(), W_OK | X_OK) != 0)
    return std::strerror(errno);
  return "";
}

void removeTree(int parent, const char *name, int depth) {
  if (unlinkat(parent, name, 0) == 0 || errno != EISDIR || depth > 16)
    return;
  int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return;
  if (DIR *d = fdopendir(fd)) {
    std::vector<std::string> names;
    while (struct dirent *e = readdir(d))
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
        names.push_back(e->d_name);
    for (const std::string &n : names)
      removeTree(dirfd(d), n.c_str(), depth + 1);
    closedir(d);
  } else {
    close(fd);
  }
  unlinkat(parent, name, AT_REMOVEDIR);
}

} // namespace

std::string makeSessionDir() {
  // Logs are memory-mapped files written by every process: on tmpfs (/dev/shm) they cost what
  // memory costs; on a disk file system each new log pays for inode allocation and writeback.
  struct Base {
    std::string path;
    const char *setBy; // the variable the user set, or null for a default
  };
  std::vector<Base> bases;
  const char *own = std::getenv("PROCSAN_TMPDIR");
  const char *tmp = std::getenv("TMPDIR");
  if (own && *own)
    bases.push_back({own, "PROCSAN_TMPDIR"});
  bases.push_back({"/dev/shm", nullptr});
  if (tmp && *tmp)
    bases.push_back({tmp, "TMPDIR"});
  bases.push_back({"/tmp", nullptr});
  int lastErrno = ENOENT;
  for (const Base &b : bases) {
    std::string why = unusableBase(b.path);
    if (why.empty()) {
      std::string tmpl = b.path + "/procsan-XXXXXX";
      std::vector<char> buf(tmpl.begin(), tmpl.end());
      buf.push_back(0);
      // mkdtemp creates it 0700 with mkdir, which never follows a symlink; check what we got
      // all the same (a umask cannot widen it, a racing rename could replace it).
      if (mkdtemp(buf.data())) {
        struct stat st;
        if (lstat(buf.data(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
            (st.st_mode & 0777) == 0700)
          return buf.data();
        why = "the new directory is not private";
      } else {
        lastErrno = errno;
        why = std::strerror(errno);
      }
    }
    if (b.setBy)
      std::fprintf(stderr, "procsan run: warning: not keeping the trace in %s=%s: %s\n", b.setBy,
                   b.path.c_str(), why.c_str());
  }
  errno = lastErrno;
  return "";
}

void removeSessionDir(const std::string &dir) {
  size_t slash = dir.rfind('/');
  std::string parent = slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash);
  int pfd = open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (pfd < 0)
    return;
  // The directory itself may have been replaced by a symlink: removeTree never follows one.
  removeTree(pfd, dir.c_str() + (slash == std::string::npos ? 0 : slash + 1), 0);
  close(pfd);
}

std::string traceLossWarnings(const std::string &dir, const monitor::SessionModel &model) {
  std::string out;
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    out += "procsan run: warning: the session directory " + dir +
           " was removed or replaced while the program ran: its trace is lost, findings may be "
           "missing\n";
    return out;
  }
  uint64_t dropped = 0;
  size_t dropping = 0, untraced = 0;
  std::string pids;
  for (const auto &entry : model.processes()) {
    const monitor::Process &p = entry.second;
    if (p.eventsDropped) {
      dropped += p.eventsDropped;
      if (++dropping <= 5)
        pids += (pids.empty() ? "" : ", ") + std::to_string(p.pid);
    }
    // Every forked child of a traced process makes its log as it starts: no log means it could
    // not make one, unless a signal ended it first (Pool.terminate() right after a fork).
    const monitor::Process *parent = model.find(p.ppid);
    if (!p.traced && parent && parent->traced && model.forkOf(p.pid) &&
        !(p.exit.known && p.exit.signaled))
      ++untraced;
  }
  if (dropped)
    out += "procsan run: warning: " + std::to_string(dropped) + " event" +
           (dropped == 1 ? "" : "s") + " of " + std::to_string(dropping) + " process" +
           (dropping == 1 ? "" : "es") + " (pid " + pids + (dropping > 5 ? ", ..." : "") +
           ") could not be recorded (the monitor was stopped or fell behind, --spill-limit was "
           "reached, or no room was left in " +
           dir +
           "): mp-lost-crash, mp-unreaped-child and mp-leaked-ipc stay silent where the lost "
           "events could matter, other findings may be missing\n";
  if (size_t reused = model.reusedPids())
    out += "procsan run: warning: " + std::to_string(reused) + " pid" +
           (reused == 1 ? " was" : "s were") +
           " taken again by new processes during the run (it made more processes than pid_max "
           "allows at once): the report merges the processes that shared a pid, and "
           "mp-lost-crash and mp-unreaped-child stay silent about them\n";
  if (untraced)
    out += "procsan run: warning: " + std::to_string(untraced) + " forked process" +
           (untraced == 1 ? "" : "es") + " could not create a log in " + dir +
           " (no room left, or the directory was changed): they were not traced\n";
  return out;
}

} // namespace tools
} // namespace procsan
