#include "host/engine/partition_progress.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "host/engine/state/cursor_codec.hpp"
#include "host/engine/state/state_keys.hpp"
#include "portable/base/try.hpp"
#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::engine {
namespace {

std::string progress_key(const std::string& pipeline, const std::string& stream) {
  return stream_state_prefix(pipeline, stream) + kPartitionProgressKey;
}

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void write_text(Writer& w, const std::optional<std::string>& text) {
  if (text) {
    w.String(text->data(), static_cast<rapidjson::SizeType>(text->size()));
  } else {
    w.Null();
  }
}

// A string member or null; false when it is something else or missing.
bool read_text(const rapidjson::Value& object, const char* name, std::optional<std::string>& out) {
  if (!object.HasMember(name)) return false;
  const rapidjson::Value& v = object[name];
  if (v.IsNull()) return true;
  if (!v.IsString()) return false;
  out.emplace(v.GetString(), v.GetStringLength());
  return true;
}

}  // namespace

bool PartitionProgress::is_done(uint32_t index) const {
  return std::ranges::binary_search(done, index);
}

bool PartitionProgress::matches(const protocol::Partition& request, protocol::WriteMode mode,
                                protocol::SyncMode sync) const {
  if (slices.empty() || sync_mode != sync) return false;
  const protocol::Partition& planned = slices.front();
  // An auto plan of a few slices still serves a request for more.
  const bool count_fits = request.at_most ? planned.at_most && planned.count <= request.count
                                          : !planned.at_most && planned.count == request.count;
  return count_fits && planned.key == request.key && planned.mode == request.mode &&
         write_mode == mode;
}

std::string PartitionProgress::to_json() const {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  const protocol::Partition first = slices.empty() ? protocol::Partition{} : slices.front();
  w.StartObject();
  w.Key("count");
  w.Uint(first.count);
  w.Key("at_most");
  w.Bool(first.at_most);
  w.Key("key");
  write_text(w, first.key);
  w.Key("mode");
  write_text(w, first.mode);
  w.Key("generation");
  w.Uint64(generation);
  w.Key("cursor");
  if (cursor) {
    w.StartObject();
    w.Key("field");
    write_text(w, cursor->cursor_field);
    w.Key("value");
    const std::string value = encode_cursor_value(cursor->value);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("write_mode");
  const std::string_view mode = protocol::mode_name(write_mode);
  w.String(mode.data(), static_cast<rapidjson::SizeType>(mode.size()));
  w.Key("sync_mode");
  const std::string_view sync = protocol::mode_name(sync_mode);
  w.String(sync.data(), static_cast<rapidjson::SizeType>(sync.size()));
  w.Key("slices");
  w.StartArray();
  for (const auto& s : slices) write_text(w, s.slice);
  w.EndArray();
  w.Key("done");
  w.StartArray();
  for (uint32_t i : done) w.Uint(i);
  w.EndArray();
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

std::optional<PartitionProgress> PartitionProgress::from_json(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("count") || !doc["count"].IsUint() ||
      !doc.HasMember("slices") || !doc["slices"].IsArray() || !doc.HasMember("done") ||
      !doc["done"].IsArray() || !doc.HasMember("generation") || !doc["generation"].IsUint64() ||
      !doc.HasMember("write_mode") || !doc["write_mode"].IsString()) {
    return std::nullopt;
  }
  PartitionProgress out;
  out.generation = doc["generation"].GetUint64();
  auto write_mode = protocol::write_mode_named(doc["write_mode"].GetString());
  if (!write_mode) return std::nullopt;
  out.write_mode = *write_mode;
  // Absent in records written before cdc streams were partitioned: the
  // stream was read by full refresh or incrementally, which are alike
  // here (an incremental plan has a cursor).
  if (doc.HasMember("sync_mode")) {
    if (!doc["sync_mode"].IsString()) return std::nullopt;
    auto sync_mode = protocol::sync_mode_named(doc["sync_mode"].GetString());
    if (!sync_mode) return std::nullopt;
    out.sync_mode = *sync_mode;
  } else {
    out.sync_mode = doc.HasMember("cursor") && !doc["cursor"].IsNull()
                        ? protocol::SyncMode::kIncremental
                        : protocol::SyncMode::kFullRefresh;
  }
  if (doc.HasMember("cursor") && !doc["cursor"].IsNull()) {
    const rapidjson::Value& c = doc["cursor"];
    if (!c.IsObject() || !c.HasMember("value") || !c["value"].IsString()) return std::nullopt;
    StoredCursor stored;
    if (!read_text(c, "field", stored.cursor_field)) return std::nullopt;
    auto value =
        decode_cursor_value(std::string(c["value"].GetString(), c["value"].GetStringLength()));
    if (!value) return std::nullopt;
    stored.value = std::move(*value);
    out.cursor = std::move(stored);
  }
  protocol::Partition shape;
  shape.count = doc["count"].GetUint();
  // Absent in records of plans before auto plans: an exact count.
  if (doc.HasMember("at_most")) {
    if (!doc["at_most"].IsBool()) return std::nullopt;
    shape.at_most = doc["at_most"].GetBool();
  }
  shape.generation = out.generation;
  if (!read_text(doc, "key", shape.key) || !read_text(doc, "mode", shape.mode)) return std::nullopt;
  const auto& slices = doc["slices"].GetArray();
  if (slices.Size() != shape.count || shape.count == 0) return std::nullopt;
  for (rapidjson::SizeType i = 0; i < slices.Size(); ++i) {
    if (!slices[i].IsString()) return std::nullopt;
    protocol::Partition p = shape;
    p.index = i;
    p.slice.emplace(slices[i].GetString(), slices[i].GetStringLength());
    out.slices.push_back(std::move(p));
  }
  for (const auto& d : doc["done"].GetArray()) {
    if (!d.IsUint() || d.GetUint() >= shape.count) return std::nullopt;
    out.done.push_back(d.GetUint());
  }
  std::ranges::sort(out.done);
  return out;
}

StateResult<std::optional<PartitionProgress>> PartitionProgress::load(StateBackend& state,
                                                                      const std::string& pipeline,
                                                                      const std::string& stream) {
  auto stored = state.get(progress_key(pipeline, stream));
  if (!stored) return std::unexpected(std::move(stored).error());
  if (!*stored) return std::optional<PartitionProgress>();
  return from_json(**stored);
}

StateResult<void> PartitionProgress::save(StateBackend& state, const std::string& pipeline,
                                          const std::string& stream) const {
  return state.put(progress_key(pipeline, stream), to_json());
}

StateResult<bool> PartitionProgress::record_done(StateBackend& state, const std::string& pipeline,
                                                 const std::string& stream, uint32_t index) {
  const std::string key = progress_key(pipeline, stream);
  for (;;) {
    RB_ASSIGN_OR_RETURN(std::optional<std::string> stored, state.get(key));
    std::optional<PartitionProgress> current = stored ? from_json(*stored) : std::nullopt;
    if (!current || current->generation != generation) return false;
    if (!current->is_done(index)) {
      current->done.insert(std::ranges::upper_bound(current->done, index), index);
    }
    RB_ASSIGN_OR_RETURN(bool swapped, state.compare_and_set(key, stored, current->to_json()));
    if (swapped) {
      *this = std::move(*current);
      return true;
    }
  }
}

StateResult<void> PartitionProgress::forget(StateBackend& state, const std::string& pipeline,
                                            const std::string& stream) {
  auto deleted = state.delete_state(progress_key(pipeline, stream));
  if (!deleted) return std::unexpected(std::move(deleted).error());
  return {};
}

}  // namespace rapidbyte::engine
