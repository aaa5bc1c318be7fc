// Allocators: one returns a shared anonymous mapping, the others private memory.
#include <stdlib.h>
#include <sys/mman.h>

void *shared_alloc(size_t n) {
  void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

void *private_alloc(size_t n) {
  return mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

void *heap_alloc(size_t n) { return malloc(n); }
