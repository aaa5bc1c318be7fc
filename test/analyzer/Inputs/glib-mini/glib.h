// The part of GLib's gspawn.h and gmain.h the tests need (same signatures and flag values).
#ifndef TEST_GLIB_MINI_H
#define TEST_GLIB_MINI_H
#include <sys/types.h>
typedef int gboolean;
typedef char gchar;
typedef void *gpointer;
typedef int GPid;
typedef unsigned int guint;
typedef struct _GError GError;
typedef void (*GSpawnChildSetupFunc)(gpointer user_data);
typedef void (*GChildWatchFunc)(GPid pid, int wait_status, gpointer user_data);
typedef enum {
  G_SPAWN_DEFAULT = 0,
  G_SPAWN_LEAVE_DESCRIPTORS_OPEN = 1 << 0,
  G_SPAWN_DO_NOT_REAP_CHILD = 1 << 1,
  G_SPAWN_SEARCH_PATH = 1 << 2,
} GSpawnFlags;
gboolean g_spawn_async(const gchar *working_directory, gchar **argv, gchar **envp,
                       GSpawnFlags flags, GSpawnChildSetupFunc child_setup, gpointer user_data,
                       GPid *child_pid, GError **error);
gboolean g_spawn_async_with_pipes(const gchar *working_directory, gchar **argv, gchar **envp,
                                  GSpawnFlags flags, GSpawnChildSetupFunc child_setup,
                                  gpointer user_data, GPid *child_pid, int *standard_input,
                                  int *standard_output, int *standard_error, GError **error);
gboolean g_spawn_sync(const gchar *working_directory, gchar **argv, gchar **envp,
                      GSpawnFlags flags, GSpawnChildSetupFunc child_setup, gpointer user_data,
                      gchar **standard_output, gchar **standard_error, int *wait_status,
                      GError **error);
gboolean g_spawn_command_line_sync(const gchar *command_line, gchar **standard_output,
                                   gchar **standard_error, int *wait_status, GError **error);
gboolean g_spawn_check_wait_status(int wait_status, GError **error);
guint g_child_watch_add(GPid pid, GChildWatchFunc function, gpointer data);
typedef void (*GDestroyNotify)(gpointer data);
guint g_child_watch_add_full(int priority, GPid pid, GChildWatchFunc function, gpointer data,
                             GDestroyNotify notify);
void g_message(const gchar *format, ...);
void g_spawn_close_pid(GPid pid);
void g_free(gpointer mem);
#endif
