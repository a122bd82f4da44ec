#include "chunkhouse/client/proxy_client.h"

#include <arrow/record_batch.h>
#include <grpcpp/grpcpp.h>

#include <map>

#include "chunkhouse/client/proto/sdk_comms.grpc.pb.h"
#include "chunkhouse/client/proto/viewer.grpc.pb.h"
#include "chunkhouse/rrd/codec.h"

namespace chunkhouse::client {

namespace pb = rerun::sdk_comms::v1alpha1;
namespace pbl = rerun::log_msg::v1alpha1;

namespace {

// tonic's descriptions of the status codes, which Rerun's messages quote.
std::string_view CodeDescription(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "The operation completed successfully";
    case grpc::StatusCode::CANCELLED: return "The operation was cancelled";
    case grpc::StatusCode::UNKNOWN: return "Unknown error";
    case grpc::StatusCode::INVALID_ARGUMENT: return "Client specified an invalid argument";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "Deadline expired before operation could complete";
    case grpc::StatusCode::NOT_FOUND: return "Some requested entity was not found";
    case grpc::StatusCode::ALREADY_EXISTS: return "Some entity that we attempted to create already exists";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "The caller does not have permission to execute the specified operation";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "Some resource has been exhausted";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "The system is not in a state required for the operation's execution";
    case grpc::StatusCode::ABORTED: return "The operation was aborted";
    case grpc::StatusCode::OUT_OF_RANGE: return "Operation was attempted past the valid range";
    case grpc::StatusCode::UNIMPLEMENTED: return "Operation is not implemented or not supported";
    case grpc::StatusCode::INTERNAL: return "Internal error";
    case grpc::StatusCode::UNAVAILABLE: return "The service is currently unavailable";
    case grpc::StatusCode::DATA_LOSS: return "Unrecoverable data loss or corruption";
    case grpc::StatusCode::UNAUTHENTICATED: return "The request does not have valid authentication credentials";
    default: return "Unknown error";
  }
}

std::chrono::system_clock::time_point After(std::chrono::milliseconds timeout) {
  return std::chrono::system_clock::now() + timeout;
}

std::unique_ptr<grpc::ClientContext> Context(std::chrono::milliseconds timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(After(timeout));
  return ctx;
}

const rrd::Where kProxyTable{"ReadTables response", 0};

}  // namespace

std::shared_ptr<grpc::Channel> ViewerChannel(const ViewerOrigin& origin) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 100);
  // A channel of its own: one client's connection state does not leak into another's.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto credentials = origin.tls ? grpc::SslCredentials(grpc::SslCredentialsOptions()) : grpc::InsecureChannelCredentials();
  return grpc::CreateCustomChannel(origin.Target(), credentials, args);
}

Status FromViewerRpc(const grpc::Status& status, grpc::ClientContext& context) {
  if (status.ok()) return Status::OK();
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return MakeError(ErrorKind::kDeadlineExceeded, "Deadline expired before operation could complete");
  }
  std::string text = status.error_message().empty() ? "gRPC error" : status.error_message();
  if (status.error_code() != grpc::StatusCode::UNKNOWN) {
    text += fmt::format(" ({})", CodeDescription(status.error_code()));
  }
  std::string metadata;
  for (const auto* map : {&context.GetServerInitialMetadata(), &context.GetServerTrailingMetadata()}) {
    for (const auto& [key, value] : *map) {
      metadata += fmt::format("{}\"{}\": \"{}\"", metadata.empty() ? "" : ", ", std::string_view(key.data(), key.size()),
                              std::string_view(value.data(), value.size()));
    }
  }
  if (!metadata.empty()) text += fmt::format("\nDetails: metadata: {{{}}}", metadata);
  return MakeError(ErrorKind::kUnavailable, std::move(text));
}

struct ViewerClient::Impl {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::MessageProxyService::Stub> proxy;
  std::unique_ptr<pb::ViewerControlService::Stub> control;
};

ViewerClient::ViewerClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ViewerClient::~ViewerClient() = default;

Result<std::unique_ptr<ViewerClient>> ViewerClient::Connect(const ViewerOrigin& origin,
                                                            std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Impl>();
  impl->channel = ViewerChannel(origin);
  // Wait for the connection, but give up at its first failure, as Rerun's client does.
  const auto deadline = After(timeout);
  auto state = impl->channel->GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN ||
        !impl->channel->WaitForStateChange(state, deadline)) {
      return MakeError(ErrorKind::kUnavailable, "transport error");
    }
    state = impl->channel->GetState(/*try_to_connect=*/true);
  }
  impl->proxy = pb::MessageProxyService::NewStub(impl->channel);
  impl->control = pb::ViewerControlService::NewStub(impl->channel);
  return std::unique_ptr<ViewerClient>(new ViewerClient(std::move(impl)));
}

Status ViewerClient::WriteTable(const std::string& name, const arrow::RecordBatch& batch,
                                std::chrono::milliseconds timeout) {
  pb::WriteTableRequest req;
  req.mutable_id()->set_id(name);
  ARROW_RETURN_NOT_OK(rrd::EncodeDataframePart(batch, req.mutable_data(), /*compress=*/true));
  pb::WriteTableResponse resp;
  auto ctx = Context(timeout);
  return FromViewerRpc(impl_->proxy->WriteTable(ctx.get(), req, &resp), *ctx);
}

Status ViewerClient::SaveScreenshot(const std::string& file_path, const std::optional<std::string>& view_id,
                                    std::chrono::milliseconds timeout) {
  pb::SaveScreenshotRequest req;
  req.set_file_path(file_path);
  if (view_id) req.set_view_id(*view_id);
  pb::SaveScreenshotResponse resp;
  auto ctx = Context(timeout);
  return FromViewerRpc(impl_->control->SaveScreenshot(ctx.get(), req, &resp), *ctx);
}

namespace {

// Reads a server stream until `max` items or the deadline; the deadline ending it is no error.
template <typename Response, typename OnItem>
Status ReadUntil(std::unique_ptr<grpc::ClientReader<Response>> reader, grpc::ClientContext& ctx, size_t max,
                 OnItem on_item) {
  Response resp;
  size_t n = 0;
  while (n < max && reader->Read(&resp)) {
    Status st = on_item(resp);
    if (!st.ok()) {
      ctx.TryCancel();
      (void)reader->Finish();
      return st;
    }
    ++n;
  }
  if (n >= max) ctx.TryCancel();
  auto st = reader->Finish();
  if (n >= max || st.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) return Status::OK();
  return FromViewerRpc(st, ctx);
}

}  // namespace

Result<std::vector<ProxyMessage>> ViewerClient::ReadMessages(size_t max, std::chrono::milliseconds timeout) {
  auto ctx = Context(timeout);
  std::vector<ProxyMessage> out;
  ARROW_RETURN_NOT_OK(ReadUntil(impl_->proxy->ReadMessages(ctx.get(), pb::ReadMessagesRequest()), *ctx, max,
                                [&](const pb::ReadMessagesResponse& resp) {
                                  const auto& msg = resp.log_msg();
                                  switch (msg.msg_case()) {
                                    case pbl::LogMsg::kSetStoreInfo:
                                      out.push_back({1, msg.set_store_info().SerializeAsString()});
                                      break;
                                    case pbl::LogMsg::kArrowMsg:
                                      out.push_back({2, msg.arrow_msg().SerializeAsString()});
                                      break;
                                    case pbl::LogMsg::kBlueprintActivationCommand:
                                      out.push_back({3, msg.blueprint_activation_command().SerializeAsString()});
                                      break;
                                    default: out.push_back({0, {}});
                                  }
                                  return Status::OK();
                                }));
  return out;
}

Result<std::vector<ProxyTable>> ViewerClient::ReadTables(size_t max, std::chrono::milliseconds timeout) {
  auto ctx = Context(timeout);
  std::vector<ProxyTable> out;
  ARROW_RETURN_NOT_OK(ReadUntil(impl_->proxy->ReadTables(ctx.get(), pb::ReadTablesRequest()), *ctx, max,
                                [&](const pb::ReadTablesResponse& resp) -> Status {
                                  ARROW_ASSIGN_OR_RAISE(auto batch, rrd::DecodeDataframePart(resp.data(), kProxyTable));
                                  out.push_back({resp.id().id(), std::move(batch)});
                                  return Status::OK();
                                }));
  return out;
}

}  // namespace chunkhouse::client
