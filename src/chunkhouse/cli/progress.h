#pragma once
// A progress line on standard error, rewritten in place at most five times a second, and only
// while a terminal watches (nothing in a pipe or a log).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace chunkhouse::cli {

class Progress {
 public:
  explicit Progress(std::string what) : what_(std::move(what)), tty_(::isatty(2)) {}
  ~Progress() {
    if (shown_) fmt::print(stderr, "\n");
  }
  void Tick(uint64_t chunks) {
    if (!tty_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    shown_ = true;
    fmt::print(stderr, "\r{}: {} chunks", what_, chunks);
  }

 private:
  std::string what_;
  bool tty_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace chunkhouse::cli
