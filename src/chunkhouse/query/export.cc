#include "chunkhouse/query/export.h"

#include <arrow/array.h>
#include <arrow/builder.h>
#include <arrow/csv/writer.h>
#include <arrow/io/file.h>
#include <arrow/ipc/writer.h>
#include <arrow/record_batch.h>
#include <parquet/arrow/writer.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "chunkhouse/chunk/format_values.h"

namespace chunkhouse::query {

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool Nested(const arrow::DataType& type) {
  return type.id() == arrow::Type::LIST || type.id() == arrow::Type::LARGE_LIST ||
         type.id() == arrow::Type::FIXED_SIZE_LIST || type.id() == arrow::Type::STRUCT ||
         type.id() == arrow::Type::MAP || type.id() == arrow::Type::SPARSE_UNION ||
         type.id() == arrow::Type::DENSE_UNION || type.id() == arrow::Type::DICTIONARY;
}

// A column as CSV text: a one-value cell is that value, a null cell empty, others as printed.
Result<std::shared_ptr<arrow::Array>> AsText(const std::shared_ptr<arrow::Array>& column) {
  ARROW_ASSIGN_OR_RAISE(auto whole, format::ValueText::Make(column));
  std::optional<format::ValueText> items;
  const arrow::ListArray* list = nullptr;
  if (column->type_id() == arrow::Type::LIST) {
    list = static_cast<const arrow::ListArray*>(column.get());
    ARROW_ASSIGN_OR_RAISE(auto text, format::ValueText::Make(list->values()));
    items = std::move(text);
  }
  arrow::StringBuilder out;
  ARROW_RETURN_NOT_OK(out.Reserve(column->length()));
  for (int64_t i = 0; i < column->length(); ++i) {
    if (column->IsNull(i)) {
      ARROW_RETURN_NOT_OK(out.AppendNull());
    } else if (list != nullptr && list->value_length(i) == 1) {
      ARROW_RETURN_NOT_OK(out.Append((*items)(list->value_offset(i))));
    } else {
      ARROW_RETURN_NOT_OK(out.Append(whole(i)));
    }
  }
  return out.Finish();
}

}  // namespace

Result<OutputFormat> FormatFor(const std::string& path, const std::optional<std::string>& format) {
  if (format) {
    const auto f = Lower(*format);
    if (f == "parquet") return OutputFormat::kParquet;
    if (f == "csv") return OutputFormat::kCsv;
    if (f == "arrow" || f == "ipc" || f == "feather") return OutputFormat::kArrow;
    return InvalidArgument("unknown output format '{}': expected parquet, csv or arrow", *format);
  }
  if (path == "-") return OutputFormat::kCsv;
  const auto ext = Lower(std::filesystem::path(path).extension().string());
  if (ext == ".parquet" || ext == ".pq") return OutputFormat::kParquet;
  if (ext == ".csv") return OutputFormat::kCsv;
  if (ext == ".arrow" || ext == ".feather" || ext == ".ipc") return OutputFormat::kArrow;
  return InvalidArgument("{}: cannot tell the output format from the extension '{}' (use .parquet, .csv or .arrow, or "
                         "say --format)",
                         path, ext);
}

Result<std::shared_ptr<arrow::RecordBatch>> ForCsv(const std::shared_ptr<arrow::RecordBatch>& batch) {
  arrow::FieldVector fields;
  arrow::ArrayVector columns;
  for (int i = 0; i < batch->num_columns(); ++i) {
    const auto& field = batch->schema()->field(i);
    if (Nested(*field->type())) {
      ARROW_ASSIGN_OR_RAISE(auto text, AsText(batch->column(i)));
      fields.push_back(arrow::field(field->name(), arrow::utf8(), true));
      columns.push_back(std::move(text));
    } else {
      fields.push_back(field->WithMetadata(nullptr));
      columns.push_back(batch->column(i));
    }
  }
  return arrow::RecordBatch::Make(arrow::schema(std::move(fields)), batch->num_rows(), std::move(columns));
}

Result<int64_t> WriteResult(arrow::RecordBatchReader& reader, const std::string& path, OutputFormat format) {
  const bool to_stdout = path == "-";
  const std::string target = to_stdout ? path : path + ".partial-" + std::to_string(::getpid());
  std::shared_ptr<arrow::io::OutputStream> sink;
  if (to_stdout) {
    ARROW_ASSIGN_OR_RAISE(sink, arrow::io::FileOutputStream::Open(STDOUT_FILENO));
  } else {
    auto opened = arrow::io::FileOutputStream::Open(target);
    if (!opened.ok()) return InvalidArgument("cannot write {}: {}", path, opened.status().message());
    sink = *opened;
  }
  auto write = [&]() -> Result<int64_t> {
    auto schema = reader.schema();
    int64_t rows = 0;
    std::shared_ptr<arrow::RecordBatch> batch;
    if (format == OutputFormat::kParquet) {
      // Row groups of 64k rows: the writer holds one while it fills, not the whole result.
      auto props = parquet::WriterProperties::Builder().max_row_group_length(64 * 1024)->build();
      auto arrow_props = parquet::ArrowWriterProperties::Builder().store_schema()->build();
      ARROW_ASSIGN_OR_RAISE(auto writer, parquet::arrow::FileWriter::Open(*schema, arrow::default_memory_pool(), sink,
                                                                          props, arrow_props));
      while (true) {
        ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
        if (!batch) break;
        ARROW_RETURN_NOT_OK(writer->WriteRecordBatch(*batch));
        rows += batch->num_rows();
      }
      ARROW_RETURN_NOT_OK(writer->Close());
    } else {
      std::shared_ptr<arrow::ipc::RecordBatchWriter> writer;
      if (format == OutputFormat::kCsv) {
        ARROW_ASSIGN_OR_RAISE(auto empty, arrow::RecordBatch::MakeEmpty(schema));
        ARROW_ASSIGN_OR_RAISE(auto shaped, ForCsv(empty));
        ARROW_ASSIGN_OR_RAISE(writer, arrow::csv::MakeCSVWriter(sink, shaped->schema()));
      } else {
        ARROW_ASSIGN_OR_RAISE(writer, arrow::ipc::MakeFileWriter(sink, schema));
      }
      while (true) {
        ARROW_RETURN_NOT_OK(reader.ReadNext(&batch));
        if (!batch) break;
        if (format == OutputFormat::kCsv) {
          ARROW_ASSIGN_OR_RAISE(batch, ForCsv(batch));
        }
        ARROW_RETURN_NOT_OK(writer->WriteRecordBatch(*batch));
        rows += batch->num_rows();
      }
      ARROW_RETURN_NOT_OK(writer->Close());
    }
    return rows;
  };
  auto rows = write();
  Status closed = to_stdout ? sink->Flush() : sink->Close();
  if (rows.ok() && closed.ok() && !to_stdout) {
    std::error_code ec;
    std::filesystem::rename(target, path, ec);
    if (ec) closed = InvalidArgument("cannot write {}: {}", path, ec.message());
  }
  if (!to_stdout && (!rows.ok() || !closed.ok())) {
    std::error_code ignored;
    std::filesystem::remove(target, ignored);
  }
  ARROW_RETURN_NOT_OK(rows.status());
  ARROW_RETURN_NOT_OK(closed);
  return *rows;
}

}  // namespace chunkhouse::query
