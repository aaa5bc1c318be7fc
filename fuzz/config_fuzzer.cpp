// Fuzz target: the .procsan.yaml reader. Any text gives a config or an error naming the file,
// never a crash; a config that parses survives --dump-config: dumping it and reading the dump
// back gives the same configuration.
#include "FuzzSupport.h"

#include "CheckRegistry.h"
#include "Config.h"

using namespace procsan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<analyzer::ConfigFile> parsed = analyzer::parseConfig(text, "fuzz.yaml");
  if (!parsed) {
    std::string message = llvm::toString(parsed.takeError());
    FUZZ_CHECK(message.find("fuzz.yaml") != std::string::npos, "error without the file name: %s",
               message.c_str());
    return 0;
  }
  std::string dumped = analyzer::dumpConfig(*parsed);
  llvm::Expected<analyzer::ConfigFile> again = analyzer::parseConfig(dumped, "dump.yaml");
  if (!again) {
    std::string message = llvm::toString(again.takeError());
    FUZZ_CHECK(false, "the dump does not parse back: %s\n%s", message.c_str(), dumped.c_str());
  }
  // No Checks in the file means the default set, which the dump spells out.
  FUZZ_CHECK(again->checks.value_or(analyzer::defaultChecks()) ==
                 parsed->checks.value_or(analyzer::defaultChecks()),
             "Checks changed: '%s'", dumped.c_str());
  FUZZ_CHECK(again->warningsAsErrors.value_or("") == parsed->warningsAsErrors.value_or(""),
             "WarningsAsErrors changed: '%s'", dumped.c_str());
  FUZZ_CHECK(again->checkOptions == parsed->checkOptions, "CheckOptions changed: '%s'",
             dumped.c_str());
  return 0;
}
