// A whole cellgate server for the end-to-end and throughput benchmarks: the
// real Application (gRPC with mTLS, the shipped seu policy, the release
// ledger, the durable audit log with signed checkpoints) on a copy of a
// store that holds the seu dataset, in a directory under the benchmark
// directory (a real disk: the audit log's fdatasync is measured), with a
// test PKI made in-process. Not thread-safe except the channels it makes.
#ifndef CELLGATE_TESTS_BENCH_BENCH_SERVER_H_
#define CELLGATE_TESTS_BENCH_BENCH_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "cellgate/v1/config.pb.h"
#include "common/clock.h"
#include "grpcpp/grpcpp.h"
#include "server/service/application.h"
#include "tests/testing/test_certs.h"

namespace cellgate::bench {

struct BenchServerOptions {
  // A store file with the seu dataset (PristineStore); copied, never changed.
  std::string store_file;
  // Analyst principals "bench-0" .. "bench-<n-1>" of department
  // "gesundheitsamt", which may query seu.
  int principals = 1;
  // Per-principal limits; 0 keeps the server defaults.
  int max_in_flight_per_principal = 0;
  int max_queries_per_minute_per_principal = 0;
};

class BenchServer {
 public:
  // Starts the server; aborts with a message if it cannot.
  explicit BenchServer(const BenchServerOptions& options);
  ~BenchServer();
  BenchServer(const BenchServer&) = delete;
  BenchServer& operator=(const BenchServer&) = delete;

  // A new mTLS channel (its own connection) as principal `bench-<i>`.
  std::shared_ptr<grpc::Channel> Channel(int principal) const;
  // Waits until `channel` is connected (TLS handshake done).
  static void Connect(const std::shared_ptr<grpc::Channel>& channel);
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  testing::TestCa ca_;
  std::vector<testing::KeyAndCert> clients_;
  SystemClock clock_;
  std::unique_ptr<service::Application> app_;
};

}  // namespace cellgate::bench

#endif  // CELLGATE_TESTS_BENCH_BENCH_SERVER_H_
