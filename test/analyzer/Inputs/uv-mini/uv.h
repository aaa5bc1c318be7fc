// The part of libuv's uv.h the tests need (same names and field order as uv.h).
#ifndef TEST_UV_MINI_H
#define TEST_UV_MINI_H
#include <stdint.h>
typedef struct uv_loop_s uv_loop_t;
typedef struct uv_process_s uv_process_t;
typedef struct uv_handle_s uv_handle_t;
typedef void (*uv_exit_cb)(uv_process_t *, int64_t exit_status, int term_signal);
typedef void (*uv_close_cb)(uv_handle_t *handle);
typedef struct uv_stdio_container_s uv_stdio_container_t;
typedef struct uv_process_options_s {
  uv_exit_cb exit_cb;
  const char *file;
  char **args;
  char **env;
  const char *cwd;
  unsigned int flags;
  int stdio_count;
  uv_stdio_container_t *stdio;
  unsigned int uid;
  unsigned int gid;
} uv_process_options_t;
struct uv_process_s {
  void *data;
  int pid;
};
int uv_spawn(uv_loop_t *loop, uv_process_t *handle, const uv_process_options_t *options);
void uv_close(uv_handle_t *handle, uv_close_cb close_cb);
#endif
