// The ingest CSV reader on arbitrary bytes, fed in two chunks split where
// the input says: it must return a status, never crash or hang.
#include <cstdint>

#include "server/store/csv_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  const size_t split = size == 0 ? 0 : data[0] % (size + 1);
  int64_t fields = 0;
  cellgate::store::CsvReader reader(
      "fuzz.csv", ',',
      [&](const std::vector<absl::string_view>& record, int64_t) {
        fields += static_cast<int64_t>(record.size());
        return absl::OkStatus();
      },
      /*max_record_bytes=*/4096, /*max_field_bytes=*/512);
  if (reader.Feed(bytes.substr(0, split)).ok() && reader.Feed(bytes.substr(split)).ok()) {
    reader.Finish().IgnoreError();
  }
  return 0;
}
