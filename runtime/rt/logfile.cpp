#include "rt/logfile.h"
#include "trace/format.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

namespace procsan {
namespace rt {

int openSessionDirectory(const char *dir) {
  int fd = (int)syscall(SYS_openat, AT_FDCWD, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return -1;
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
    close(fd);
    errno = EPERM;
    return -1;
  }
  return fd;
}

uint32_t capacityWithinFileLimit(uint32_t wanted) {
  struct rlimit limit;
  if (getrlimit(RLIMIT_FSIZE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
      limit.rlim_cur >= trace::logFileSize(wanted))
    return wanted;
  constexpr uint32_t kSmallest = 16;
  if (limit.rlim_cur < trace::logFileSize(kSmallest))
    return 0;
  return (uint32_t)((limit.rlim_cur - trace::kHeaderSize) / trace::kRecordSize);
}

bool backLogRange(void *base, size_t offset, size_t length) {
  const uintptr_t page = 4096;
  uintptr_t start = ((uintptr_t)base + offset) & ~(page - 1);
  uintptr_t end = ((uintptr_t)base + offset + length + page - 1) & ~(page - 1);
  int savedErrno = errno;
  long r = syscall(SYS_madvise, start, end - start, MADV_POPULATE_WRITE);
  // EINVAL: a kernel before 5.14, which cannot populate; the write may still fault later.
  bool ok = r == 0 || errno == EINVAL || errno == ENOSYS;
  errno = savedErrno;
  return ok;
}

} // namespace rt
} // namespace procsan
