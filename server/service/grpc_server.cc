#include "server/service/grpc_server.h"

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"

namespace cellgate::service {

bool IsLoopbackAddress(absl::string_view address) {
  return absl::StartsWith(address, "127.") || absl::StartsWith(address, "localhost:") ||
         absl::StartsWith(address, "[::1]:");
}

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const ListenOptions& options, const std::vector<grpc::Service*>& services) {
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
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on \"", options.address, "\""));
  }
  return std::unique_ptr<GrpcServer>(new GrpcServer(std::move(server), port));
}

GrpcServer::~GrpcServer() { Shutdown(); }

void GrpcServer::SetServing(bool serving) {
  if (auto* health = server_->GetHealthCheckService(); health != nullptr) {
    health->SetServingStatus(serving);
  }
}

void GrpcServer::Shutdown() {
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
}

void GrpcServer::Wait() { server_->Wait(); }

}  // namespace cellgate::service
