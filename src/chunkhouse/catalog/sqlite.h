#pragma once
// SQLite, with every call checked: a failed prepare, bind or step is an error naming what was
// being done and SQLite's reason, never a silently empty result. Constraint failures keep their
// kind (a unique key: already exists; a foreign key: not found).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "chunkhouse/base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace chunkhouse::catalog {

class Stmt;

class Db {
 public:
  // ":memory:" or a file path; creates the file if needed. A call finding the database locked by
  // another connection waits up to `busy_timeout_ms`, then fails (Unavailable).
  static Result<std::unique_ptr<Db>> Open(const std::string& path, int busy_timeout_ms);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  // A prepared statement; `what` names the operation in errors ("create dataset").
  Result<Stmt> Prepare(std::string_view sql, std::string_view what);
  // Rolls the open transaction back and returns `cause`, which made it necessary (noting it
  // when the rollback failed too).
  Status Rollback(const Status& cause);
  // Rows changed by the last statement.
  int64_t Changes() const;
  // The error for SQLite result code `rc` while doing `what`.
  Status Error(int rc, std::string_view what) const;

 private:
  explicit Db(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

class Stmt {
 public:
  Stmt(Stmt&& other) noexcept;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  // Binds parameter i (1-based); a failure is reported by the next Step().
  Stmt& Bind(int i, std::string_view v);
  Stmt& Bind(int i, int64_t v);
  // true: a row is ready; false: done. An error otherwise.
  Result<bool> Step();
  // Steps a statement that returns no rows.
  Status Run();

  std::string Text(int i) const;
  int64_t Int(int i) const;

 private:
  friend class Db;
  Stmt(const Db* db, sqlite3_stmt* stmt, std::string what) : db_(db), stmt_(stmt), what_(std::move(what)) {}
  const Db* db_;
  sqlite3_stmt* stmt_;
  std::string what_;
  int bind_rc_ = 0;  // first failed bind
};

}  // namespace chunkhouse::catalog
