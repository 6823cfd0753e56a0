// `random`: uniform sampling of the current space (log-uniform on log dimensions), avoiding
// candidates already tried.
#pragma once

#include "strategy_base.hpp"

namespace symnas::search {

/// Random search; the baseline every other strategy is compared with.
class RandomStrategy : public StrategyBase {
 public:
  explicit RandomStrategy(const StrategyContext& context) : StrategyBase(context) {}
  std::string name() const override { return "random"; }
  Params Ask() override { return SampleUntried(); }
};

}  // namespace symnas::search
