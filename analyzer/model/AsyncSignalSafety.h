// Which library functions may be called where only async-signal-safe calls are allowed: in a
// signal handler, and in the child of a fork of a multithreaded process before it execs.
#ifndef PROCSAN_ANALYZER_MODEL_ASYNCSIGNALSAFETY_H
#define PROCSAN_ANALYZER_MODEL_ASYNCSIGNALSAFETY_H

#include "clang/AST/Decl.h"

namespace procsan {
namespace analyzer {

// The POSIX list (signal-safety(7)), plus plain system-call wrappers Linux programs use when
// setting up a child (dup3, pipe2, close_range, prctl, setres[ug]id, ...) and getenv, which only
// reads. Compiler builtins count as safe.
bool isAsyncSignalSafe(const clang::FunctionDecl *fd);

// Library functions: declared in a system header, or without a body in this translation unit
// and named like a C library function. Only these are judged; user code is followed instead.
bool isLibraryFunction(const clang::FunctionDecl *fd, const clang::SourceManager &sm);

// exec*, fexecve, posix_spawn: after them the child runs another program (or is failing).
bool isExecFunction(const clang::FunctionDecl *fd);

} // namespace analyzer
} // namespace procsan

#endif
