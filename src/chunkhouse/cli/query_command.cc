// `chunkhouse query SOURCE --index T ... -o OUT`: a dataframe query from the shell, written as
// Parquet, CSV or Arrow IPC while it runs. SOURCE is an .rrd file, a Parquet or MCAP file (imported
// as ParquetReader / McapReader read it, with default options) or a served dataset (rerun+http://host:port/dataset/NAME).
#include <arrow/table.h>
#include <fmt/format.h>

#include <charconv>
#include <filesystem>

#include "chunkhouse/cli/commands.h"
#include "chunkhouse/client/client.h"
#include "chunkhouse/query/export.h"
#include "chunkhouse/query/query.h"
#include "chunkhouse/transform/execute.h"
#include "chunkhouse/transform/file_sources.h"

namespace chunkhouse::cli {
namespace {

Result<int64_t> ParseInt(const std::string& text, const std::string& what) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("{}: '{}' is not an integer (times are integers: sequence numbers or nanoseconds)", what,
                           text);
  }
  return v;
}

// "A..B", both ends included.
Result<std::pair<int64_t, int64_t>> ParseRange(const std::string& text) {
  auto dots = text.find("..");
  if (dots == std::string::npos) return InvalidArgument("--range '{}': expected START..END", text);
  ARROW_ASSIGN_OR_RAISE(auto a, ParseInt(text.substr(0, dots), "--range"));
  ARROW_ASSIGN_OR_RAISE(auto b, ParseInt(text.substr(dots + 2), "--range"));
  return std::make_pair(a, b);
}

// A reader over a table already in memory (a dataset query's answer).
Result<std::shared_ptr<arrow::RecordBatchReader>> TableReader(const std::shared_ptr<arrow::Table>& table) {
  return std::make_shared<arrow::TableBatchReader>(table);
}

Result<std::shared_ptr<arrow::RecordBatchReader>> RunQuery(const std::string& source, const query::QueryExpression& q,
                                                           const std::vector<std::string>& segments) {
  const std::string marker = "/dataset/";
  if (source.rfind("rerun", 0) == 0 || source.rfind("http", 0) == 0) {
    auto at = source.find(marker);
    if (at == std::string::npos) {
      return InvalidArgument("{}: a served dataset is named rerun+http://HOST:PORT/dataset/NAME", source);
    }
    ARROW_ASSIGN_OR_RAISE(auto client, client::CatalogClient::Connect(source.substr(0, at)));
    const std::string name = source.substr(at + marker.size());
    ARROW_ASSIGN_OR_RAISE(auto found, client->Datasets(name));
    if (found.empty()) return NotFound("no dataset named '{}' at {}", name, source.substr(0, at));
    query::DatasetQuery dq;
    dq.query = q;
    if (!segments.empty()) dq.segments = segments;
    ARROW_ASSIGN_OR_RAISE(auto table, client->Query(found.front().id, dq));
    return TableReader(table);
  }
  if (!segments.empty()) return InvalidArgument("--segment is for served datasets, not files");
  std::shared_ptr<ChunkStore> store;
  const auto format = transform::FormatOf(source);
  if (format == transform::FileFormat::kParquet || format == transform::FileFormat::kMcap) {  // its reader's defaults
    ARROW_ASSIGN_OR_RAISE(auto factory, transform::ImportedSource(source));
    std::vector<std::shared_ptr<Chunk>> chunks;
    ARROW_RETURN_NOT_OK(transform::Drain(transform::Pipeline::From(factory), [&](std::shared_ptr<Chunk> c) {
      chunks.push_back(std::move(c));
      return Status::OK();
    }));
    ARROW_ASSIGN_OR_RAISE(store, ChunkStore::FromChunks(std::move(chunks)));
  } else {
    ARROW_ASSIGN_OR_RAISE(store, ChunkStore::Open(source));
  }
  return query::Execute(store, q);
}

}  // namespace

void AddQueryCommand(CLI::App& app) {
  struct Args {
    std::string source, index, output, range;
    std::optional<std::string> format;
    std::vector<std::string> contents, select, segments, values;
    bool fill = false, static_only = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "query",
      "Run a dataframe query (one row per index value, a column per entity component) and write the result as "
      "Parquet, CSV or Arrow while it runs");
  cmd->add_option("source", a->source,
                  "An .rrd, .parquet or .mcap file, or a served dataset: rerun+http://HOST:PORT/dataset/NAME")
      ->required();
  cmd->add_option("--index", a->index, "The index timeline (e.g. frame, log_time)");
  cmd->add_flag("--static", a->static_only, "Query the static data only (one row); no --index");
  cmd->add_option("--contents", a->contents,
                  "Entity path expressions, e.g. '/robot/**' '-/robot/debug/**' (default: everything)");
  cmd->add_option("--range", a->range, "Only rows with index values in START..END (both included)");
  cmd->add_option("--at", a->values, "Only rows at these index values (repeatable)");
  cmd->add_flag("--fill", a->fill, "Fill empty cells with the latest earlier value (latest-at)");
  cmd->add_option("--select", a->select, "Only these columns, e.g. frame /robot/arm:Scalars:scalars");
  cmd->add_option("--segment", a->segments, "Only these segments of a served dataset (repeatable)");
  cmd->add_option("-o,--output", a->output, "Where to write: FILE.parquet, FILE.csv, FILE.arrow, or - for CSV on stdout")
      ->required();
  cmd->add_option("--format", a->format, "parquet, csv or arrow (default: from the output's extension)");
  cmd->callback([a] {
    query::QueryExpression q;
    if (a->static_only == !a->index.empty()) Check(InvalidArgument("say either --index TIMELINE or --static"));
    if (!a->index.empty()) q.index = a->index;
    if (!a->contents.empty()) {
      q.contents.clear();
      for (const auto& c : a->contents) {
        Check(EntityPathFilter::Check(c));
        q.contents.emplace_back(c, std::nullopt);
      }
    }
    if (!a->range.empty()) {
      auto r = ParseRange(a->range);
      Check(r.status());
      q.range = *r;
    }
    if (!a->values.empty()) {
      std::vector<int64_t> at;
      for (const auto& v : a->values) {
        auto x = ParseInt(v, "--at");
        Check(x.status());
        at.push_back(*x);
      }
      q.filtered_index_values = at;
    }
    q.fill_latest_at = a->fill;
    if (!a->select.empty()) q.selection = a->select;
    auto format = query::FormatFor(a->output, a->format);
    Check(format.status());
    auto reader = RunQuery(a->source, q, a->segments);
    Check(reader.status());
    auto rows = query::WriteResult(**reader, a->output, *format);
    Check(rows.status());
    if (a->output != "-") fmt::print(stderr, "wrote {}: {} rows\n", a->output, *rows);
  });
}

}  // namespace chunkhouse::cli
