// GrpcServer: listens with mTLS (client certificate required and verified)
// or, for development only, in plaintext on a loopback address; serves the
// given services plus gRPC health checking. Optionally a second, plaintext
// listener serves nothing but health (for probes without a client
// certificate, ADR 0007), and in development gRPC reflection. Thread-safe.
#ifndef CELLGATE_SERVER_SERVICE_GRPC_SERVER_H_
#define CELLGATE_SERVER_SERVICE_GRPC_SERVER_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/server.h"
#include "grpcpp/support/server_interceptor.h"

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
  // host:port of the health-only plaintext listener; empty for none.
  std::string health_address;
  // Development only: serve gRPC server reflection (v1alpha).
  bool reflection = false;
  // Interceptors of the main listener (e.g. request metrics); may be empty.
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
};

// Returns true if `address` (host:port) names a loopback host.
bool IsLoopbackAddress(absl::string_view address);

class GrpcServer {
 public:
  // Starts serving `services` (not owned; they must outlive the server).
  // INVALID_ARGUMENT for plaintext off loopback or missing TLS material;
  // UNAVAILABLE if the address cannot be bound.
  // UNAVAILABLE also if the health address cannot be bound.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      ListenOptions options, const std::vector<grpc::Service*>& services);
  ~GrpcServer();

  // The bound port, and the health listener's (0 if none).
  int port() const { return port_; }
  int health_port() const { return health_port_; }
  // Sets the health status of every service on both listeners
  // (NOT_SERVING when false).
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
  std::unique_ptr<grpc::Server> health_server_;  // may be null
  int health_port_ = 0;
};

}  // namespace cellgate::service

#endif  // CELLGATE_SERVER_SERVICE_GRPC_SERVER_H_
