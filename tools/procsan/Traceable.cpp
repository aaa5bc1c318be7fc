#include "Traceable.h"

#include <cstdlib>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace procsan {
namespace tools {
namespace {

std::string findInPath(const std::string &name) {
  if (name.find('/') != std::string::npos)
    return name;
  const char *path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  for (;;) {
    size_t colon = dirs.find(':', start);
    std::string dir = dirs.substr(start, colon == std::string::npos ? colon : colon - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (colon == std::string::npos)
      return "";
    start = colon + 1;
  }
}

// True for a 64- or 32-bit ELF executable without a PT_INTERP program header.
bool staticElf(int fd) {
  unsigned char ident[EI_NIDENT];
  if (pread(fd, ident, sizeof(ident), 0) != (ssize_t)sizeof(ident) ||
      std::memcmp(ident, ELFMAG, SELFMAG) != 0)
    return false;
  if (ident[EI_CLASS] == ELFCLASS64) {
    Elf64_Ehdr eh;
    if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
        eh.e_phentsize != sizeof(Elf64_Phdr))
      return false;
    for (unsigned i = 0; i < eh.e_phnum && i < 4096; ++i) {
      Elf64_Phdr ph;
      if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
        return false;
      if (ph.p_type == PT_INTERP)
        return false;
    }
    return eh.e_type == ET_EXEC || eh.e_type == ET_DYN;
  }
  if (ident[EI_CLASS] == ELFCLASS32) {
    Elf32_Ehdr eh;
    if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
        eh.e_phentsize != sizeof(Elf32_Phdr))
      return false;
    for (unsigned i = 0; i < eh.e_phnum && i < 4096; ++i) {
      Elf32_Phdr ph;
      if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
        return false;
      if (ph.p_type == PT_INTERP)
        return false;
    }
    return eh.e_type == ET_EXEC || eh.e_type == ET_DYN;
  }
  return false;
}

std::string reasonFor(const std::string &path, int depth) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return "";
  struct stat st;
  std::string reason;
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    if ((st.st_mode & S_ISUID) && st.st_uid != geteuid())
      reason = "it is setuid";
    else if ((st.st_mode & S_ISGID) && st.st_gid != getegid())
      reason = "it is setgid";
    else if (staticElf(fd))
      reason = "it is statically linked";
    char head[256] = {0};
    ssize_t n = pread(fd, head, sizeof(head) - 1, 0);
    if (reason.empty() && depth < 4 && n > 2 && head[0] == '#' && head[1] == '!') {
      // The kernel runs the interpreter named on the first line.
      char *p = head + 2;
      while (*p == ' ' || *p == '\t')
        ++p;
      size_t len = std::strcspn(p, " \t\n");
      std::string interpreter(p, len);
      std::string inner = interpreter.empty() ? "" : reasonFor(interpreter, depth + 1);
      if (!inner.empty())
        reason = "its interpreter " + interpreter + " cannot be traced (" + inner + ")";
    }
  }
  close(fd);
  return reason;
}

} // namespace

std::string untraceableReason(const std::string &program) {
  std::string path = findInPath(program);
  return path.empty() ? "" : reasonFor(path, 0);
}

} // namespace tools
} // namespace procsan
