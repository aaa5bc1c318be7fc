// Helpers shared by the fuzz targets: a reader that turns fuzz bytes into values (without
// depending on libFuzzer's headers, so the replay build works with any compiler), a check that
// aborts with a message (libFuzzer and the replay driver both report an abort as a failure),
// and a private scratch directory for targets that must go through the file system.
#ifndef PROCSAN_FUZZ_FUZZSUPPORT_H
#define PROCSAN_FUZZ_FUZZSUPPORT_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#define FUZZ_CHECK(cond, ...)                                                                      \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      std::fprintf(stderr, "fuzz check failed at %s:%d: %s: ", __FILE__, __LINE__, #cond);         \
      std::fprintf(stderr, __VA_ARGS__);                                                           \
      std::fprintf(stderr, "\n");                                                                  \
      std::abort();                                                                                \
    }                                                                                              \
  } while (0)

namespace procsan {
namespace fuzz {

class Bytes {
public:
  Bytes(const uint8_t *data, size_t size) : p(data), end(data + size) {}
  bool empty() const { return p >= end; }
  uint8_t u8() { return p < end ? *p++ : 0; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= (uint32_t)u8() << (8 * i);
    return v;
  }
  uint64_t u64() { return (uint64_t)u32() | ((uint64_t)u32() << 32); }
  bool flag() { return u8() & 1; }
  // Up to max bytes, length first.
  std::string str(size_t max = 64) {
    size_t n = u8() % (max + 1);
    std::string s;
    while (n-- && p < end)
      s += (char)*p++;
    return s;
  }

private:
  const uint8_t *p, *end;
};

inline bool validUtf8(const std::string &s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = (unsigned char)s[i];
    size_t n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 9;
    if (n == 9 || i + n >= s.size())
      return false;
    uint32_t cp = n == 0 ? c : c & (0x3f >> n);
    for (size_t k = 1; k <= n; ++k) {
      unsigned char d = (unsigned char)s[i + k];
      if ((d & 0xc0) != 0x80)
        return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    static const uint32_t minimum[] = {0, 0x80, 0x800, 0x10000};
    if (cp < minimum[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

// A directory of this process's own, created once, for targets that write files.
const std::string &scratchDir();
// Removes every entry of scratchDir() (not the directory itself).
void clearScratch();

} // namespace fuzz
} // namespace procsan

#endif
