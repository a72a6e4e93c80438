#include "common/canonical.h"

#include "common/crypto/sha256.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace cellgate {

std::string CanonicalBytes(const google::protobuf::MessageLite& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream raw(&out);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return out;
}

std::string CanonicalSha256Hex(const google::protobuf::MessageLite& message) {
  return crypto::HexEncode(crypto::Sha256(CanonicalBytes(message)));
}

}  // namespace cellgate
