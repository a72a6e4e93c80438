#include "server/service/grpc_server.h"

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/impl/server_builder_option.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace cellgate::service {

bool IsLoopbackAddress(absl::string_view address) {
  return absl::StartsWith(address, "127.") || absl::StartsWith(address, "localhost:") ||
         absl::StartsWith(address, "[::1]:");
}

namespace {

// Adds reflection to one builder only (InitProtoReflectionServerBuilderPlugin
// would add it to every server of the process, the health listener too).
class ReflectionOption final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->push_back(std::make_unique<grpc::reflection::ProtoServerReflectionPlugin>());
  }
};

// A plaintext listener that registers nothing: the default health service
// is all it serves.
absl::StatusOr<std::unique_ptr<grpc::Server>> StartHealthServer(const std::string& address,
                                                                int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), port);
  builder.SetMaxReceiveMessageSize(4096);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 4);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || *port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve health on \"", address, "\""));
  }
  return server;
}

}  // namespace

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    ListenOptions options, const std::vector<grpc::Service*>& services) {
  std::shared_ptr<grpc::ServerCredentials> credentials;
  if (options.plaintext_dev) {
    if (!IsLoopbackAddress(options.address)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "plaintext serving is for development on loopback only, not \"", options.address, "\""));
    }
    credentials = grpc::InsecureServerCredentials();
  } else {
    if (!options.tls.has_value() || options.tls->client_ca_pem.empty()) {
      return absl::InvalidArgumentError("mTLS needs a server certificate, key and client CA");
    }
    grpc::SslServerCredentialsOptions ssl(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    ssl.pem_root_certs = options.tls->client_ca_pem;
    ssl.pem_key_cert_pairs.push_back({options.tls->server_key_pem, options.tls->server_cert_pem});
    credentials = grpc::SslServerCredentials(ssl);
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.address, credentials, &port);
  builder.SetMaxReceiveMessageSize(options.max_receive_bytes);
  builder.SetMaxSendMessageSize(32 << 20);
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, 10000);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 32);
  for (grpc::Service* service : services) builder.RegisterService(service);
  if (options.reflection) builder.SetOption(std::make_unique<ReflectionOption>());
  if (!options.interceptors.empty()) {
    builder.experimental().SetInterceptorCreators(std::move(options.interceptors));
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on \"", options.address, "\""));
  }
  std::unique_ptr<GrpcServer> started(new GrpcServer(std::move(server), port));
  if (!options.health_address.empty()) {
    absl::StatusOr<std::unique_ptr<grpc::Server>> health =
        StartHealthServer(options.health_address, &started->health_port_);
    if (!health.ok()) return health.status();
    started->health_server_ = *std::move(health);
  }
  return started;
}

GrpcServer::~GrpcServer() { Shutdown(); }

void GrpcServer::SetServing(bool serving) {
  for (grpc::Server* s : {server_.get(), health_server_.get()}) {
    if (s == nullptr) continue;
    if (auto* health = s->GetHealthCheckService(); health != nullptr) {
      health->SetServingStatus(serving);
    }
  }
}

void GrpcServer::Shutdown() {
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(5);
  server_->Shutdown(deadline);
  if (health_server_ != nullptr) health_server_->Shutdown(deadline);
}

void GrpcServer::Wait() {
  server_->Wait();
  if (health_server_ != nullptr) health_server_->Wait();
}

}  // namespace cellgate::service
