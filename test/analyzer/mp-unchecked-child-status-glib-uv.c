// RUN: not %procsan check --checks='-*,mp-unchecked-child-status' %s -- -I%S/Inputs/glib-mini -I%S/Inputs/uv-mini 2>&1 | FileCheck %s
// Children started by a library: g_spawn_sync waits for the child and hands its wait status
// back through an out-parameter (its result and GError only say whether the child started);
// libuv reaps its children and hands how they ended to the options' exit_cb. Nobody looking
// there is a lost status. Not reported: the status checked, a callback that reads it, options
// that escape to code not seen.
#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <uv.h>

gboolean run_checked(gchar **argv, GError **error) {
  int status = 0;
  if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                    error))
    return 0;
  return g_spawn_check_wait_status(status, error);
}

static void on_exit_checked(uv_process_t *p, int64_t exit_status, int term_signal) {
  if (exit_status != 0 || term_signal != 0)
    fprintf(stderr, "helper failed\n");
  uv_close((uv_handle_t *)p, NULL);
}

void configure(uv_process_options_t *o);

int spawn_checked(uv_loop_t *loop, uv_process_t *proc, char **args) {
  uv_process_options_t options;
  memset(&options, 0, sizeof options);
  options.file = args[0];
  options.args = args;
  options.exit_cb = on_exit_checked;
  return uv_spawn(loop, proc, &options);
}

uv_process_options_t default_options(char **args);

int spawn_made(uv_loop_t *loop, uv_process_t *proc, char **args) {
  uv_process_options_t options = default_options(args); // sets exit_cb where this file cannot see
  return uv_spawn(loop, proc, &options);
}

int spawn_configured(uv_loop_t *loop, uv_process_t *proc) {
  uv_process_options_t options;
  configure(&options); // sets the callback where this file cannot see
  return uv_spawn(loop, proc, &options);
}

static void on_helper_done(GPid pid, int status, gpointer data) {
  if (!g_spawn_check_wait_status(status, (GError **)data))
    g_spawn_close_pid(pid);
}

void watch_checked(GPid pid, GError **error) { g_child_watch_add(pid, on_helper_done, error); }

// Close positives.
void refresh_cache(void) {
  g_spawn_command_line_sync("update-cache --all", NULL, NULL, NULL, NULL);
  // CHECK: mp-unchecked-child-status-glib-uv.c:[[@LINE-1]]:3: warning: g_spawn_command_line_sync() is given no place for the child's wait status: a command that fails or crashes looks like success
}

gboolean run_unchecked(gchar **argv, GError **error) {
  int status;
  gboolean ok = g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                             &status, error);
  // CHECK: mp-unchecked-child-status-glib-uv.c:[[@LINE-2]]:17: warning: the wait status g_spawn_sync() stores in 'status' is never examined
  return ok;
}

// One status variable for two runs, read by neither: the second spawn writes it, not reads it.
void run_twice(gchar **a, gchar **b) {
  int status;
  g_spawn_sync(NULL, a, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL);
  // CHECK: mp-unchecked-child-status-glib-uv.c:[[@LINE-1]]:3: warning: the wait status g_spawn_sync() stores in 'status' is never examined
  g_spawn_sync(NULL, b, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, NULL);
  // CHECK: mp-unchecked-child-status-glib-uv.c:[[@LINE-1]]:3: warning: the wait status g_spawn_sync() stores in 'status' is never examined
}

static void on_exit_ignored(uv_process_t *p, int64_t exit_status, int term_signal) {
  uv_close((uv_handle_t *)p, NULL);
}

int spawn_ignored(uv_loop_t *loop, uv_process_t *proc, char **args) {
  uv_process_options_t options = {.exit_cb = on_exit_ignored, .file = args[0], .args = args};
  return uv_spawn(loop, proc, &options);
  // CHECK: mp-unchecked-child-status-glib-uv.c:[[@LINE-1]]:10: warning: the exit_cb 'on_exit_ignored' of this uv_spawn() never looks at exit_status or term_signal
}

int spawn_no_callback(uv_loop_t *loop, uv_process_t *proc, char **args) {
  uv_process_options_t options = {0};
  options.file = args[0];
  options.args = args;
  return uv_spawn(loop, proc, &options);
  // CHECK: mp-unchecked-child-status-glib-uv.c:[[@LINE-1]]:10: warning: uv_spawn() with no exit_cb: libuv reaps the child and nobody learns how it ended
}
// GLib reaped the watched child and hands the status to the callback, which ignores it.
static void on_helper_gone(GPid pid, int status, gpointer data) {
  (void)data;
  g_spawn_close_pid(pid);
}

void watch_ignored(GPid pid) {
  g_child_watch_add(pid, (GChildWatchFunc)on_helper_gone, NULL);
  // CHECK: mp-unchecked-child-status-glib-uv.c:[[@LINE-1]]:3: warning: the child watch callback 'on_helper_gone' never looks at the wait status GLib hands it
  // CHECK: note: the status parameter is unused
}
// CHECK-NOT: warning:
