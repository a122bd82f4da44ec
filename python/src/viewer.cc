// Bindings for sending to Rerun viewers: _core.RecordingStream (the minimal recording of
// chunkhouse._recording_stream), _core.ViewerClientInternal (rerun.experimental.ViewerClient's
// core), and the codec helpers the protocol tests compare bytes with. Network and file work runs
// without the GIL.
#include <arrow/buffer.h>
#include <arrow/record_batch.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "arrow_interop.h"
#include "bindings.h"
#include "chunkhouse/client/proxy_client.h"
#include "chunkhouse/client/recording_stream.h"
#include "chunkhouse/rrd/codec.h"
#include "errors.h"
#include "stream.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace chunkhouse::python {

namespace {

using client::RecordingStream;
using client::ViewerClient;

std::chrono::milliseconds Millis(double seconds) {
  if (!(seconds > 0)) return std::chrono::milliseconds(0);
  if (seconds > 1e9) return std::chrono::hours(24 * 365 * 100);  // "for ever"
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000.0));
}

nb::bytes Bytes(const std::string& s) { return nb::bytes(s.data(), s.size()); }

nb::object BatchToPython(const arrow::RecordBatch& batch) {
  nb::object cls = nb::module_::import_("pyarrow").attr("RecordBatch");
  nb::tuple capsules = ExportBatch(batch);
  return cls.attr("_import_from_c_capsule")(capsules[0], capsules[1]);
}

// An ArrowMsg's envelope and chunk, for tests: (application_id, recording_id, store kind,
// chunk_id or None, is_static or None, compression, uncompressed_size, chunk).
nb::tuple DecodeArrowMsg(nb::bytes data) {
  auto buffer = arrow::Buffer::FromString(std::string(data.c_str(), data.size()));
  const rrd::Where where{"ArrowMsg", 0};
  auto envelope = Unwrap(rrd::DecodeArrowMsg(buffer, where));
  auto chunk = Unwrap(rrd::DecodeChunk(envelope, where));
  nb::object chunk_id = envelope.chunk_id ? nb::object(nb::str(ChunkIdString(*envelope.chunk_id).c_str())) : nb::none();
  nb::object is_static = envelope.is_static ? nb::object(nb::bool_(*envelope.is_static)) : nb::none();
  std::string app = envelope.store ? envelope.store->application_id : "";
  return nb::make_tuple(app, envelope.recording_id, std::string(StoreKindName(envelope.kind)), chunk_id, is_static,
                        envelope.compression, envelope.uncompressed_size, chunk);
}

}  // namespace

void RegisterViewer(nb::module_& m) {
  nb::class_<RecordingStream>(m, "RecordingStream", "A recording's identity and its current sink.")
      .def_static("create",
                  [](const std::string& application_id, const std::string& recording_id, bool send_properties,
                     nb::bytes source_extra) {
                    client::RecordingOptions options;
                    options.application_id = application_id;
                    options.recording_id = recording_id;
                    options.send_properties = send_properties;
                    options.source_extra = std::string(source_extra.c_str(), source_extra.size());
                    return Unwrap(RecordingStream::Create(std::move(options)));
                  },
                  "application_id"_a, "recording_id"_a, "send_properties"_a, "source_extra"_a)
      .def_prop_ro("application_id", [](const RecordingStream& r) { return r.store().application_id; })
      .def_prop_ro("recording_id", [](const RecordingStream& r) { return r.store().recording_id; })
      .def("save", [](RecordingStream& r, const std::string& path,
                      bool write_footer) { Released([&] { return r.Save(path, write_footer); }); },
           "path"_a, "write_footer"_a = true)
      .def("connect_grpc", [](RecordingStream& r, const std::string& url) { Released([&] { return r.ConnectGrpc(url); }); },
           "url"_a)
      .def("disconnect", [](RecordingStream& r) { Released([&] { return r.Disconnect(); }); })
      .def("flush",
           [](RecordingStream& r, double timeout_sec) {
             Released([&] { return r.Flush(timeout_sec >= 1e9 ? std::nullopt : std::optional(Millis(timeout_sec))); });
           },
           "timeout_sec"_a)
      .def("finalize_file_sink", [](RecordingStream& r) { Released([&] { return r.FinalizeFileSink(); }); })
      .def("send_chunk",
           [](RecordingStream& r, std::shared_ptr<Chunk> chunk) { Released([&] { return r.SendChunk(std::move(chunk)); }); },
           "chunk"_a)
      .def("send_stream", [](RecordingStream& r, const PyStream& s) { Released([&] { return r.SendPipeline(s.pipeline); }); },
           "stream"_a);

  nb::class_<ViewerClient>(m, "ViewerClientInternal", "A connection to a viewer or message proxy.")
      .def_static("connect",
                  [](const std::string& url, double timeout_sec) {
                    auto origin = client::ParseViewerOrigin(url);
                    if (!origin.ok()) Throw(InvalidArgument("Invalid URI: {}", origin.status().message()));
                    return std::shared_ptr<ViewerClient>(
                        Released([&] { return ViewerClient::Connect(*origin, Millis(timeout_sec)); }));
                  },
                  "url"_a, "timeout_sec"_a)
      .def("send_table",
           [](ViewerClient& c, const std::string& name, nb::handle table, double timeout_sec) {
             auto batch = ImportBatch(table);
             Released([&] { return c.WriteTable(name, *batch, Millis(timeout_sec)); });
           },
           "name"_a, "table"_a, "timeout_sec"_a)
      .def("save_screenshot",
           [](ViewerClient& c, const std::string& file_path, std::optional<std::string> view_id, double timeout_sec) {
             Released([&] { return c.SaveScreenshot(file_path, view_id, Millis(timeout_sec)); });
           },
           "file_path"_a, "view_id"_a.none(), "timeout_sec"_a)
      .def("read_messages",
           [](ViewerClient& c, size_t max, double timeout_sec) {
             auto messages = Released([&] { return c.ReadMessages(max, Millis(timeout_sec)); });
             nb::list out;
             for (const auto& msg : messages) out.append(nb::make_tuple(msg.kind, Bytes(msg.bytes)));
             return out;
           },
           "max"_a, "timeout_sec"_a, "Up to `max` (LogMsg field, message bytes) from the proxy within the timeout.")
      .def("read_tables",
           [](ViewerClient& c, size_t max, double timeout_sec) {
             auto tables = Released([&] { return c.ReadTables(max, Millis(timeout_sec)); });
             nb::list out;
             for (const auto& t : tables) out.append(nb::make_tuple(t.id, BatchToPython(*t.batch)));
             return out;
           },
           "max"_a, "timeout_sec"_a, "Up to `max` (table id, record batch) from the proxy within the timeout.");

  m.def("parse_proxy_url",
        [](const std::string& url) { return Unwrap(client::ParseProxyUrl(url)).ToString() + "/proxy"; }, "url"_a);
  m.def("parse_viewer_origin", [](const std::string& url) { return Unwrap(client::ParseViewerOrigin(url)).ToString(); },
        "url"_a);
  m.def("encode_arrow_msg",
        [](const std::string& application_id, const std::string& recording_id, const std::shared_ptr<Chunk>& chunk) {
          StoreId store{StoreKind::kRecording, application_id, recording_id};
          return Bytes(Unwrap(rrd::EncodeArrowMsg(store, *chunk, /*compress=*/true)).bytes);
        },
        "application_id"_a, "recording_id"_a, "chunk"_a, "The ArrowMsg bytes a recording sends for a chunk.");
  m.def("decode_arrow_msg", &DecodeArrowMsg, "data"_a);
  m.def("decode_set_store_info", [](nb::bytes data) {
    auto info = Unwrap(rrd::DecodeSetStoreInfo(reinterpret_cast<const uint8_t*>(data.c_str()), data.size(),
                                               rrd::Where{"SetStoreInfo", 0}));
    return nb::make_tuple(info.id.application_id, info.id.recording_id, std::string(StoreKindName(info.id.kind)),
                          info.source_kind, info.store_version ? nb::object(nb::int_(info.store_version->ToBits())) : nb::none());
  });
}

}  // namespace chunkhouse::python
