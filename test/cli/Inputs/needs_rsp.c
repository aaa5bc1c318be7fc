#include <unistd.h>

#ifndef FROM_RESPONSE_FILE
#error "compiled without the flags of the response file"
#endif

int main(void) {
  fork();
  return 0;
}
