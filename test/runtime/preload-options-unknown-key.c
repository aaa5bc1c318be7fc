// RUN: %cc %s -o %t
// RUN: env LD_PRELOAD=%rtlib PROCSAN_OPTIONS=bogus=1:format=xml:exitcode=9 %t 2> %t.err
// RUN: FileCheck %s < %t.err
// Unknown keys and bad values in PROCSAN_OPTIONS give one warning line each; the program runs.
int main(void) { return 0; }
// CHECK: procsan: warning: PROCSAN_OPTIONS: unknown key 'bogus' ignored
// CHECK-NEXT: procsan: warning: PROCSAN_OPTIONS: bad format 'xml' (text, json or sarif); using text
// CHECK-NOT: procsan
