// Library functions that start a child process for the program (GLib's g_spawn_*, libuv's
// uv_spawn) and what becomes of the child: who reaps it, where its pid and its exit status go.
// Shared by mp-unreaped-child (a child GLib was told not to reap, whose pid is thrown away) and
// mp-unchecked-child-status (a synchronous spawn given no place for the status; a uv_spawn
// whose exit callback is missing or never looks at the status).
#ifndef PROCSAN_ANALYZER_MODEL_SPAWNAPIS_H
#define PROCSAN_ANALYZER_MODEL_SPAWNAPIS_H

#include "model/UseIndex.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"

#include <optional>

namespace procsan {
namespace analyzer {

struct SpawnApi {
  const char *name;
  int pidArg = -1;     // out-parameter receiving the child's pid
  int flagsArg = -1;   // GSpawnFlags
  int statusArg = -1;  // out-parameter receiving the wait status (the spawn waits itself)
  int optionsArg = -1; // uv_process_options_t *
};

// The API this call is, when it calls one of the modelled library functions (declared in a
// header, not defined in this file); null otherwise.
const SpawnApi *spawnApiOf(const clang::CallExpr *call, const clang::SourceManager &sm);

// GLib's flags ask it not to reap the child (G_SPAWN_DO_NOT_REAP_CHILD): true, false, or
// nullopt when the flags are not a constant.
std::optional<bool> spawnLeavesChildUnreaped(const clang::ASTContext &ctx,
                                             const clang::CallExpr *call, const SpawnApi &api);

// The variable an out-parameter argument names (`&status`, a local), or null; `isNull` tells a
// null pointer argument.
const clang::VarDecl *outVariable(clang::ASTContext &ctx, const clang::Expr *arg, bool &isNull);

// Whether the program reads the variable anywhere other than at `except` (the address given to
// the call) and other than as the target of an assignment.
bool variableIsRead(const UseIndex &uses, const clang::VarDecl *vd, const clang::Expr *except);

// libuv: the exit callback a uv_spawn's options set (`opts.exit_cb = cb;`, a designated
// initializer), found through the options variable. `known` is false when the options cannot
// be followed (a pointer from elsewhere, a field set through another name); `callback` is null
// when none (or NULL) is set.
struct ExitCallback {
  bool known = false;
  const clang::FunctionDecl *callback = nullptr;
  const clang::Expr *where = nullptr; // the assignment or initializer that sets it
};
ExitCallback uvExitCallback(clang::ASTContext &ctx, const UseIndex &uses,
                            const clang::CallExpr *spawn, const SpawnApi &api);

// Whether a kept pid may reach something that reaps the child: false when every read of it is
// one that cannot (g_spawn_close_pid, which only releases a handle on Windows; kill; a
// variadic logging call), true otherwise (a child watch, a wait, a table of children).
bool pidMayBeReaped(const UseIndex &uses, const clang::VarDecl *pid, const clang::Expr *except);

// GLib's g_child_watch_add(pid, callback, data) and g_child_watch_add_full(priority, pid,
// callback, data, notify): the callback GLib calls with the wait status when it has reaped the
// child. Null when the call is neither, or the callback is not a named function.
const clang::FunctionDecl *childWatchCallback(clang::ASTContext &ctx, const clang::CallExpr *call);

// APR: apr_proc_fork(proc, pool) and apr_proc_create(proc, ...) record the child in an
// apr_proc_t; apr_proc_wait(proc, ...) reaps it, apr_pool_note_subprocess(pool, proc, how)
// hands it to the pool's cleanup, which reaps it. Which of the two a creation call is.
enum class AprProcCall { None, Fork, Create };
AprProcCall aprProcCallOf(const clang::CallExpr *call);
// What becomes of the apr_proc_t a creation call filled: Waited (apr_proc_wait on it, its pid
// given to a wait, or noted to the pool), Dropped (a local, or a local pointer to memory
// allocated here, that only ever has fields read), Unknown (it escapes: a parameter, stored,
// passed to another function, returned).
enum class AprProcFate { Waited, Dropped, Unknown };
AprProcFate aprProcFate(clang::ASTContext &ctx, const UseIndex &uses,
                        const clang::CallExpr *creation, const clang::VarDecl *&proc);

} // namespace analyzer
} // namespace procsan

#endif
