#include "server/ledger/release_ledger.h"

#include <algorithm>
#include <deque>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace cellgate::ledger {

absl::StatusOr<std::unique_ptr<ReleaseLedger>> ReleaseLedger::Open(store::Store& store) {
  std::unique_ptr<ReleaseLedger> ledger(new ReleaseLedger(&store));
  absl::MutexLock lock(&ledger->mu_);
  RETURN_IF_ERROR(store.ReadLedger([&](v1::LedgerRelease release) {
    ledger->Index(std::make_shared<const v1::LedgerRelease>(std::move(release)));
    return absl::OkStatus();
  }));
  return ledger;
}

ReleaseLedger::Box ReleaseLedger::BoxOf(const v1::LedgerRelease& release) {
  Box box;
  for (const v1::LedgerFilter& filter : release.filters()) {
    if (filter.codes().all()) continue;
    std::vector<uint32_t> codes(filter.codes().codes().begin(), filter.codes().codes().end());
    std::sort(codes.begin(), codes.end());
    const auto [it, added] = box.emplace(filter.dimension(), codes);
    if (added) continue;
    // Filters on one dimension combine with AND.
    std::vector<uint32_t> both;
    std::set_intersection(it->second.begin(), it->second.end(), codes.begin(), codes.end(),
                          std::back_inserter(both));
    it->second = std::move(both);
  }
  return box;
}

bool ReleaseLedger::Overlap(const Box& a, const Box& b) {
  for (const auto& [dimension, codes] : a) {
    const auto other = b.find(dimension);
    if (other == b.end()) continue;
    auto i = codes.begin();
    auto j = other->second.begin();
    bool common = false;
    while (i != codes.end() && j != other->second.end() && !common) {
      if (*i < *j) {
        ++i;
      } else if (*j < *i) {
        ++j;
      } else {
        common = true;
      }
    }
    if (!common) return false;
  }
  return true;
}

void ReleaseLedger::Index(std::shared_ptr<const v1::LedgerRelease> release) {
  Bucket& bucket = buckets_[{release->dataset(), release->dataset_version()}];
  const int32_t id = static_cast<int32_t>(bucket.releases.size());
  Box box = BoxOf(*release);
  for (const auto& [dimension, codes] : box) {
    auto [unfiltered, first] = bucket.unfiltered.try_emplace(dimension);
    if (first) {
      // Every earlier release leaves this newly filtered dimension open.
      for (int32_t earlier = 0; earlier < id; ++earlier) unfiltered->second.push_back(earlier);
    }
    auto& postings = bucket.postings[dimension];
    for (uint32_t code : codes) postings[code].push_back(id);
  }
  for (auto& [dimension, releases] : bucket.unfiltered) {
    if (!box.contains(dimension)) releases.push_back(id);
  }
  bucket.boxes.push_back(std::move(box));
  position_.emplace(release->release_id(), history_.size());
  history_.push_back(release);
  bucket.releases.push_back(std::move(release));
  ++size_;
}

std::vector<int32_t> ReleaseLedger::Candidates(const Bucket& bucket, const Box& box) {
  // The most selective filtered dimension: its postings plus the releases
  // that do not filter it. No filter at all: everything overlaps.
  const std::vector<int32_t>* open = nullptr;
  const std::string* best = nullptr;
  size_t best_size = bucket.releases.size();
  for (const auto& [dimension, codes] : box) {
    const auto unfiltered = bucket.unfiltered.find(dimension);
    if (unfiltered == bucket.unfiltered.end()) continue;  // no release filters it: not selective
    size_t size = unfiltered->second.size();
    const auto postings = bucket.postings.find(dimension);
    for (uint32_t code : codes) {
      const auto list = postings->second.find(code);
      if (list != postings->second.end()) size += list->second.size();
    }
    if (size < best_size || best == nullptr) {
      best_size = size;
      best = &dimension;
      open = &unfiltered->second;
    }
  }
  std::vector<int32_t> candidates;
  if (best == nullptr) {
    for (size_t i = 0; i < bucket.releases.size(); ++i) candidates.push_back(static_cast<int32_t>(i));
    return candidates;
  }
  candidates = *open;
  const auto& postings = bucket.postings.at(*best);
  for (uint32_t code : box.at(*best)) {
    const auto list = postings.find(code);
    if (list != postings.end()) candidates.insert(candidates.end(), list->second.begin(), list->second.end());
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  return candidates;
}

std::vector<std::shared_ptr<const v1::LedgerRelease>> ReleaseLedger::Linked(
    const v1::LedgerRelease& candidate) const {
  absl::ReaderMutexLock lock(&mu_);
  const auto found = buckets_.find({candidate.dataset(), candidate.dataset_version()});
  if (found == buckets_.end()) return {};
  const Bucket& bucket = found->second;
  std::vector<bool> linked(bucket.releases.size(), false);
  std::deque<Box> frontier = {BoxOf(candidate)};
  while (!frontier.empty()) {
    const Box box = std::move(frontier.front());
    frontier.pop_front();
    for (int32_t i : Candidates(bucket, box)) {
      if (linked[i] || !Overlap(box, bucket.boxes[i])) continue;
      linked[i] = true;
      frontier.push_back(bucket.boxes[i]);
    }
  }
  std::vector<std::shared_ptr<const v1::LedgerRelease>> out;
  for (size_t i = 0; i < linked.size(); ++i) {
    if (linked[i]) out.push_back(bucket.releases[i]);
  }
  return out;
}

std::vector<int64_t> ReleaseLedger::OtherVersionsLinked(const v1::LedgerRelease& candidate) const {
  absl::ReaderMutexLock lock(&mu_);
  const Box box = BoxOf(candidate);
  std::vector<int64_t> versions;
  for (const auto& [key, bucket] : buckets_) {
    if (key.first != candidate.dataset() || key.second == candidate.dataset_version()) continue;
    for (int32_t i : Candidates(bucket, box)) {
      if (Overlap(box, bucket.boxes[i])) {
        versions.push_back(key.second);
        break;
      }
    }
  }
  return versions;
}

absl::Status ReleaseLedger::Append(v1::LedgerRelease release) {
  if (store_ == nullptr) {
    return absl::FailedPreconditionError(
        "a view of the release ledger as of an earlier release is read-only");
  }
  RETURN_IF_ERROR(store_->AppendLedger(release));
  absl::MutexLock lock(&mu_);
  Index(std::make_shared<const v1::LedgerRelease>(std::move(release)));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<ReleaseLedger>> ReleaseLedger::AsOf(
    absl::string_view release_id, const std::vector<std::string>& also) const {
  absl::ReaderMutexLock lock(&mu_);
  const auto found = position_.find(release_id);
  if (found == position_.end()) {
    return absl::NotFoundError(
        absl::StrCat("the release ledger holds no release \"", release_id.substr(0, 64), "\""));
  }
  const std::string& dataset = history_[found->second]->dataset();
  std::unique_ptr<ReleaseLedger> view(new ReleaseLedger(nullptr));
  absl::MutexLock view_lock(&view->mu_);
  // Indexed in the same order as here, so that Linked lists them alike.
  for (size_t i = 0; i < found->second; ++i) {
    const std::string& of = history_[i]->dataset();
    if (of == dataset || std::find(also.begin(), also.end(), of) != also.end()) {
      view->Index(history_[i]);
    }
  }
  return view;
}

absl::Mutex& ReleaseLedger::SerializerFor(const std::string& dataset) {
  absl::MutexLock lock(&serializers_mu_);
  std::unique_ptr<absl::Mutex>& mu = serializers_[dataset];
  if (mu == nullptr) mu = std::make_unique<absl::Mutex>();
  return *mu;
}

int64_t ReleaseLedger::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return size_;
}

void LedgerTurn::Take(ReleaseLedger& ledger, const std::string& dataset) {
  absl::Mutex& serializer = ledger.SerializerFor(dataset);
  serializer.Lock();
  ledger_ = &ledger;
  serializer_ = &serializer;
}

void LedgerTurn::Keep(v1::LedgerRelease entry) { entry_ = std::move(entry); }

absl::Status LedgerTurn::Store() {
  if (ledger_ == nullptr || !entry_.has_value()) {
    return absl::FailedPreconditionError("no ledger entry to store in this turn");
  }
  v1::LedgerRelease entry = *std::move(entry_);
  entry_.reset();
  return ledger_->Append(std::move(entry));
}

void LedgerTurn::GiveUp() {
  entry_.reset();
  if (serializer_ == nullptr) return;
  absl::Mutex* serializer = serializer_;
  serializer_ = nullptr;
  ledger_ = nullptr;
  serializer->Unlock();
}

}  // namespace cellgate::ledger
