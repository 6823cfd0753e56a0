// Tests of model export: two tiny networks that together hold every layer kind the search space
// can produce are trained for one epoch on a generated image folder (RGB and grey), saved and
// reloaded, and exported as ONNX (checked by onnx.checker, run by OpenCV dnn and onnxruntime-node)
// and as TorchScript (loaded by libtorch and by Python's torch.jit.load); every runtime's logits
// must equal libtorch's within 1e-4, and onnxruntime's on the int8 file symnas's int8
// simulation. A runtime that is not installed skips its test, saying so.
#include "symnas/nn/export.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>
#include <torch/script.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <vector>
#ifdef SYMNAS_HAVE_OPENCV_DNN
#include <opencv2/dnn.hpp>
#endif

#include "symnas/common/error.hpp"
#include "symnas/nn/cost.hpp"
#include "symnas/nn/quantise.hpp"
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

// The two test networks cover every layer the CNN search space builds (model.cpp): every
// activation both after a convolution and after a dense layer, convolutions with batch norm
// (no bias) and without (bias), kernel sizes 1, 3 and 5, max, average and no pooling, dropout
// after a block and after a dense layer, flatten, dense layers and the classifier; RGB and grey
// input (standardisation constants of 3 and of 1 channel).
Arch RgbArch() {
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
Arch GreyArch() {
  Arch a;
  a.input = {1, 12, 12};
  a.classes = 3;
  a.blocks = {{4, 5, 1, Activation::kSwish, false, PoolKind::kAvg, 0.0},
              {6, 3, 1, Activation::kRelu, false, PoolKind::kNone, 0.25},
              {6, 3, 1, Activation::kElu, true, PoolKind::kMax, 0.0}};
  a.dense = {{10, Activation::kSelu, 0.2}, {8, Activation::kElu, 0.0}};
  a.train.epochs = 1;
  a.train.batch_size = 16;
  return a;
}

struct Trained {
  std::string name;
  DataSplits data;
  TrainedModel model;
  torch::Tensor images01;  ///< the test images, pixels / 255
};

Trained TrainTiny(const std::string& name, const std::string& dir, const Arch& arch) {
  DataOptions o;
  o.dataset = "image_folder";
  o.dir = dir;
  o.validation_size = 12;
  o.load_test = true;
  o.image.channels = arch.input.channels;
  Trained t{name, LoadSplits(o), {}, {}};
  TrainOptions options;
  options.seed = 7;
  options.on_trained = [&](const Arch& a, std::uint64_t seed, torch::nn::Sequential& best) {
    t.model = MakeTrainedModel(a, best, t.data, seed);
  };
  Train(arch, t.data, options);
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

// Whether a command exits 0 (its output discarded): probes for the optional runtimes.
bool Succeeds(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}
bool PythonHas(const std::string& module) {
  return Succeeds(fmt::format("/usr/bin/python3 -c 'import {}'", module));
}

const std::string kHere = std::string(SYMNAS_SOURCE_DIR) + "/tests/nn/";
const std::string kOrtModules = std::string(SYMNAS_SOURCE_DIR) + "/tools/onnxruntime/node_modules";

class ExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("export");
    WriteImageFolder(dir_->File("images"));
    models_ = new std::vector<Trained>();
    models_->push_back(TrainTiny("rgb", dir_->File("images"), RgbArch()));
    models_->push_back(TrainTiny("grey", dir_->File("images"), GreyArch()));
  }
  static void TearDownTestSuite() {
    delete models_;
    delete dir_;
  }
  // Writes the model's ONNX file, its test input and libtorch's logits; returns the ONNX path.
  static std::string WriteOnnxAndReference(Trained& t) {
    const std::string onnx = dir_->File(t.name + ".onnx");
    const ExportSummary s = WriteOnnx(t.model, onnx);
    EXPECT_EQ(s.file_bytes, static_cast<std::int64_t>(fs::file_size(onnx)));
    EXPECT_EQ(s.params, AnalyzeCost(t.model.arch).params);
    WriteFloats(dir_->File(t.name + ".input.f32"), t.images01);
    WriteFloats(dir_->File(t.name + ".logits.f32"), RunTrainedModel(t.model, t.images01));
    return onnx;
  }
  // The arguments of the checker scripts: MODEL INPUT.f32 N,C,H,W LOGITS.f32.
  static std::string ScriptArgs(const Trained& t, const std::string& model) {
    const torch::Tensor& x = t.images01;
    return fmt::format("{} {} {},{},{},{} {}", ShellQuote(model),
                       ShellQuote(dir_->File(t.name + ".input.f32")), x.size(0), x.size(1),
                       x.size(2), x.size(3), ShellQuote(dir_->File(t.name + ".logits.f32")));
  }
  static TempDir* dir_;
  static std::vector<Trained>* models_;
};
TempDir* ExportTest::dir_ = nullptr;
std::vector<Trained>* ExportTest::models_ = nullptr;

TEST_F(ExportTest, SavedModelRoundTripsAndStandardisesInside) {
  for (Trained& t : *models_) {
    SCOPED_TRACE(t.name);
    TrainedModel& m = t.model;
    ASSERT_FALSE(m.module->children().empty());
    EXPECT_EQ(m.class_names, (std::vector<std::string>{"class0", "class1", "class2"}));
    EXPECT_EQ(m.mean.size(), static_cast<std::size_t>(m.arch.input.channels));
    TrainedModel back = DeserializeTrainedModel(SerializeTrainedModel(m), "memory");
    EXPECT_EQ(ArchToJson(back.arch), ArchToJson(m.arch));
    EXPECT_EQ(back.seed, 7u);
    const torch::Tensor x = t.images01;
    EXPECT_TRUE(torch::equal(RunTrainedModel(back, x), RunTrainedModel(m, x)));
    // RunTrainedModel on pixels / 255 equals the module on the standardised test split.
    torch::NoGradGuard no_grad;
    m.module->eval();
    const torch::Tensor direct = m.module->forward(t.data.test->images);
    EXPECT_LT((RunTrainedModel(m, x) - direct).abs().max().item<float>(), 1e-4);
  }
  EXPECT_THROW(DeserializeTrainedModel("not a model", "bad.pt"), StoreError);
}

TEST_F(ExportTest, OnnxPassesTheChecker) {
  if (!PythonHas("onnx")) GTEST_SKIP() << "python3-onnx not installed (scripts/setup.sh)";
  for (Trained& t : *models_) {
    const std::string cmd =
        fmt::format("/usr/bin/python3 {} onnx {}", ShellQuote(kHere + "check_export.py"),
                    ScriptArgs(t, WriteOnnxAndReference(t)));
    EXPECT_EQ(std::system(cmd.c_str()), 0) << t.name << ": " << cmd;
  }
}

TEST_F(ExportTest, OnnxMatchesLibtorchInOpenCvDnn) {
#ifndef SYMNAS_HAVE_OPENCV_DNN
  GTEST_SKIP() << "built without OpenCV dnn (install libopencv-dnn-dev, rerun cmake)";
#else
  for (Trained& t : *models_) {
    const std::string onnx = WriteOnnxAndReference(t);
    const torch::Tensor x = t.images01.contiguous();
    const torch::Tensor want = RunTrainedModel(t.model, x);
    cv::dnn::Net net = cv::dnn::readNetFromONNX(onnx);
    std::vector<int> dims(x.sizes().begin(), x.sizes().end());
    cv::Mat blob(static_cast<int>(dims.size()), dims.data(), CV_32F, x.data_ptr<float>());
    net.setInput(blob);
    cv::Mat out = net.forward();
    ASSERT_EQ(out.total(), static_cast<std::size_t>(want.numel())) << t.name;
    const torch::Tensor got =
        torch::from_blob(out.ptr<float>(), {want.size(0), want.size(1)}, torch::kFloat).clone();
    const float diff = (got - want).abs().max().item<float>();
    std::cout << fmt::format("OpenCV dnn {} ({}): max abs diff {:.2e}\n", CV_VERSION, t.name, diff);
    EXPECT_LE(diff, 1e-4) << t.name;
  }
#endif
}

TEST_F(ExportTest, OnnxMatchesLibtorchInOnnxruntime) {
  if (!fs::exists(kOrtModules + "/onnxruntime-node") || !Succeeds("node --version")) {
    GTEST_SKIP() << "node or onnxruntime-node not installed (scripts/setup.sh installs both)";
  }
  for (Trained& t : *models_) {
    const std::string cmd = fmt::format("NODE_PATH={} node {} {}", ShellQuote(kOrtModules),
                                        ShellQuote(kHere + "check_onnxruntime.cjs"),
                                        ScriptArgs(t, WriteOnnxAndReference(t)));
    EXPECT_EQ(std::system(cmd.c_str()), 0) << t.name << ": " << cmd;
  }
}

TEST_F(ExportTest, OnnxInt8IsQdqAndAgreesWithFp32InOnnxruntime) {
  const bool checker = PythonHas("onnx");
  const bool ort = fs::exists(kOrtModules + "/onnxruntime-node") && Succeeds("node --version");
  for (Trained& t : *models_) {
    SCOPED_TRACE(t.name);
    ASSERT_FALSE(t.model.input_ranges.empty());
    EXPECT_EQ(DeserializeTrainedModel(SerializeTrainedModel(t.model), "memory").input_ranges,
              t.model.input_ranges);
    const std::string fp32 = WriteOnnxAndReference(t);
    const std::string int8 = dir_->File(t.name + ".int8.onnx");
    const ExportSummary s = WriteOnnxInt8(t.model, int8);
    EXPECT_EQ(s.params, AnalyzeCost(t.model.arch).params);
    EXPECT_THAT(s.details, ::testing::HasSubstr("int8 QDQ"));
    if (checker) {  // onnx.checker, and every Conv/Gemm reads int8 weights through QDQ
      const std::string cmd =
          fmt::format("/usr/bin/python3 {} onnx-int8 {}", ShellQuote(kHere + "check_export.py"),
                      ScriptArgs(t, int8));
      EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    }
    if (!ort) continue;
    // Every image of the folder (train, validation, test: 72), pixels / 255, with its label.
    const auto c = static_cast<std::int64_t>(t.data.mean.size());
    const torch::Tensor mean = torch::tensor(t.data.mean).reshape({1, c, 1, 1});
    const torch::Tensor std = torch::tensor(t.data.std).reshape({1, c, 1, 1});
    const torch::Tensor x =
        torch::cat({t.data.train.images, t.data.val.images, t.data.test->images}) * std + mean;
    const torch::Tensor y =
        torch::cat({t.data.train.labels, t.data.val.labels, t.data.test->labels}).to(torch::kLong);
    WriteFloats(dir_->File(t.name + ".all.f32"), x);
    std::ofstream(dir_->File(t.name + ".all.i64"), std::ios::binary)
        .write(static_cast<const char*>(y.contiguous().data_ptr()),
               static_cast<std::streamsize>(y.numel() * 8));
    // Within 1.5 points (one image of 72) and the same class for >= 90 % of the images; the
    // 0.5-point agreement on 210 test images is checked by tests/cli/model_out.sh.
    const std::string cmd =
        fmt::format("NODE_PATH={} node {} {} {} {} {},{},{},{} {} 1.5 0.9", ShellQuote(kOrtModules),
                    ShellQuote(kHere + "check_int8.cjs"), ShellQuote(fp32), ShellQuote(int8),
                    ShellQuote(dir_->File(t.name + ".all.f32")), x.size(0), x.size(1), x.size(2),
                    x.size(3), ShellQuote(dir_->File(t.name + ".all.i64")));
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  if (!checker || !ort) {
    GTEST_SKIP() << "int8 file written; " << (checker ? "" : "python3-onnx ")
                 << (ort ? "" : "onnxruntime-node ") << "not installed (scripts/setup.sh)";
  }
}

// The accuracy symnas reports for the int8 file is the file's: the simulation of the plan the
// exporter writes (SimulateInt8) gives onnxruntime's logits on the QDQ file for every image of
// the folder (72, pixels / 255), the same class for all and logits within kInt8LogitTolerance.
TEST_F(ExportTest, SimulatedInt8EqualsOnnxruntimeOnTheQdqFile) {
  if (!fs::exists(kOrtModules + "/onnxruntime-node") || !Succeeds("node --version")) {
    GTEST_SKIP() << "node or onnxruntime-node not installed (scripts/setup.sh installs both)";
  }
  // Both run the same quantised graph and differ only in float summation order (measured: 1.5e-8
  // and 3.0e-8; int8 differs from fp32 by ~1e-3 on these networks).
  constexpr double kInt8LogitTolerance = 1e-5;
  for (Trained& t : *models_) {
    SCOPED_TRACE(t.name);
    const std::string int8 = dir_->File(t.name + ".int8.onnx");
    WriteOnnxInt8(t.model, int8);
    const auto c = static_cast<std::int64_t>(t.data.mean.size());
    const torch::Tensor x =
        torch::cat({t.data.train.images, t.data.val.images, t.data.test->images}) *
            torch::tensor(t.data.std).reshape({1, c, 1, 1}) +
        torch::tensor(t.data.mean).reshape({1, c, 1, 1});
    const torch::Tensor sim = SimulateInt8(t.model, PlanInt8(t.model), x);
    EXPECT_GT((sim - RunTrainedModel(t.model, x)).abs().max().item<float>(), 1e-4)
        << "the simulation quantises (else this test would compare fp32 with itself)";
    WriteFloats(dir_->File(t.name + ".all.f32"), x);
    WriteFloats(dir_->File(t.name + ".sim.f32"), sim);
    const std::string cmd =
        fmt::format("NODE_PATH={} node {} {} {} {},{},{},{} {} {} 1.0", ShellQuote(kOrtModules),
                    ShellQuote(kHere + "check_onnxruntime.cjs"), ShellQuote(int8),
                    ShellQuote(dir_->File(t.name + ".all.f32")), x.size(0), x.size(1), x.size(2),
                    x.size(3), ShellQuote(dir_->File(t.name + ".sim.f32")), kInt8LogitTolerance);
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
}

TEST_F(ExportTest, TorchScriptLoadsInLibtorchAndPythonWithTheSameOutputs) {
  const bool python_torch = PythonHas("torch");
  for (Trained& t : *models_) {
    SCOPED_TRACE(t.name);
    const std::string ts = dir_->File(t.name + ".pt");
    const ExportSummary s = WriteTorchScript(t.model, ts);
    EXPECT_EQ(s.params, AnalyzeCost(t.model.arch).params);
    const torch::Tensor x = t.images01;
    const torch::Tensor want = RunTrainedModel(t.model, x);
    torch::jit::Module loaded = torch::jit::load(ts);
    const torch::Tensor got = loaded.forward({x}).toTensor();
    EXPECT_LE((got - want).abs().max().item<float>(), 1e-4);
    if (!python_torch) continue;
    WriteOnnxAndReference(t);  // input and reference logits
    const std::string cmd = fmt::format("/usr/bin/python3 {} torchscript {}",
                                        ShellQuote(kHere + "check_export.py"), ScriptArgs(t, ts));
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  if (!python_torch) GTEST_SKIP() << "libtorch checked; python3-torch not installed for Python";
}

TEST(ExportFormats, TableListsEveryFormatAndRejectsUnknownNames) {
  EXPECT_EQ(std::string(FindExportFormat("onnx").name), "onnx");
  EXPECT_EQ(std::string(FindExportFormat("torchscript").name), "torchscript");
  EXPECT_EQ(std::string(FindExportFormat("onnx-int8").name), "onnx-int8");
  try {
    FindExportFormat("tflite");
    FAIL() << "no error";
  } catch (const UnknownNameError& e) {
    EXPECT_THAT(e.message(), ::testing::HasSubstr("onnx, onnx-int8, torchscript"));
  }
}

}  // namespace
}  // namespace symnas::nn
