// The synthetic evaluator's CNN-template FLOPs (walked with hw::LayerBuilder): the figures of
// the template's own arithmetic (2 x MACs of convs with same padding and dense layers, halving
// per pooled block), exactly, over a wide space; past 4 pooled blocks the candidate is invalid.
#include "symnas/search/synthetic.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "symnas/common/error.hpp"

namespace symnas::search {
namespace {

/// The template's FLOPs by hand, for networks of the parameters Params() sets.
double ByHand(const Params& p) {
  const auto num = [&](const std::string& name) { return AsDouble(p.at(name)); };
  double h = 28, channels = 1, flops = 0;
  for (int i = 0; i < static_cast<int>(num("conv_blocks")); ++i) {
    for (int c = 0; c < static_cast<int>(num("convs_per_block")); ++c) {
      const double filters = num("filters_" + std::to_string(i));
      flops += 2 * h * h * num("kernel_size") * num("kernel_size") * channels * filters;
      channels = filters;
    }
    if (AsString(p.at("pool")) != "none") h = std::floor(h / 2);
  }
  double in = h * h * channels;
  for (int i = 0; i < static_cast<int>(num("dense_layers")); ++i) {
    flops += 2 * in * num("units_" + std::to_string(i));
    in = num("units_" + std::to_string(i));
  }
  return flops + 2 * in * 10;
}

SearchSpace WideSpace() {
  std::vector<Dimension> dims = {
      Dimension::Int("conv_blocks", 0, 4, 2),
      Dimension::Int("convs_per_block", 1, 3, 2),
      Dimension::Categorical("kernel_size_label", {"1", "3", "5", "7"}, "3"),
      Dimension::Categorical("pool", {"max", "avg", "none"}, "max"),
      Dimension::Int("dense_layers", 0, 3, 1),
  };
  for (int i = 0; i < 4; ++i) {
    dims.push_back(Dimension::Int("filters_" + std::to_string(i), 1, 256, 32));
    dims.push_back(Dimension::Int("units_" + std::to_string(i), 1, 1024, 256));
  }
  return SearchSpace(std::move(dims));
}

TEST(SyntheticTest, CnnTemplateFlopsAreTheTemplatesArithmetic) {
  Params defaults = {{"conv_blocks", std::int64_t{2}},  {"convs_per_block", std::int64_t{2}},
                     {"kernel_size", std::int64_t{3}},  {"pool", std::string("max")},
                     {"dense_layers", std::int64_t{1}}, {"filters_0", std::int64_t{32}},
                     {"filters_1", std::int64_t{64}},   {"units_0", std::int64_t{256}}};
  EXPECT_EQ(CnnTemplateFlops(defaults), 38189056.0);
  EXPECT_EQ(CnnTemplateFlops({}), 38189056.0);  // every parameter at its template default
  std::mt19937_64 rng(7);
  const SearchSpace space = WideSpace();
  for (int n = 0; n < 2000; ++n) {
    Params p = space.Sample(rng);
    p["kernel_size"] = std::int64_t{std::stoi(AsString(p.at("kernel_size_label")))};
    EXPECT_EQ(CnnTemplateFlops(p), ByHand(p)) << ParamsKey(p);
  }
}

TEST(SyntheticTest, MoreThanFourPooledBlocksAreInvalid) {
  const Params pooled = {{"conv_blocks", std::int64_t{5}}, {"pool", std::string("avg")}};
  EXPECT_THROW(CnnTemplateFlops(pooled), ArchError);
  const Params unpooled = {{"conv_blocks", std::int64_t{5}}, {"pool", std::string("none")}};
  EXPECT_GT(CnnTemplateFlops(unpooled), 0);
}

}  // namespace
}  // namespace symnas::search
