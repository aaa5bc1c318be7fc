#include "FuzzSupport.h"

#include <dirent.h>
#include <unistd.h>
#include <vector>

namespace procsan {
namespace fuzz {

namespace {

void clearDir(const std::string &dir) {
  DIR *d = opendir(dir.c_str());
  if (!d)
    return;
  std::vector<std::string> names;
  while (struct dirent *e = readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
      names.push_back(e->d_name);
  closedir(d);
  for (const std::string &n : names)
    unlink((dir + "/" + n).c_str());
}

// Never destroyed: atexit handlers still need it.
std::string *gScratch;

} // namespace

const std::string &scratchDir() {
  if (gScratch)
    return *gScratch;
  const char *tmp = std::getenv("TMPDIR");
  std::string base =
      access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : (tmp && *tmp ? tmp : "/tmp");
  std::string tmpl = base + "/procsan-fuzz-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back(0);
  if (!mkdtemp(buf.data())) {
    std::perror("procsan fuzz: mkdtemp");
    std::abort();
  }
  gScratch = new std::string(buf.data());
  std::atexit([] {
    clearDir(*gScratch);
    rmdir(gScratch->c_str());
  });
  return *gScratch;
}

void clearScratch() { clearDir(scratchDir()); }

} // namespace fuzz
} // namespace procsan
