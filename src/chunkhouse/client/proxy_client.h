#pragma once
// A client of a Rerun viewer or message proxy (`rerun --serve-grpc`): the tables and screenshots
// of rerun.experimental.ViewerClient, and the readers that get back what a proxy received.
// Every call has a deadline. RPC failures read as Rerun's Python client words them
// ("<message> (<code description>)\nDetails: metadata: {...}", kind Unavailable), except an
// expired deadline (DeadlineExceeded, "Deadline expired before operation could complete").
#include <arrow/type_fwd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chunkhouse/base/status.h"
#include "chunkhouse/client/viewer_url.h"

namespace grpc {
class Channel;
class ClientContext;
class Status;
}  // namespace grpc

namespace chunkhouse::client {

// A channel to a viewer: no message size limit either way (chunks can be large), no
// compression, reconnect attempts every 100 ms (as Rerun's clients retry).
std::shared_ptr<grpc::Channel> ViewerChannel(const ViewerOrigin& origin);

// A failed RPC as a Status, with Rerun's wording (see above).
Status FromViewerRpc(const grpc::Status& status, grpc::ClientContext& context);

// One message of the proxy: the LogMsg field that was set (1 SetStoreInfo, 2 ArrowMsg,
// 3 BlueprintActivationCommand) and that message's serialized bytes.
struct ProxyMessage {
  int kind = 0;
  std::string bytes;
};

struct ProxyTable {
  std::string id;
  std::shared_ptr<arrow::RecordBatch> batch;
};

class ViewerClient {
 public:
  // Connects right away: Unavailable "transport error" when the connection fails (or does not
  // come up within `timeout`).
  static Result<std::unique_ptr<ViewerClient>> Connect(const ViewerOrigin& origin,
                                                       std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~ViewerClient();

  // MessageProxyService.WriteTable: the batch as one LZ4-compressed DataframePart.
  Status WriteTable(const std::string& name, const arrow::RecordBatch& batch, std::chrono::milliseconds timeout);
  // ViewerControlService.SaveScreenshot (a path on the viewer's machine).
  Status SaveScreenshot(const std::string& file_path, const std::optional<std::string>& view_id,
                        std::chrono::milliseconds timeout);

  // The proxy's streams never end: these read until `max` items or until `timeout`, whichever
  // comes first, and return what arrived (history first, then live items).
  Result<std::vector<ProxyMessage>> ReadMessages(size_t max, std::chrono::milliseconds timeout);
  Result<std::vector<ProxyTable>> ReadTables(size_t max, std::chrono::milliseconds timeout);

 private:
  struct Impl;
  explicit ViewerClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace chunkhouse::client
