// Space edits: constructors, names, one-line descriptions and the JSON form stored per study.
#include <fmt/core.h>

#include "symnas/common/error.hpp"
#include "symnas/search/space.hpp"

namespace symnas::search {

namespace {
struct EditKindName {
  SpaceEditKind kind;
  const char* name;
};
constexpr EditKindName kEditKindNames[] = {
    {SpaceEditKind::kShrinkBounds, "shrink_bounds"},
    {SpaceEditKind::kExpandBounds, "expand_bounds"},
    {SpaceEditKind::kShiftBounds, "shift_bounds"},
    {SpaceEditKind::kSetChoices, "set_choices"},
    {SpaceEditKind::kAddDimension, "add_dimension"},
    {SpaceEditKind::kRemoveDimension, "remove_dimension"},
    {SpaceEditKind::kFixValue, "fix_value"},
    {SpaceEditKind::kUnfix, "unfix"},
};

/// An edit of `kind` on dimension `name` for `reason`; each factory fills in the rest.
SpaceEdit NamedEdit(SpaceEditKind kind, std::string name, EditReason reason) {
  SpaceEdit e;
  e.kind = kind;
  e.name = std::move(name);
  e.reason = std::move(reason);
  return e;
}

nlohmann::json ValueJson(const Value& v) {
  nlohmann::json j;
  std::visit([&](const auto& x) { j = x; }, v);
  return j;
}
}  // namespace

const char* SpaceEditKindName(SpaceEditKind kind) {
  for (const auto& e : kEditKindNames) {
    if (e.kind == kind) return e.name;
  }
  return "unknown";
}

SpaceEditKind SpaceEditKindFromName(const std::string& name) {
  std::string valid;
  for (const auto& e : kEditKindNames) {
    if (name == e.name) return e.kind;
    valid += (valid.empty() ? "" : ", ") + std::string(e.name);
  }
  throw UnknownNameError(UnknownNameMessage("space edit", name, valid));
}

SpaceEdit SpaceEdit::Bounds(SpaceEditKind kind, std::string name, double low, double high,
                            EditReason reason) {
  SpaceEdit e = NamedEdit(kind, std::move(name), std::move(reason));
  e.low = low;
  e.high = high;
  return e;
}

SpaceEdit SpaceEdit::SetChoices(std::string name, std::vector<std::string> choices,
                                EditReason reason) {
  SpaceEdit e = NamedEdit(SpaceEditKind::kSetChoices, std::move(name), std::move(reason));
  e.choices = std::move(choices);
  return e;
}

SpaceEdit SpaceEdit::Add(Dimension dimension, Value past_value, EditReason reason) {
  SpaceEdit e = NamedEdit(SpaceEditKind::kAddDimension, dimension.name, std::move(reason));
  e.dimension = std::move(dimension);
  e.value = std::move(past_value);
  return e;
}

SpaceEdit SpaceEdit::Remove(std::string name, EditReason reason) {
  return NamedEdit(SpaceEditKind::kRemoveDimension, std::move(name), std::move(reason));
}

SpaceEdit SpaceEdit::Fix(std::string name, Value value, EditReason reason) {
  SpaceEdit e = NamedEdit(SpaceEditKind::kFixValue, std::move(name), std::move(reason));
  e.value = std::move(value);
  return e;
}

SpaceEdit SpaceEdit::Unfix(std::string name, EditReason reason) {
  return NamedEdit(SpaceEditKind::kUnfix, std::move(name), std::move(reason));
}

std::string SpaceEdit::ToString() const {
  std::string what;
  switch (kind) {
    case SpaceEditKind::kShrinkBounds:
    case SpaceEditKind::kExpandBounds:
    case SpaceEditKind::kShiftBounds:
      what = fmt::format(" -> [{:.6g}, {:.6g}]", low, high);
      break;
    case SpaceEditKind::kSetChoices: {
      what = " -> {";
      for (std::size_t i = 0; i < choices.size(); ++i) what += (i ? ", " : "") + choices[i];
      what += "}";
      break;
    }
    case SpaceEditKind::kAddDimension:
      what = " " + (dimension ? dimension->DomainString() : std::string("?")) +
             (value ? ", past trials had " + ValueToString(*value) : std::string());
      break;
    case SpaceEditKind::kFixValue:
      what = value ? " = " + ValueToString(*value) : "";
      break;
    case SpaceEditKind::kRemoveDimension:
    case SpaceEditKind::kUnfix:
      break;
  }
  std::string why = reason.action.empty() ? "" : " (" + reason.action;
  if (!why.empty() && reason.trial_id >= 0) why += fmt::format(" @ trial {}", reason.trial_id);
  if (!why.empty()) why += ")";
  return std::string(SpaceEditKindName(kind)) + " " + name + what + why;
}

nlohmann::json SpaceEdit::ToJson() const {
  nlohmann::json j;
  j["kind"] = SpaceEditKindName(kind);
  j["name"] = name;
  j["low"] = low;
  j["high"] = high;
  j["choices"] = choices;
  if (dimension) j["dimension"] = dimension->ToJson();
  if (value) j["value"] = ValueJson(*value);
  j["reason"] = {{"action", reason.action}, {"trial_id", reason.trial_id}, {"note", reason.note}};
  return j;
}

SpaceEdit SpaceEdit::FromJson(const nlohmann::json& j) {
  try {
    SpaceEdit e;
    e.kind = SpaceEditKindFromName(j.at("kind").get<std::string>());
    e.name = j.at("name").get<std::string>();
    e.low = j.value("low", 0.0);
    e.high = j.value("high", 0.0);
    e.choices = j.value("choices", std::vector<std::string>{});
    if (j.contains("dimension")) e.dimension = Dimension::FromJson(j["dimension"]);
    if (j.contains("value")) {
      const auto& v = j["value"];
      if (v.is_string()) {
        e.value = v.get<std::string>();
      } else if (v.is_number_integer()) {
        e.value = v.get<std::int64_t>();
      } else {
        e.value = v.get<double>();
      }
    }
    const auto& r = j.at("reason");
    e.reason = {r.value("action", ""), r.value("trial_id", std::int64_t{-1}), r.value("note", "")};
    return e;
  } catch (const nlohmann::json::exception& ex) {
    throw StoreError(std::string("malformed space edit JSON: ") + ex.what());
  }
}

}  // namespace symnas::search
