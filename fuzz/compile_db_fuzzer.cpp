// Fuzz target: compile_commands.json as `procsan check -p BUILD_DIR` reads it. The bytes are
// written to a build directory of this process's own and loaded the way the check command does
// (loadBuildDatabase), then every file it selects is looked up, as the analysis of that file
// would; a file it does not list is looked up too (Clang infers a command for it). Any database
// loads or fails with a message naming the directory, never a crash or a hang.
#include "FuzzSupport.h"

#include "CompileDatabase.h"

#include <fcntl.h>
#include <unistd.h>

using namespace procsan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string &dir = fuzz::scratchDir();
  std::string path = dir + "/compile_commands.json";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  FUZZ_CHECK(fd >= 0, "cannot create %s", path.c_str());
  FUZZ_CHECK(write(fd, data, size) == (ssize_t)size, "cannot write %s", path.c_str());
  close(fd);

  std::vector<std::string> files;
  std::string error;
  std::unique_ptr<clang::tooling::CompilationDatabase> db =
      tools::loadBuildDatabase(dir, size % 2 ? "\\.c$" : "", files, error);
  if (!db) {
    FUZZ_CHECK(error.find(dir) != std::string::npos, "error without the directory: %s",
               error.c_str());
    return 0;
  }
  size_t looked = 0;
  for (const std::string &file : files) {
    if (++looked > 64)
      break;
    for (const clang::tooling::CompileCommand &c : db->getCompileCommands(file))
      (void)c.CommandLine.size();
  }
  db->getCompileCommands(dir + "/not-listed.c");
  return 0;
}
