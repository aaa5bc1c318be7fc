// RUN: not %procsan check --checks='-*,mp-unreaped-child' %s -- -I%S/Inputs/glib-mini 2>&1 | FileCheck %s
// GLib reaps the children it starts unless G_SPAWN_DO_NOT_REAP_CHILD says the program will:
// then a pid thrown away (NULL, or a variable nothing reads) leaves a zombie for every spawn.
// Not reported: GLib reaping (no flag), the pid given to g_child_watch_add, flags not known. A
// pid only released with g_spawn_close_pid or logged reaches nothing that reaps.
#include <glib.h>
#include <stddef.h>

static void on_child_exit(GPid pid, int status, gpointer data) {
  (void)data;
  if (!g_spawn_check_wait_status(status, NULL))
    g_spawn_close_pid(pid);
}

void start_viewer(gchar **argv) {
  g_spawn_async(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL);
}

void start_watched(gchar **argv) {
  GPid pid;
  if (g_spawn_async(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                    NULL, &pid, NULL))
    g_child_watch_add(pid, on_child_exit, NULL);
}

void start_with_flags(gchar **argv, GSpawnFlags flags) {
  g_spawn_async(NULL, argv, NULL, flags, NULL, NULL, NULL, NULL);
}

// Close positives: told not to reap, and the pid is dropped.
void start_helper(gchar **argv) {
  g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH, NULL, NULL,
                NULL, NULL);
  // CHECK: mp-unreaped-child-glib.c:[[@LINE-2]]:3: warning: the child process made by g_spawn_async() with G_SPAWN_DO_NOT_REAP_CHILD is never reaped
  // CHECK: note: its pid is not kept, so neither g_child_watch_add() nor waitpid() can collect it
}

int start_piped(gchar **argv) {
  GPid pid;
  int out = -1;
  g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL,
                           &out, NULL, NULL);
  // CHECK: mp-unreaped-child-glib.c:[[@LINE-2]]:3: warning: the child process made by g_spawn_async_with_pipes() with G_SPAWN_DO_NOT_REAP_CHILD is never reaped
  // CHECK: note: its pid is stored in 'pid', which is never given to g_child_watch_add() or waitpid()
  return out;
}

// The pid is kept, but only released with g_spawn_close_pid (which reaps nothing on Unix) and
// logged: nobody collects the child.
void start_closed(gchar **argv) {
  GPid pid;
  if (g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL)) {
    g_message("started %d", pid);
    g_spawn_close_pid(pid);
  }
  // CHECK: mp-unreaped-child-glib.c:[[@LINE-4]]:7: warning: the child process made by g_spawn_async() with G_SPAWN_DO_NOT_REAP_CHILD is never reaped
  // CHECK: note: its pid is stored in 'pid', which is never given to g_child_watch_add() or waitpid()
}

static void on_watched(GPid pid, int status, gpointer data) {
  (void)data;
  (void)status;
  g_spawn_close_pid(pid);
}

void start_watched_full(gchar **argv) {
  GPid pid;
  if (g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL))
    g_child_watch_add_full(0, pid, on_watched, NULL, NULL);
}
// CHECK-NOT: warning:
