// Tests of the int8 plan and its simulation (quantise.cpp): the QuantizeLinear arithmetic against
// hand-computed values (round half to even, saturation, the zero point), the batch-norm folding
// and per-channel weight quantisation against the folding formulas computed here, and the
// cnn evaluator's int8_accuracy / quant_drop metrics. That the simulation equals onnxruntime on
// the written file is checked in export_test.cpp.
#include "symnas/nn/quantise.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "symnas/common/error.hpp"
#include "symnas/nn/evaluator.hpp"
#include "symnas/nn/trainer.hpp"
#include "test_data.hpp"

namespace symnas::nn {
namespace {

namespace tnn = torch::nn;

TEST(ActivationQuant, TheRangeIsWidenedToZeroAndTheZeroPointRounded) {
  ActivationQuant q = ActivationQuantOf(-1.0f, 3.0f);
  EXPECT_FLOAT_EQ(q.scale, 4.0f / 255.0f);
  EXPECT_EQ(q.zero_point, 64);        // round(255 / 4 = 63.75)
  q = ActivationQuantOf(0.5f, 2.0f);  // all positive: [0, 2]
  EXPECT_FLOAT_EQ(q.scale, 2.0f / 255.0f);
  EXPECT_EQ(q.zero_point, 0);
  q = ActivationQuantOf(-3.0f, -1.0f);  // all negative: [-3, 0]
  EXPECT_FLOAT_EQ(q.scale, 3.0f / 255.0f);
  EXPECT_EQ(q.zero_point, 255);
  q = ActivationQuantOf(0.0f, 0.0f);
  EXPECT_FLOAT_EQ(q.scale, 1.0f);
  EXPECT_EQ(q.zero_point, 0);
}

TEST(ActivationQuant, FakeQuantiseRoundsHalfToEvenAndSaturatesAsQuantizeLinear) {
  // scale 1, zero point 10: q = clamp(round(x) + 10, 0, 255), x' = q - 10.
  const ActivationQuant q{1.0f, 10};
  const torch::Tensor x = torch::tensor({0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 0.49f, 300.0f, -20.0f});
  const torch::Tensor want = torch::tensor({0.0f, 2.0f, 2.0f, 0.0f, -2.0f, 0.0f, 245.0f, -10.0f});
  EXPECT_TRUE(torch::equal(FakeQuantise(x, q), want)) << FakeQuantise(x, q);
  // scale 0.5: 0.75 / 0.5 = 1.5 -> 2 -> 1.0; 1.25 / 0.5 = 2.5 -> 2 -> 1.0.
  const torch::Tensor y = FakeQuantise(torch::tensor({0.75f, 1.25f}), {0.5f, 0});
  EXPECT_TRUE(torch::equal(y, torch::tensor({1.0f, 1.0f}))) << y;
}

/// A model of TinyArch with batch norm, trained one epoch on the tiny task, calibrated.
TrainedModel TinyModel(const DataSplits& data) {
  Arch arch = testing::TinyArch();
  arch.blocks[0].batch_norm = true;
  arch.train.epochs = 1;
  TrainedModel model;
  TrainOptions o;
  o.on_trained = [&](const Arch& a, std::uint64_t seed, tnn::Sequential& best) {
    model = MakeTrainedModel(a, best, data, seed);
  };
  Train(arch, data, o);
  return model;
}

TEST(Int8Plan, FoldsBatchNormAndQuantisesEachOutputChannel) {
  const DataSplits data = testing::TinySplits(200, 40);
  TrainedModel model = TinyModel(data);
  const Int8Plan plan = PlanInt8(model);
  const auto layers = model.module->children();
  ASSERT_TRUE(layers[0]->as<tnn::Conv2d>() && layers[1]->as<tnn::BatchNorm2d>());
  std::vector<std::size_t> planned;
  for (const auto& [i, layer] : plan) planned.push_back(i);
  std::vector<std::size_t> want;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (layers[i]->as<tnn::Conv2d>() || layers[i]->as<tnn::Linear>()) want.push_back(i);
  }
  EXPECT_EQ(planned, want);
  const Int8Layer& conv = plan.at(0);
  EXPECT_TRUE(conv.folds_next);
  // The fold, computed here: w * g / sqrt(v + eps), (0 - m) * g / sqrt(v + eps) + b.
  const auto& bn = *layers[1]->as<tnn::BatchNorm2d>();
  const torch::Tensor k = bn.weight / torch::sqrt(bn.running_var + bn.options.eps());
  const torch::Tensor w = layers[0]->as<tnn::Conv2d>()->weight * k.reshape({-1, 1, 1, 1});
  const torch::Tensor b = -bn.running_mean * k + bn.bias;
  EXPECT_EQ(conv.weight_q.scalar_type(), torch::kChar);
  EXPECT_EQ(conv.bias_q.scalar_type(), torch::kInt);
  const torch::Tensor w_max = std::get<0>(w.abs().reshape({w.size(0), -1}).max(1));
  EXPECT_TRUE(torch::allclose(conv.weight_scale, w_max / 127.0f));
  const torch::Tensor q_max =
      std::get<0>(conv.weight_q.to(torch::kInt).abs().reshape({w.size(0), -1}).max(1));
  EXPECT_TRUE(torch::equal(q_max, torch::full_like(q_max, 127))) << "each channel's range used";
  const torch::Tensor w_err = (conv.Weight() - w).abs().reshape({w.size(0), -1});
  EXPECT_TRUE((std::get<0>(w_err.max(1)) <= conv.weight_scale * 0.5001f).all().item<bool>());
  EXPECT_TRUE(torch::allclose(conv.bias_scale, conv.weight_scale * conv.input.scale));
  EXPECT_TRUE(((conv.Bias() - b).abs() <= conv.bias_scale * 0.5001f).all().item<bool>());
  for (const auto& [i, layer] : plan) {  // the input scale is the calibrated range's
    const auto& [lo, hi] = model.input_ranges.at(static_cast<int>(i));
    EXPECT_FLOAT_EQ(layer.input.scale, ActivationQuantOf(lo, hi).scale) << i;
    EXPECT_EQ(layer.folds_next, i == 0) << i;
  }
}

TEST(Int8Plan, TheSimulationQuantisesButStaysCloseToFp32) {
  const DataSplits data = testing::TinySplits(200, 40);
  TrainedModel model = TinyModel(data);
  const Int8Plan plan = PlanInt8(model);
  const torch::Tensor x = data.val.images;  // mean 0, std 1: already the model's standardisation
  const torch::Tensor fp32 = RunTrainedModel(model, x);
  const torch::Tensor int8 = SimulateInt8(model, plan, x);
  EXPECT_TRUE(torch::equal(SimulateInt8Standardised(model, plan, x), int8));
  const float diff = (fp32 - int8).abs().max().item<float>();
  const float range = (fp32.max() - fp32.min()).item<float>();
  EXPECT_GT(diff, 0.0f) << "int8 rounding changes the logits";
  EXPECT_LT(diff, 0.05f * range);
  const Int8Accuracy acc = MeasureInt8Accuracy(model, data.val, data.mean, data.std);
  EXPECT_EQ(acc.images, 40);
  EXPECT_DOUBLE_EQ(acc.fp32, EvaluateModule(model.module, data.val).second);
  EXPECT_GE(acc.same_class, 0.9);
  const double int8_right = int8.argmax(1).eq(data.val.labels).sum().item<double>();
  EXPECT_DOUBLE_EQ(acc.int8, int8_right / 40.0);
}

TEST(Int8Plan, AModelWithoutCalibrationIsRefused) {
  const DataSplits data = testing::TinySplits(50, 10);
  TrainedModel model = TinyModel(data);
  model.input_ranges.clear();
  try {
    PlanInt8(model);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.message(), ::testing::HasSubstr("no calibration ranges"));
  }
}

TEST(TrainingEvaluator, Int8ReportsTheInt8AccuracyAndTheDropOnValidation) {
  auto data = std::make_shared<DataSplits>(testing::TinySplits(200, 50));
  const search::Params p = {{"conv_blocks", std::int64_t{1}},
                            {"filters_0", std::int64_t{8}},
                            {"convs_per_block", std::int64_t{1}},
                            {"units_0", std::int64_t{16}},
                            {"epochs", std::int64_t{1}},
                            {"learning_rate", 3e-3},
                            {"batch_norm", std::int64_t{1}},
                            {"dense_dropout", 0.0},
                            {"conv_dropout", 0.0}};
  TrainOptions o;
  std::optional<TrainedModel> model;  // the evaluator's own on_trained still runs
  o.on_trained = [&](const Arch& a, std::uint64_t seed, tnn::Sequential& best) {
    model = MakeTrainedModel(a, best, *data, seed);
  };
  HardwareOptions hw;
  hw.int8_accuracy = true;
  TrainingEvaluator ev(data, o, hw);
  const search::EvalResult r = ev.Evaluate(p, 5);
  ASSERT_EQ(r.status, search::TrialStatus::kComplete) << r.error;
  ASSERT_TRUE(model.has_value());
  const Int8Accuracy acc = MeasureInt8Accuracy(*model, data->val, data->mean, data->std);
  EXPECT_DOUBLE_EQ(acc.fp32, r.accuracy);
  EXPECT_DOUBLE_EQ(r.metrics.at("int8_accuracy"), acc.int8);
  EXPECT_DOUBLE_EQ(r.metrics.at("quant_drop"), r.accuracy - acc.int8);
  EXPECT_GT(r.metrics.at("int8_accuracy"), 0.5);  // chance is 0.25
  EXPECT_EQ(ev.EstimateCosts(p).count("quant_drop"), 0u) << "known only after training";
  TrainingEvaluator plain(data, {});
  EXPECT_EQ(plain.Evaluate(p, 5).metrics.count("int8_accuracy"), 0u);
}

}  // namespace
}  // namespace symnas::nn
