// What a DPO's verifier reads from disk: arbitrary segment bytes through
// the frame scanner and the chain verifier, and arbitrary checkpoint
// notes through the note parser.
#include <cstdint>

#include "audit/verify/chain_verifier.h"
#include "audit/verify/checkpoint.h"
#include "audit/verify/frame_format.h"
#include "audit/verify/log_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<cellgate::audit::FrameScan> scan = cellgate::audit::ScanFrames(bytes, "fuzz");
  if (scan.ok()) {
    std::vector<cellgate::audit::StoredRecord> records;
    for (absl::string_view record : scan->records) {
      cellgate::audit::StoredRecord& stored = records.emplace_back();
      stored.seq = records.size() - 1;
      stored.bytes = std::string(record);
      stored.leaf_hash = cellgate::audit::LeafHash(record);
      if (!stored.record.ParseFromString(stored.bytes)) records.pop_back();
    }
    cellgate::audit::VerifyChain(records, "cellgate.fuzz/audit/v1", "").status().IgnoreError();
  }
  cellgate::audit::ParseCheckpoint(bytes).status().IgnoreError();
  return 0;
}
