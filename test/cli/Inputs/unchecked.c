#include <stddef.h>
#include <stdarg.h>
#include <unistd.h>
int main(void) {
  fork();
  return 0;
}
