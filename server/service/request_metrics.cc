#include "server/service/request_metrics.h"

#include <string>

#include "absl/time/clock.h"
#include "grpcpp/support/interceptor.h"

namespace cellgate::service {
namespace {

using grpc::experimental::InterceptionHookPoints;

class RequestMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  RequestMetricsInterceptor(Metrics& metrics, const char* method)
      : metrics_(metrics), method_(method != nullptr ? method : ""), start_(absl::Now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      metrics_.ObserveRequest(method_, methods->GetSendStatus().error_code(),
                              absl::Now() - start_);
    }
    methods->Proceed();
  }

 private:
  Metrics& metrics_;
  const std::string method_;
  const absl::Time start_;
};

class RequestMetricsFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RequestMetricsFactory(Metrics& metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RequestMetricsInterceptor(metrics_, info->method());
  }

 private:
  Metrics& metrics_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> NewRequestMetrics(
    Metrics& metrics) {
  return std::make_unique<RequestMetricsFactory>(metrics);
}

}  // namespace cellgate::service
