// GrpcServer: listens with mTLS (client certificate required and verified)
// or, for development only, in plaintext on a loopback address; serves the
// given services plus gRPC health checking. Thread-safe.
#ifndef CELLGATE_SERVER_SERVICE_GRPC_SERVER_H_
#define CELLGATE_SERVER_SERVICE_GRPC_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"

namespace cellgate::service {

struct TlsMaterial {
  std::string server_cert_pem;
  std::string server_key_pem;
  std::string client_ca_pem;
};

struct ListenOptions {
  // host:port; port 0 picks a free port.
  std::string address;
  // Required unless `plaintext_dev`.
  std::optional<TlsMaterial> tls;
  // Development only: no TLS. INVALID_ARGUMENT unless `address` is loopback.
  bool plaintext_dev = false;
  // Maximum size of any received message.
  int max_receive_bytes = 1 << 20;
};

// Returns true if `address` (host:port) names a loopback host.
bool IsLoopbackAddress(absl::string_view address);

class GrpcServer {
 public:
  // Starts serving `services` (not owned; they must outlive the server).
  // INVALID_ARGUMENT for plaintext off loopback or missing TLS material;
  // UNAVAILABLE if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const ListenOptions& options, const std::vector<grpc::Service*>& services);
  ~GrpcServer();

  // The bound port.
  int port() const { return port_; }
  // Sets the health status of every service (NOT_SERVING when false).
  void SetServing(bool serving);
  // Stops accepting calls and waits up to 5 s for running calls.
  void Shutdown();
  // Blocks until Shutdown.
  void Wait();

 private:
  GrpcServer(std::unique_ptr<grpc::Server> server, int port)
      : server_(std::move(server)), port_(port) {}
  std::unique_ptr<grpc::Server> server_;
  int port_;
};

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_GRPC_SERVER_H_
