// Tests of the architecture description: JSON round trip, field-precise validation errors.
#include "symnas/nn/arch.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "symnas/common/error.hpp"

namespace symnas::nn {
namespace {

using ::testing::HasSubstr;

std::string ArchErrorOf(const nlohmann::json& j) {
  try {
    ArchFromJson(j);
  } catch (const ArchError& e) {
    return e.message();
  }
  return "no error";
}

TEST(Arch, JsonRoundTripKeepsEveryField) {
  Arch a = DefaultArch({3, 32, 32}, 7);
  a.blocks[1].activation = Activation::kSwish;
  a.blocks[1].batch_norm = true;
  a.blocks[1].pool = PoolKind::kAvg;
  a.dense[0].units = 100;
  a.train.optimizer = OptimizerKind::kAdadelta;
  a.train.augment = true;
  a.train.weight_decay = 1e-4;
  const Arch b = ArchFromJson(ArchToJson(a));
  EXPECT_EQ(ArchToJson(b), ArchToJson(a));
  EXPECT_EQ(b.input.channels, 3);
  EXPECT_EQ(b.classes, 7);
  EXPECT_EQ(b.blocks[1].activation, Activation::kSwish);
  EXPECT_EQ(b.train.optimizer, OptimizerKind::kAdadelta);
}

TEST(Arch, MissingFieldsTakeDefaults) {
  const Arch a = ArchFromJson(nlohmann::json::parse(R"({"blocks":[{"filters":8}]})"));
  ASSERT_EQ(a.blocks.size(), 1u);
  EXPECT_EQ(a.blocks[0].filters, 8);
  EXPECT_EQ(a.blocks[0].kernel_size, 3);
  EXPECT_EQ(a.input.height, 28);
  EXPECT_TRUE(a.dense.empty());
}

TEST(Arch, ErrorsNameTheWrongField) {
  EXPECT_THAT(ArchErrorOf(R"({"blocks":[{"filters":8},{"filters":-4}]})"_json),
              HasSubstr("blocks[1].filters: must be >= 1, got -4"));
  EXPECT_THAT(ArchErrorOf(R"({"blocks":[{"activation":"tanhh"}]})"_json),
              HasSubstr("blocks[0].activation: unknown activation 'tanhh'; valid names: relu, "
                        "elu, selu, swish"));
  EXPECT_THAT(ArchErrorOf(R"({"blocks":[{"filter":8}]})"_json),
              HasSubstr("blocks[0].filter: unknown field"));
  EXPECT_THAT(ArchErrorOf(R"({"dense":[{"units":"many"}]})"_json),
              HasSubstr("dense[0].units: expected an integer"));
  EXPECT_THAT(ArchErrorOf(R"({"dense":[{"dropout":1.0}]})"_json),
              HasSubstr("dense[0].dropout: must be in [0, 1)"));
  EXPECT_THAT(ArchErrorOf(R"({"blocks":[{"kernel_size":4}]})"_json),
              HasSubstr("blocks[0].kernel_size: must be odd"));
  EXPECT_THAT(ArchErrorOf(R"({"training":{"optimizer":"lion"}})"_json),
              HasSubstr("training.optimizer: unknown optimizer 'lion'"));
  EXPECT_THAT(ArchErrorOf(R"({"training":{"learning_rate":-1}})"_json),
              HasSubstr("training.learning_rate: must be > 0"));
  EXPECT_THAT(ArchErrorOf(R"({"classes":1})"_json), HasSubstr("classes: must be >= 2"));
  EXPECT_THAT(ArchErrorOf(R"([1,2])"_json), HasSubstr("expected a JSON object"));
}

TEST(Arch, PoolingBelowOneByOneIsRejectedAtTheBlockThatDoesIt) {
  // 4x4 -> 2x2 -> 1x1 -> a third pooling would need a 0x0 map.
  nlohmann::json j = R"({"input":{"channels":1,"height":4,"width":4},
                         "blocks":[{"filters":2},{"filters":2},{"filters":2}]})"_json;
  EXPECT_THAT(ArchErrorOf(j), HasSubstr("blocks[2].pool: 2x2 pooling of a 1x1 map"));
  j["blocks"][2]["pool"] = "none";
  EXPECT_NO_THROW(ArchFromJson(j));
}

TEST(Arch, LoadArchFileReportsTheFile) {
  try {
    LoadArchFile("/nonexistent/arch.json");
    FAIL() << "expected ArchError";
  } catch (const ArchError& e) {
    EXPECT_EQ(e.location().file, "/nonexistent/arch.json");
  }
}

TEST(Arch, ShippedExamplesLoadAndDefaultJsonIsTheDefaultArch) {
  const std::filesystem::path dir = std::filesystem::path(SYMNAS_SOURCE_DIR) / "examples/arch";
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_NO_THROW(LoadArchFile(entry.path().string())) << entry.path();
    ++n;
  }
  EXPECT_GE(n, 3);
  EXPECT_EQ(ArchToJson(LoadArchFile((dir / "default.json").string())), ArchToJson(DefaultArch()));
}

}  // namespace
}  // namespace symnas::nn
