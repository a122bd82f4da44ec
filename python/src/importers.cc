// Bindings for the importers of other formats: _core.parquet_stream (ParquetReader.stream's core),
// _core.mcap_* (McapReader's).
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/vector.h>

#include <tuple>

#include "bindings.h"
#include "chunkhouse/mcap/recover.h"
#include "chunkhouse/transform/mcap_source.h"
#include "chunkhouse/transform/parquet_source.h"
#include "errors.h"
#include "stream.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace chunkhouse::python {

void RegisterImporters(nb::module_& m) {
  m.def(
      "parquet_stream",
      [](const std::string& path, std::optional<std::string> entity_path_prefix, std::string column_grouping,
         std::string delimiter, std::optional<std::vector<std::string>> prefixes, bool use_structs,
         std::vector<std::string> static_columns,
         std::vector<std::tuple<std::string, std::string, std::optional<std::string>>> index_columns) {
        pq::ReadOptions options;
        options.entity_path_prefix = std::move(entity_path_prefix);
        options.column_grouping = std::move(column_grouping);
        options.delimiter = std::move(delimiter);
        options.prefixes = std::move(prefixes);
        options.use_structs = use_structs;
        options.static_columns = std::move(static_columns);
        for (auto& [column, kind, unit] : index_columns) options.index_columns.push_back({column, kind, unit});
        auto factory = Released([&] { return transform::ParquetSourceFactory::Make(path, std::move(options)); });
        return PyStream{transform::Pipeline::From(std::move(factory))};
      },
      "path"_a, "entity_path_prefix"_a.none(), "column_grouping"_a, "delimiter"_a, "prefixes"_a.none(), "use_structs"_a,
      "static_columns"_a, "index_columns"_a,
      "A pipeline over a Parquet file (options checked against the file now; see notes/parquet.md).");
}

namespace {

mcap::ImportOptions McapOptions(std::string timeline_type, std::optional<int64_t> offset,
                                std::optional<std::vector<std::string>> decoders, std::vector<std::string> include,
                                std::vector<std::string> exclude, std::optional<uint64_t> start,
                                std::optional<uint64_t> end) {
  mcap::ImportOptions o;
  o.timeline_type = std::move(timeline_type);
  o.timestamp_offset_ns = offset;
  o.decoders = std::move(decoders);
  o.include_topic_regex = std::move(include);
  o.exclude_topic_regex = std::move(exclude);
  o.start_time_ns = start;
  o.end_time_ns = end;
  return o;
}

}  // namespace

void RegisterMcap(nb::module_& m) {
  m.def("mcap_available_decoders", [] { return mcap::AvailableDecoders(); });
  m.def(
      "mcap_check_options",
      [](std::string timeline_type, std::optional<std::vector<std::string>> decoders, std::vector<std::string> include,
         std::vector<std::string> exclude, std::optional<uint64_t> start, std::optional<uint64_t> end) {
        Check(mcap::CheckOptions(McapOptions(std::move(timeline_type), std::nullopt, std::move(decoders),
                                             std::move(include), std::move(exclude), start, end)));
      },
      "timeline_type"_a, "decoders"_a.none(), "include"_a, "exclude"_a, "start"_a.none(), "end"_a.none());
  m.def(
      "mcap_stream",
      [](const std::string& path, std::string timeline_type, std::optional<int64_t> offset,
         std::optional<std::vector<std::string>> decoders, std::vector<std::string> include,
         std::vector<std::string> exclude, std::optional<uint64_t> start, std::optional<uint64_t> end, bool recover) {
        auto o = McapOptions(std::move(timeline_type), offset, std::move(decoders), std::move(include),
                             std::move(exclude), start, end);
        o.recover = recover;
        auto factory = Released([&] { return transform::McapSourceFactory::Make(path, std::move(o)); });
        return PyStream{transform::Pipeline::From(std::move(factory))};
      },
      "path"_a, "timeline_type"_a, "offset"_a.none(), "decoders"_a.none(), "include"_a, "exclude"_a, "start"_a.none(),
      "end"_a.none(), "recover"_a = false);
  m.def(
      "mcap_summary",
      [](const std::string& path, bool recover) {
        struct Read {
          mcap::Header header;
          mcap::Summary summary;
          std::map<uint16_t, uint64_t> indexed_counts;
          bool reconstructed = false;
        };
        auto read = Released([&]() -> Result<Read> {
          auto reader = mcap::Reader::Open(path);
          if (!reader.ok() && recover) return InvalidArgument("Not an MCAP file: missing start magic");
          ARROW_RETURN_NOT_OK(reader.status());
          bool reconstructed = false;
          std::vector<std::string> warnings;
          ARROW_ASSIGN_OR_RAISE(auto summary, mcap::ReadOrReconstructSummary(**reader, recover, &reconstructed, &warnings));
          Read out{(*reader)->header(), std::move(summary), {}, reconstructed};
          auto& reader_ptr = *reader;
          if (!out.summary.statistics) {
            ARROW_ASSIGN_OR_RAISE(out.indexed_counts, reader_ptr->MessageIndexCounts(out.summary));
          }
          return out;
        });
        nb::dict d;
        d["profile"] = read.header.profile;
        d["summary_source"] = read.reconstructed ? "reconstructed" : "embedded";
        d["library"] = read.header.library;
        const auto& sm = read.summary;
        if (sm.statistics) {
          const auto& st = *sm.statistics;
          nb::dict s;
          s["message_count"] = st.message_count;
          s["schema_count"] = st.schema_count;
          s["channel_count"] = st.channel_count;
          s["attachment_count"] = st.attachment_count;
          s["metadata_count"] = st.metadata_count;
          s["chunk_count"] = st.chunk_count;
          s["message_start_time"] = st.message_start_time;
          s["message_end_time"] = st.message_end_time;
          nb::dict counts;
          for (const auto& [id, n] : st.channel_message_counts) counts[nb::int_(id)] = n;
          s["channel_message_counts"] = counts;
          d["statistics"] = s;
        } else {
          d["statistics"] = nb::none();
        }
        nb::dict indexed;
        for (const auto& [id, n] : read.indexed_counts) indexed[nb::int_(id)] = n;
        d["indexed_counts"] = indexed;
        nb::list schemas, channels, chunks;
        for (const auto& [id, s] : sm.schemas) {
          schemas.append(nb::make_tuple(s.id, s.name, s.encoding, s.data.size()));
        }
        for (const auto& [id, c] : sm.channels) {
          nb::dict md;
          for (const auto& [k, v] : c.metadata) md[nb::str(k.c_str(), k.size())] = nb::str(v.c_str(), v.size());
          channels.append(nb::make_tuple(c.id, c.schema_id, c.topic, c.message_encoding, md));
        }
        for (const auto& c : sm.chunk_indexes) {
          chunks.append(nb::make_tuple(c.message_start_time, c.message_end_time, c.compression, c.compressed_size,
                                       c.uncompressed_size));
        }
        d["schemas"] = schemas;
        d["channels"] = channels;
        d["chunks"] = chunks;
        d["attachment_indexes"] = sm.attachment_indexes.size();
        d["metadata_indexes"] = sm.metadata_indexes.size();
        return d;
      },
      "path"_a, "recover"_a = false, "The summary section of an MCAP file (or, recovering, one rebuilt), for McapReader.info().");
  m.def(
      "mcap_time_bounds",
      [](const std::string& path, bool recover) {
        return Released([&] { return mcap::McapImporter::TimeBounds(path, recover); });
      },
      "path"_a, "recover"_a = false);
}

}  // namespace chunkhouse::python
