// SPDX-License-Identifier: MIT
// A SAX handler building an ordered_json document with an index for large objects.

#include "json_document.hpp"

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace steamsim::scenario::detail {

namespace {

using Json = nlohmann::ordered_json;
using Members = std::vector<std::pair<const std::string, Json>>;

// Objects up to this many members are searched linearly (as small objects are cheaper to
// scan than to index); larger ones get a hash index of their keys.
constexpr std::size_t kIndexFrom = 16;

class DocumentBuilder {
 public:
  explicit DocumentBuilder(Json& root) : root_(root) {}

  bool null() { return put(Json(nullptr)); }
  bool boolean(bool value) { return put(Json(value)); }
  bool number_integer(Json::number_integer_t value) { return put(Json(value)); }
  bool number_unsigned(Json::number_unsigned_t value) { return put(Json(value)); }
  bool number_float(Json::number_float_t value, const std::string& /*text*/) {
    return put(Json(value));
  }
  bool string(std::string& value) { return put(Json(std::move(value))); }
  bool binary(Json::binary_t& value) {
    return put(Json::binary(Json::binary_t::container_type(value.begin(), value.end())));
  }

  bool start_object(std::size_t /*elements*/) {
    Json* object = place(Json(Json::value_t::object));
    stack_.push_back(Frame{object, nullptr});
    return true;
  }
  bool key(std::string& name) {
    Frame& frame = stack_.back();
    auto& members = static_cast<Members&>(frame.value->get_ref<Json::object_t&>());
    if (frame.index == nullptr && members.size() >= kIndexFrom) {
      frame.index = std::make_unique<std::unordered_map<std::string, std::size_t>>();
      frame.index->reserve(members.size() * 2);
      for (std::size_t i = 0; i < members.size(); ++i) frame.index->emplace(members[i].first, i);
    }
    if (frame.index != nullptr) {
      auto [it, inserted] = frame.index->emplace(name, members.size());
      if (!inserted) {
        member_ = &members[it->second].second;
        return true;
      }
    } else {
      for (auto& member : members) {
        if (member.first == name) {
          member_ = &member.second;
          return true;
        }
      }
    }
    members.emplace_back(std::move(name), Json());
    member_ = &members.back().second;
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t /*elements*/) {
    Json* array = place(Json(Json::value_t::array));
    stack_.push_back(Frame{array, nullptr});
    return true;
  }
  bool end_array() {
    stack_.pop_back();
    return true;
  }
  template <class Exception>
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const Exception& error) {
    throw error;  // NOLINT(hicpp-exception-baseclass): nlohmann's exception types
  }

 private:
  struct Frame {
    Json* value;
    std::unique_ptr<std::unordered_map<std::string, std::size_t>> index;
  };

  bool put(Json&& value) {
    place(std::move(value));
    return true;
  }
  /// Stores a value where the document expects the next one; returns where it lives.
  Json* place(Json&& value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& parent = *stack_.back().value;
    if (parent.is_array()) {
      auto& elements = parent.get_ref<Json::array_t&>();
      elements.push_back(std::move(value));
      return &elements.back();
    }
    *member_ = std::move(value);
    return member_;
  }

  Json& root_;
  std::vector<Frame> stack_;
  Json* member_ = nullptr;  // the member whose key was read last
};

}  // namespace

Json parseDocument(std::string_view text) {
  Json root;
  DocumentBuilder builder(root);
  Json::sax_parse(text, &builder, nlohmann::json::input_format_t::json, /*strict=*/true,
                  /*ignore_comments=*/true);
  return root;
}

}  // namespace steamsim::scenario::detail
