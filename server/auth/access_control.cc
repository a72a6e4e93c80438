#include "server/auth/access_control.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"

#include <algorithm>

#include "absl/container/btree_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/canonical.h"
#include "common/crypto/sha256.h"
#include "common/files.h"
#include "common/status_macros.h"
#include "common/status_util.h"
#include "common/textproto.h"

namespace cellgate::auth {
namespace {

template <typename Container>
bool Contains(const Container& c, absl::string_view value) {
  return std::find(c.begin(), c.end(), value) != c.end();
}

bool HasRole(const google::protobuf::RepeatedField<int>& roles, v1::Role role) {
  return std::find(roles.begin(), roles.end(), static_cast<int>(role)) != roles.end();
}

absl::Status Invalid(absl::string_view what) { return absl::InvalidArgumentError(what); }

}  // namespace

std::string RoleName(v1::Role role) {
  return absl::AsciiStrToLower(v1::Role_Name(role));
}

AccessControl::AccessControl(v1::AccessPolicy policy, std::string hash)
    : policy_(std::move(policy)), hash_(std::move(hash)) {}

absl::StatusOr<std::unique_ptr<AccessControl>> AccessControl::LoadFile(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string text, ReadFileBounded(path, 1 << 20));
  v1::AccessPolicy policy;
  RETURN_IF_ERROR(ParseTextProto(text, path, policy));
  auto acl = FromPolicy(std::move(policy), crypto::HexEncode(crypto::Sha256(text)));
  if (!acl.ok()) return Annotate(acl.status(), absl::StrCat("access policy \"", path, "\""));
  return acl;
}

absl::StatusOr<std::unique_ptr<AccessControl>> AccessControl::FromPolicy(v1::AccessPolicy policy,
                                                                         std::string hash) {
  if (hash.empty()) hash = CanonicalSha256Hex(policy);
  std::unique_ptr<AccessControl> acl(new AccessControl(std::move(policy), std::move(hash)));
  RETURN_IF_ERROR(acl->Index());
  return acl;
}

absl::Status AccessControl::Index() {
  absl::btree_set<std::string> purposes, bases;
  for (const auto& p : policy_.purposes()) {
    if (p.code().empty() || !purposes.insert(p.code()).second) {
      return Invalid(absl::StrCat("purpose \"", p.code(), "\" is empty or defined twice"));
    }
  }
  for (const auto& b : policy_.legal_bases()) {
    if (b.code().empty() || !bases.insert(b.code()).second) {
      return Invalid(absl::StrCat("legal basis \"", b.code(), "\" is empty or defined twice"));
    }
  }
  for (int i = 0; i < policy_.departments_size(); ++i) {
    const v1::Department& d = policy_.departments(i);
    if (d.id().empty() || !department_by_id_.emplace(d.id(), i).second) {
      return Invalid(absl::StrCat("department \"", d.id(), "\" is empty or defined twice"));
    }
    for (const auto& p : d.purposes()) {
      if (!purposes.contains(p)) {
        return Invalid(absl::StrCat("department \"", d.id(), "\": unknown purpose \"", p, "\""));
      }
    }
    for (const auto& b : d.legal_bases()) {
      if (!bases.contains(b)) {
        return Invalid(
            absl::StrCat("department \"", d.id(), "\": unknown legal basis \"", b, "\""));
      }
    }
  }
  for (int i = 0; i < policy_.principals_size(); ++i) {
    const v1::Principal& p = policy_.principals(i);
    if (p.id().empty() || !principal_by_id_.emplace(p.id(), i).second) {
      return Invalid(absl::StrCat("principal \"", p.id(), "\" is empty or defined twice"));
    }
    if (p.certificate_uri().empty() || !principal_by_uri_.emplace(p.certificate_uri(), i).second) {
      return Invalid(absl::StrCat("principal \"", p.id(),
                                  "\": certificate_uri is empty or used twice"));
    }
    if (!department_by_id_.contains(p.department())) {
      return Invalid(absl::StrCat("principal \"", p.id(), "\": unknown department \"",
                                  p.department(), "\""));
    }
    if (p.roles_size() == 0 || HasRole(p.roles(), v1::ROLE_UNSPECIFIED)) {
      return Invalid(absl::StrCat("principal \"", p.id(), "\" needs at least one valid role"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<const v1::Principal*> AccessControl::PrincipalForUri(absl::string_view uri) const {
  const auto it = principal_by_uri_.find(std::string(uri));
  if (it == principal_by_uri_.end()) {
    return absl::PermissionDeniedError("certificate identity is not a known principal");
  }
  return &policy_.principals(it->second);
}

absl::StatusOr<const v1::Principal*> AccessControl::PrincipalById(absl::string_view id) const {
  const auto it = principal_by_id_.find(std::string(id));
  if (it == principal_by_id_.end()) {
    return absl::NotFoundError(absl::StrCat("no principal \"", id, "\""));
  }
  return &policy_.principals(it->second);
}

const v1::Department& AccessControl::DepartmentOf(const v1::Principal& p) const {
  return policy_.departments(department_by_id_.at(p.department()));
}

absl::Status AccessControl::CheckRole(const v1::Principal& p, v1::Role role) const {
  if (HasRole(p.roles(), role)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("principal \"", p.id(), "\" lacks role \"", RoleName(role), "\""));
}

bool AccessControl::DatasetGranted(const v1::Principal& p, absl::string_view dataset) const {
  return Contains(DepartmentOf(p).datasets(), dataset);
}

absl::Status AccessControl::CheckQuery(const v1::Principal& p, absl::string_view dataset,
                                       absl::string_view purpose, absl::string_view legal_basis,
                                       v1::Channel channel) const {
  RETURN_IF_ERROR(CheckRole(p, v1::ANALYST));
  const v1::Department& d = DepartmentOf(p);
  if (!Contains(d.datasets(), dataset)) {
    return absl::PermissionDeniedError(absl::StrCat("dataset \"", dataset,
                                                    "\" is not granted to department \"",
                                                    d.id(), "\""));
  }
  if (purpose.empty()) return absl::PermissionDeniedError("the query states no purpose");
  if (!Contains(d.purposes(), purpose)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "purpose \"", purpose, "\" is not granted to department \"", d.id(), "\""));
  }
  if (legal_basis.empty()) return absl::PermissionDeniedError("the query states no legal basis");
  if (!Contains(d.legal_bases(), legal_basis)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "legal basis \"", legal_basis, "\" is not granted to department \"", d.id(), "\""));
  }
  if (channel == v1::CHANNEL_UNSPECIFIED) channel = v1::INTERNAL;
  const bool granted =
      channel == v1::INTERNAL ? d.channels().empty() || absl::c_linear_search(d.channels(), channel)
                              : absl::c_linear_search(d.channels(), channel);
  if (!granted) {
    return absl::PermissionDeniedError(
        absl::StrCat("channel \"", absl::AsciiStrToLower(v1::Channel_Name(channel)),
                     "\" is not granted to department \"", d.id(), "\""));
  }
  return absl::OkStatus();
}

}  // namespace cellgate::auth
