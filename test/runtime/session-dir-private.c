// RUN: %cc %s -o %t
// RUN: %procsan run -- %t > %t.out
// RUN: FileCheck %s < %t.out
// RUN: %python %inputs/session_gone.py %t.out
// The session directory is a private directory of this user's (0700, not a symlink), and it is
// removed after the run, with what the program left in it (a subdirectory, a symlink).
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
  const char *s = getenv("PROCSAN_SESSION");
  struct stat st;
  if (!s || lstat(s, &st) != 0)
    return 1;
  printf("dir=%d mode=%o mine=%d\n", S_ISDIR(st.st_mode), st.st_mode & 07777,
         st.st_uid == geteuid());
  printf("session=%s\n", s);
  char path[4096];
  snprintf(path, sizeof(path), "%s/sub", s);
  mkdir(path, 0700);
  snprintf(path, sizeof(path), "%s/sub/file", s);
  close(open(path, O_WRONLY | O_CREAT, 0600));
  snprintf(path, sizeof(path), "%s/link", s);
  symlink("/", path); // removal must not follow it
  return 0;
}
// CHECK: dir=1 mode=700 mine=1
