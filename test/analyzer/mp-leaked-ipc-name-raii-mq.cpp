// RUN: not %procsan check --checks='-*,mp-leaked-ipc-name' %s -- -std=c++17 2>&1 | FileCheck --implicit-check-not='warning:' %s
// An RAII wrapper around mq_open(O_CREAT): its destructor closes the queue but never unlinks the
// name, so the queue outlives the program. Its look-alike unlinks in the destructor.
#include <fcntl.h>
#include <mqueue.h>
#include <string>

class JobQueue {
public:
  explicit JobQueue(std::string name) : name_(std::move(name)) {
    q_ = mq_open(name_.c_str(), O_CREAT | O_RDWR, 0600, nullptr);
    // CHECK: raii-mq.cpp:[[@LINE-1]]:10: warning: message queue 'name_' is created but never unlinked
  }
  ~JobQueue() { mq_close(q_); }

private:
  std::string name_;
  mqd_t q_;
};

class OwnedQueue {
public:
  explicit OwnedQueue(std::string name) : name_(std::move(name)) {
    q_ = mq_open(name_.c_str(), O_CREAT | O_RDWR, 0600, nullptr);
  }
  ~OwnedQueue() {
    mq_close(q_);
    mq_unlink(name_.c_str());
  }

private:
  std::string name_;
  mqd_t q_;
};
