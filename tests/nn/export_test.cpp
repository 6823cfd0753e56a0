// Tests of model export: a tiny network with every layer kind the search space can produce is
// trained for one epoch on a generated image folder, saved and reloaded, and exported as ONNX
// (checked by onnx.checker, run by OpenCV dnn and, when installed, onnxruntime-node) and as
// TorchScript (loaded by libtorch and by Python's torch.jit.load); every runtime's logits must
// equal libtorch's within 1e-4.
#include "symnas/nn/export.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <torch/script.h>

#include <cstdlib>
#include <filesystem>
#include <opencv2/dnn.hpp>

#include "symnas/common/error.hpp"
#include "symnas/nn/cost.hpp"
#include "symnas/nn/trainer.hpp"
#include "test_data.hpp"

namespace symnas::nn {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// 3 classes x 24 RGB 12 x 12 images: class c is a bright square at a class-specific corner.
void WriteImageFolder(const std::string& dir) {
  std::mt19937 rng(3);
  for (int c = 0; c < 3; ++c) {
    fs::create_directories(fmt::format("{}/train/class{}", dir, c));
    fs::create_directories(fmt::format("{}/test/class{}", dir, c));
    for (int i = 0; i < 24; ++i) {
      std::vector<std::uint8_t> px(12 * 12 * 3);
      for (auto& v : px) v = static_cast<std::uint8_t>(rng() % 80);
      for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 5; ++x)
          px[((y + (c == 1 ? 6 : 0)) * 12 + x + (c == 2 ? 6 : 0)) * 3 + c] = 250;
      const std::string split = i < 20 ? "train" : "test";
      const std::string path = fmt::format("{}/{}/class{}/{}.png", dir, split, c, i);
      ASSERT_NE(stbi_write_png(path.c_str(), 12, 12, 3, px.data(), 36), 0);
    }
  }
}

// Every layer kind: batch norm, each activation, max/avg/no pooling, dropout, dense layers.
Arch EveryLayerArch() {
  Arch a;
  a.input = {3, 12, 12};
  a.classes = 3;
  a.blocks = {{6, 3, 1, Activation::kRelu, true, PoolKind::kMax, 0.1},
              {8, 3, 2, Activation::kElu, false, PoolKind::kAvg, 0.0},
              {8, 1, 1, Activation::kSelu, true, PoolKind::kNone, 0.2}};
  a.dense = {{16, Activation::kSwish, 0.3}, {12, Activation::kRelu, 0.0}};
  a.train.epochs = 1;
  a.train.batch_size = 16;
  return a;
}

struct Trained {
  DataSplits data;
  TrainedModel model;
  torch::Tensor images01;  ///< the test images, pixels / 255
};

Trained TrainTiny(const std::string& dir) {
  DataOptions o;
  o.dataset = "image_folder";
  o.dir = dir;
  o.validation_size = 12;
  o.load_test = true;
  Trained t{LoadSplits(o), {}, {}};
  TrainOptions options;
  options.seed = 7;
  options.on_trained = [&](const Arch& arch, std::uint64_t seed, torch::nn::Sequential& best) {
    t.model = MakeTrainedModel(arch, best, t.data, seed);
  };
  Train(EveryLayerArch(), t.data, options);
  // Undo the standardisation: the exported model takes pixels / 255.
  const auto c = static_cast<std::int64_t>(t.data.mean.size());
  t.images01 = t.data.test->images * torch::tensor(t.data.std).reshape({1, c, 1, 1}) +
               torch::tensor(t.data.mean).reshape({1, c, 1, 1});
  return t;
}

void WriteFloats(const std::string& path, const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous().to(torch::kFloat);
  std::ofstream(path, std::ios::binary)
      .write(static_cast<const char*>(c.data_ptr()), static_cast<std::streamsize>(c.numel() * 4));
}

std::string ShellQuote(const std::string& s) { return "'" + s + "'"; }

class ExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("export");
    WriteImageFolder(dir_->File("images"));
    trained_ = new Trained(TrainTiny(dir_->File("images")));
  }
  static void TearDownTestSuite() {
    delete trained_;
    delete dir_;
  }
  static TempDir* dir_;
  static Trained* trained_;
};
TempDir* ExportTest::dir_ = nullptr;
Trained* ExportTest::trained_ = nullptr;

TEST_F(ExportTest, SavedModelRoundTripsAndStandardisesInside) {
  TrainedModel& m = trained_->model;
  ASSERT_FALSE(m.module->children().empty());
  EXPECT_EQ(m.class_names, (std::vector<std::string>{"class0", "class1", "class2"}));
  TrainedModel back = DeserializeTrainedModel(SerializeTrainedModel(m), "memory");
  EXPECT_EQ(ArchToJson(back.arch), ArchToJson(m.arch));
  EXPECT_EQ(back.seed, 7u);
  const torch::Tensor x = trained_->images01;
  EXPECT_TRUE(torch::equal(RunTrainedModel(back, x), RunTrainedModel(m, x)));
  // RunTrainedModel on pixels / 255 equals the module on the standardised test split.
  torch::NoGradGuard no_grad;
  m.module->eval();
  const torch::Tensor direct = m.module->forward(trained_->data.test->images);
  EXPECT_LT((RunTrainedModel(m, x) - direct).abs().max().item<float>(), 1e-4);
  EXPECT_THROW(DeserializeTrainedModel("not a model", "bad.pt"), StoreError);
}

TEST_F(ExportTest, OnnxPassesTheCheckerAndMatchesLibtorchInOpenCvAndOnnxruntime) {
  TrainedModel& m = trained_->model;
  const std::string onnx = dir_->File("model.onnx");
  const ExportSummary s = WriteOnnx(m, onnx);
  EXPECT_EQ(s.file_bytes, static_cast<std::int64_t>(fs::file_size(onnx)));
  EXPECT_EQ(s.params, AnalyzeCost(m.arch).params);
  const torch::Tensor x = trained_->images01;
  const torch::Tensor want = RunTrainedModel(m, x);
  // OpenCV dnn (Debian libopencv-dnn).
  cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx);
  std::vector<int> dims(x.sizes().begin(), x.sizes().end());
  torch::Tensor xc = x.contiguous();
  cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F, xc.data_ptr<float>());
  net.setInput(blob);
  cv::Mat out = net.forward();
  ASSERT_EQ(out.total(), static_cast<std::size_t>(want.numel()));
  const torch::Tensor got =
      torch::from_blob(out.ptr<float>(), {want.size(0), want.size(1)}, torch::kFloat).clone();
  EXPECT_LT((got - want).abs().max().item<float>(), 1e-4);
  // onnx.checker and onnxruntime-node: scripts beside this file compare with libtorch's logits.
  WriteFloats(dir_->File("input.f32"), x);
  WriteFloats(dir_->File("logits.f32"), want);
  const std::string shape = fmt::format("{},{},{},{}", x.size(0), x.size(1), x.size(2), x.size(3));
  const std::string here = std::string(SYMNAS_SOURCE_DIR) + "/tests/nn/";
  const std::string py = fmt::format(
      "/usr/bin/python3 {} onnx {} {} {} {}", ShellQuote(here + "check_export.py"),
      ShellQuote(onnx), ShellQuote(dir_->File("input.f32")), shape,
      ShellQuote(dir_->File("logits.f32")));
  EXPECT_EQ(std::system(py.c_str()), 0) << py;
  const std::string ort = std::string(SYMNAS_SOURCE_DIR) + "/tools/onnxruntime/node_modules";
  if (!fs::exists(ort + "/onnxruntime-node")) {
    GTEST_SKIP() << "onnxruntime-node not installed (scripts/setup.sh installs it)";
  }
  const std::string node = fmt::format(
      "NODE_PATH={} node {} {} {} {} {}", ShellQuote(ort), ShellQuote(here + "check_onnxruntime.cjs"),
      ShellQuote(onnx), ShellQuote(dir_->File("input.f32")), shape,
      ShellQuote(dir_->File("logits.f32")));
  EXPECT_EQ(std::system(node.c_str()), 0) << node;
}

TEST_F(ExportTest, TorchScriptLoadsInLibtorchAndPythonWithTheSameOutputs) {
  TrainedModel& m = trained_->model;
  const std::string ts = dir_->File("model.pt");
  const ExportSummary s = WriteTorchScript(m, ts);
  EXPECT_EQ(s.params, AnalyzeCost(m.arch).params);
  const torch::Tensor x = trained_->images01;
  const torch::Tensor want = RunTrainedModel(m, x);
  torch::jit::Module loaded = torch::jit::load(ts);
  const torch::Tensor got = loaded.forward({x}).toTensor();
  EXPECT_LT((got - want).abs().max().item<float>(), 1e-4);
  WriteFloats(dir_->File("input.f32"), x);
  WriteFloats(dir_->File("logits.f32"), want);
  const std::string shape = fmt::format("{},{},{},{}", x.size(0), x.size(1), x.size(2), x.size(3));
  const std::string py = fmt::format(
      "/usr/bin/python3 {}/tests/nn/check_export.py torchscript {} {} {} {}", SYMNAS_SOURCE_DIR,
      ShellQuote(ts), ShellQuote(dir_->File("input.f32")), shape,
      ShellQuote(dir_->File("logits.f32")));
  EXPECT_EQ(std::system(py.c_str()), 0) << py;
}

TEST(ExportFormats, TableListsEveryFormatAndRejectsUnknownNames) {
  EXPECT_EQ(std::string(FindExportFormat("onnx").name), "onnx");
  EXPECT_EQ(std::string(FindExportFormat("torchscript").name), "torchscript");
  try {
    FindExportFormat("tflite");
    FAIL() << "no error";
  } catch (const UnknownNameError& e) {
    EXPECT_THAT(e.message(), ::testing::HasSubstr("onnx, torchscript"));
  }
}

}  // namespace
}  // namespace symnas::nn
