// procsan report: re-renders a session kept by `procsan run --keep-session` (or written by the
// runtime under PROCSAN_OPTIONS) as text, JSON, SARIF or a timeline.
#include "Commands.h"
#include "RunReport.h"
#include "monitor/detectors.h"
#include "monitor/hang.h"
#include "monitor/timeline.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace procsan {
namespace tools {
namespace {

struct ReportOptions {
  std::string dir;
  std::string format = "text";
  std::string output;
  std::string trace;
  std::set<std::string> rules;
  bool removeSession = false;
  bool nativeFrames = false;
};

void reportUsage(FILE *to) {
  std::fprintf(
      to, "usage: procsan report SESSION_DIR [OPTIONS]\n"
          "       procsan report --merge REPORT.json... [--format=...] [--output=FILE]\n"
          "         (the JSON reports of procsan check --shard runs, as one report)\n"
          "  --format=text|json|sarif report format (default text)\n"
          "  --output=FILE, -o FILE   write the report to FILE (default: standard output)\n"
          "  --trace=FILE.json        also write the timeline (Chrome trace events)\n"
          "  --rules=ID[,ID...]       report only these rules ('all': every rule, with the ones\n"
          "                           off by default)\n"
          "  --remove-session         delete SESSION_DIR afterwards\n"
          "  --native-frames          in Python stacks, also show the interpreter's own frames\n"
          "  --help, -h               this text\n"
          "exit status: 0 no findings, 1 findings, 2 bad usage or an unreadable session\n");
}

bool parseReportOptions(const std::vector<std::string> &args, ReportOptions &o,
                        std::string &error) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &a = args[i];
    auto value = [&](const char *name, std::string &out) {
      return optionValue(args, i, name, out);
    };
    std::string v;
    if (value("--format", v)) {
      if (!reportFormat(v, o.format, error))
        return false;
    } else if (value("--output", v) || value("-o", v)) {
      o.output = v;
    } else if (value("--trace", v)) {
      o.trace = v;
    } else if (value("--rules", v)) {
      size_t start = 0;
      while (start <= v.size()) {
        size_t comma = v.find(',', start);
        std::string id =
            v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (id == "all") // every rule, the ones off by default included
          for (const std::string &r : monitor::allRuntimeRules())
            o.rules.insert(r);
        else if (!id.empty())
          o.rules.insert(id);
        if (comma == std::string::npos)
          break;
        start = comma + 1;
      }
    } else if (a == "--remove-session") {
      o.removeSession = true;
    } else if (a == "--native-frames") {
      o.nativeFrames = true;
    } else if (a == "--help" || a == "-h") {
      reportUsage(stdout);
      std::exit(0);
    } else if (!a.empty() && a[0] == '-') {
      error = "unknown option '" + a + "'";
      return false;
    } else if (o.dir.empty()) {
      o.dir = a;
    } else {
      error = "more than one session directory ('" + o.dir + "', '" + a + "')";
      return false;
    }
  }
  if (o.dir.empty()) {
    error = "no session directory";
    return false;
  }
  return true;
}

// Removes the session's files (logs, record, the runtime's marks) and then the directory; it
// was checked to be a session. Subdirectories are not ours: they are left, and so is the dir.
void removeSession(const std::string &dir) {
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0)
    return;
  if (DIR *d = fdopendir(dfd)) {
    while (struct dirent *e = readdir(d)) {
      struct stat st;
      if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
        unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
  } else {
    close(dfd);
  }
  rmdir(dir.c_str());
}

} // namespace

int reportCommand(const std::vector<std::string> &args) {
  if (std::find(args.begin(), args.end(), "--merge") != args.end())
    return mergeReports(args);
  ReportOptions o;
  std::string error;
  if (!parseReportOptions(args, o, error)) {
    std::fprintf(stderr, "procsan report: error: %s\n", error.c_str());
    reportUsage(stderr);
    return 2;
  }
  for (const std::string &r : o.rules) {
    if (!monitor::isRuntimeRule(r)) {
      std::fprintf(stderr, "procsan report: error: unknown rule '%s' in --rules\n", r.c_str());
      return 2;
    }
  }
  struct stat st;
  if (lstat(o.dir.c_str(), &st) != 0) {
    std::fprintf(stderr, "procsan report: error: %s: %s\n", o.dir.c_str(), std::strerror(errno));
    return 2;
  }
  if (!S_ISDIR(st.st_mode)) {
    std::fprintf(stderr, "procsan report: error: %s: not a directory%s\n", o.dir.c_str(),
                 S_ISLNK(st.st_mode) ? " (a symbolic link; give the session directory itself)"
                                     : "");
    return 2;
  }
  SessionRecord rec;
  if (!readSessionRecord(o.dir, rec, error)) {
    std::fprintf(stderr, "procsan report: error: %s: %s\n", o.dir.c_str(), error.c_str());
    return 2;
  }
  std::vector<std::string> readErrors;
  monitor::SessionModel model;
  std::vector<trace::DecodedLog> logs; // only for the timeline: the model needs none held
  size_t read = 0;
  if (o.trace.empty()) {
    read = modelFromSession(model, o.dir, nullptr, rec, readErrors);
  } else {
    logs = trace::readSession(o.dir, readErrors);
    read = logs.size();
    modelFromLogs(model, logs, rec);
  }
  for (const std::string &e : readErrors)
    std::fprintf(stderr, "procsan report: warning: unreadable trace %s\n", e.c_str());
  if (read == 0) {
    std::fprintf(stderr, "procsan report: error: %s: no readable trace logs in the session\n",
                 o.dir.c_str());
    return 2;
  }
  finishModel(model, rec);
  if (rec.command.empty())
    if (const monitor::Process *root = model.find(rec.rootPid))
      rec.command = root->argv;

  std::vector<monitor::Finding> findings;
  for (const monitor::Finding &f : rec.hangFindings)
    if (o.rules.empty() || o.rules.count(f.rule))
      findings.push_back(f);
  std::vector<monitor::Finding> fresh = detectFindings(model, o.rules);
  findings.insert(findings.end(), fresh.begin(), fresh.end());
  monitor::sortFindings(findings);

  std::string text = renderReport(o.format, rec, model, findings, o.nativeFrames);
  int status = findings.empty() ? 0 : 1;
  if (o.output.empty() || o.output == "-") {
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
  } else if (!writeFile(o.output, text, error)) {
    std::fprintf(stderr, "procsan report: error: %s\n", error.c_str());
    status = 2;
  }
  if (!o.trace.empty() && !writeFile(o.trace, monitor::renderTimeline(logs, model), error)) {
    std::fprintf(stderr, "procsan report: error: %s\n", error.c_str());
    status = 2;
  }
  if (o.removeSession)
    removeSession(o.dir);
  return status;
}

} // namespace tools
} // namespace procsan
