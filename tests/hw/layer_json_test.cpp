// LayerList JSON round trip and CSV reader error paths.
#include "symnas/hw/layer_json.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "symnas/common/error.hpp"
#include "symnas/hw/csv.hpp"
#include "symnas/hw/random_cnn.hpp"

namespace symnas::hw {
namespace {

TEST(LayerJson, RoundTripKeepsEveryField) {
  const LayerList a = RandomSequentialCnn(7);
  const LayerList b = LayerListFromJson(LayerListToJson(a), "mem");
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].op, b[i].op);
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].OutputElements(), b[i].OutputElements());
    EXPECT_EQ(a[i].kernel, b[i].kernel);
    EXPECT_EQ(a[i].params, b[i].params);
    EXPECT_DOUBLE_EQ(a[i].macs, b[i].macs);
    EXPECT_EQ(a[i].activation, b[i].activation);
  }
}

TEST(LayerJson, NnCostJsonWithoutKernelsGetsThemFromShapesAndParams) {
  // The form `symnas cost --json` writes: no kernel, stride, bias or activation.
  const LayerList layers = LayerListFromJson(
      R"({"layers": [
        {"name": "c", "op": "conv2d", "in": [1, 28, 28], "out": [32, 28, 28], "params": 320},
        {"name": "d", "op": "conv2d", "in": [32, 28, 28], "out": [64, 28, 28], "params": 51200},
        {"name": "p", "op": "max_pool", "in": [64, 28, 28], "out": [64, 14, 14], "params": 0}]})",
      "cost.json");
  EXPECT_EQ(layers[0].kernel, 3);  // 1*32*9 + 32 bias
  EXPECT_TRUE(layers[0].bias);
  EXPECT_EQ(layers[1].kernel, 5);  // 32*64*25, no bias
  EXPECT_FALSE(layers[1].bias);
  EXPECT_EQ(layers[2].kernel, 2);
  EXPECT_EQ(layers[2].stride, 2);
}

TEST(LayerJson, BadInputIsArchError) {
  EXPECT_THROW(LayerListFromJson("{", "x.json"), ArchError);
  EXPECT_THROW(LayerListFromJson("{\"nets\": []}", "x.json"), ArchError);
  try {
    LayerListFromJson(R"({"layers": [{"op": "conv3d", "in": [1,2,2], "out": [1,2,2]}]})", "x.json");
    FAIL();
  } catch (const ArchError& e) {
    EXPECT_NE(e.message().find("conv2d"), std::string::npos);  // lists valid ops
    EXPECT_EQ(e.location().file, "x.json");
  }
  EXPECT_THROW(LayerListFromJson(R"({"layers": [{"op": "dense", "in": [3]}]})", "x.json"),
               ArchError);
}

TEST(Csv, RaggedRowIsDatasetErrorAtItsLine) {
  const std::string path = (std::filesystem::temp_directory_path() / "symnas_hw.csv").string();
  std::ofstream(path) << "arch,latency_ms\na,1\nb,2,3\n";
  try {
    ReadCsv(path);
    FAIL();
  } catch (const DatasetError& e) {
    EXPECT_EQ(e.location().line, 3);
  }
  std::ofstream(path) << "arch,latency_ms\na,fast\n";
  const CsvTable t = ReadCsv(path);
  EXPECT_THROW(t.Number(0, t.Column("latency_ms")), DatasetError);
  EXPECT_THROW(t.Column("lat_ms_raspi4"), DatasetError);
  EXPECT_THROW(ReadCsv("/nonexistent.csv"), DatasetError);
}

}  // namespace
}  // namespace symnas::hw
