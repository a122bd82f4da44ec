#include "chunkhouse/catalog/sqlite.h"

#include <sqlite3.h>

namespace chunkhouse::catalog {

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, int busy_timeout_ms) {
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string reason = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close(handle);
    return Internal("catalog database {}: cannot open: {}", path, reason);
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, busy_timeout_ms);
  return std::unique_ptr<Db>(new Db(handle));
}

Db::~Db() { sqlite3_close(db_); }

Status Db::Error(int rc, std::string_view what) const {
  std::string message = fmt::format("catalog database: {}: {}", what, sqlite3_errmsg(db_));
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: return MakeError(ErrorKind::kAlreadyExists, message);
    case SQLITE_CONSTRAINT_FOREIGNKEY: return MakeError(ErrorKind::kNotFound, message);
    case SQLITE_FULL: return MakeError(ErrorKind::kResourceExhausted, message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return MakeError(ErrorKind::kUnavailable, message);
    default: return MakeError(ErrorKind::kInternal, message);
  }
}

Status Db::Exec(std::string_view sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string reason = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    Status st = Error(rc, sql.substr(0, sql.find(' ')));
    return st.WithMessage(fmt::format("catalog database: {}: {}", sql.substr(0, 60), reason));
  }
  return Status::OK();
}

Result<Stmt> Db::Prepare(std::string_view sql, std::string_view what) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc, what);
  }
  return Stmt(this, stmt, std::string(what));
}

Status Db::Rollback(const Status& cause) {
  Status rollback = Exec("ROLLBACK");
  if (rollback.ok()) return cause;
  return cause.WithMessage(fmt::format("{} (and rolling back failed: {})", cause.message(), rollback.message()));
}

int64_t Db::Changes() const { return sqlite3_changes64(db_); }

Stmt::Stmt(Stmt&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), what_(std::move(other.what_)), bind_rc_(other.bind_rc_) {
  other.stmt_ = nullptr;
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

Stmt& Stmt::Bind(int i, std::string_view v) {
  int rc = sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Stmt& Stmt::Bind(int i, int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, i, v);
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Result<bool> Stmt::Step() {
  if (bind_rc_ != SQLITE_OK) return db_->Error(bind_rc_, what_ + " (binding a parameter)");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->Error(rc, what_);
}

Status Stmt::Run() {
  ARROW_ASSIGN_OR_RAISE(bool row, Step());
  if (row) return Internal("catalog database: {}: returned a row where none was expected", what_);
  return Status::OK();
}

std::string Stmt::Text(int i) const {
  auto* p = sqlite3_column_text(stmt_, i);
  return p ? reinterpret_cast<const char*>(p) : "";
}

int64_t Stmt::Int(int i) const { return sqlite3_column_int64(stmt_, i); }

}  // namespace chunkhouse::catalog
