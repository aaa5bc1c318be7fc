// procsan: finds the bugs of multiprocess programs, in the source (check) and while they run (run).
#include "Commands.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace procsan::tools;

namespace {

void usage(FILE *to) {
  std::fprintf(
      to, "usage: procsan <command> [options]\n"
          "\n"
          "commands:\n"
          "  check [FILES...] [-p BUILD_DIR] [-- COMPILER_ARGS]   analyze C/C++ sources\n"
          "  run [OPTIONS] -- PROGRAM [ARGS...]                   run and watch a process tree\n"
          "  report SESSION_DIR [OPTIONS]                         re-render a kept run\n"
          "  explain RULE                                         print a rule's documentation\n"
          "  version                                              print the version\n"
          "\n"
          "'procsan <command> --help' describes a command's options.\n");
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "run")
    return runCommand(args);
  if (command == "report")
    return reportCommand(args);
  if (command == "check")
    return checkCommand(args);
  if (command == "explain")
    return explainCommand(args);
  if (command == "version" || command == "--version") {
    std::printf("procsan %s\n", kVersion);
    return 0;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    usage(stdout);
    return 0;
  }
  std::fprintf(stderr, "procsan: error: unknown command '%s'\n", command.c_str());
  usage(stderr);
  return 2;
}
