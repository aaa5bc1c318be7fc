#include <unistd.h>
/* café ÿþ */
void f(void) { fork(); }
