// ReleaseObserver: a hook through which the pipeline reports every decision
// it recorded (release or refusal), for the server's metrics and log lines.
// The event carries ids, the principal id and department (taken from the
// record as the pipeline builds it, before the log splits and encrypts it),
// the decision, a reason code and counts of cells; never a figure, a code
// value, or anything else the audit log keeps only in its encrypted details
// (justification, certificate, peer, query). Implementations must be
// thread-safe.
#ifndef CELLGATE_SERVER_PIPELINE_RELEASE_OBSERVER_H_
#define CELLGATE_SERVER_PIPELINE_RELEASE_OBSERVER_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "cellgate/v1/audit.pb.h"

namespace cellgate::pipeline {

struct DecisionEvent {
  // Full gRPC method, e.g. "/cellgate.v1.DataService/Query".
  std::string method;
  // The audit record's release id and seq (the receipt's).
  std::string release_id;
  uint64_t seq = 0;
  // Principal id from the access policy (not the certificate name) and its
  // department; empty for an unknown caller.
  std::string principal;
  std::string department;
  // As the request named it; `dataset_known` tells whether the catalog has
  // it (only then may it become a metric label).
  std::string dataset;
  bool dataset_known = false;
  v1::Decision decision = v1::DECISION_UNSPECIFIED;
  // For a refusal: the status code in lower case ("permission_denied");
  // empty for a release.
  std::string reason_code;
  // Cells of the released table and how many of them are suppressed.
  int64_t cells = 0;
  int64_t suppressed = 0;
  // From the start of the pipeline to the durable record.
  absl::Duration latency;
};

class ReleaseObserver {
 public:
  virtual ~ReleaseObserver() = default;
  // Called after the decision's audit record is durable.
  virtual void OnDecision(const DecisionEvent& event) = 0;
};

}  // namespace cellgate::pipeline

#endif  // CELLGATE_SERVER_PIPELINE_RELEASE_OBSERVER_H_
