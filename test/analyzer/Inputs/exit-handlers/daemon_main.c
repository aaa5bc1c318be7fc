// The daemon program: main() opens the journal (journal.c, which registers an exit handler),
// then runs its helper (helper.c). A child of the helper that calls exit() flushes the
// parent's journal a second time.
void journal_open(const char *path);
int run_helper(const char *cmd);

int main(void) {
  journal_open("/var/log/daemon.journal");
  return run_helper("/usr/libexec/refresh");
}
