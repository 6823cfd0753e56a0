// Nb201CellOf: the edge_0..edge_5 dimensions of a candidate read as a NAS-Bench-201 cell.
#include "nb201_params.hpp"

#include <string>
#include <variant>

namespace symnas::search {

std::optional<hw::Nb201Cell> Nb201CellOf(const Params& params) {
  hw::Nb201Cell cell;
  for (int e = 0; e < hw::kNb201Edges; ++e) {
    auto it = params.find("edge_" + std::to_string(e));
    if (it == params.end() || !std::holds_alternative<std::string>(it->second)) return std::nullopt;
    int op = -1;
    for (int k = 0; k < hw::kNb201Ops; ++k) {
      if (std::get<std::string>(it->second) == hw::Nb201OpName(static_cast<hw::Nb201Op>(k))) op = k;
    }
    if (op < 0) return std::nullopt;
    cell.ops[static_cast<size_t>(e)] = static_cast<hw::Nb201Op>(op);
  }
  return cell;
}

}  // namespace symnas::search
