// Tests of the trainer and the TrainingEvaluator on a tiny learnable task (a few hundred
// 12x12 images, 1-2 epochs): learning, determinism, divergence, early stopping, failures.
#include "symnas/nn/trainer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "symnas/common/error.hpp"
#include "symnas/nn/evaluator.hpp"
#include "test_data.hpp"

namespace symnas::nn {
namespace {

TEST(Trainer, LearnsTheTinyTaskAndRecordsCurves) {
  const DataSplits data = testing::TinySplits(400, 100);
  TrainOptions o;
  o.threads = 1;
  o.evaluate_test = true;
  int calls = 0;
  o.on_epoch = [&](const EpochRecord& e) { EXPECT_EQ(e.epoch, ++calls); };
  const TrainReport r = Train(testing::TinyArch(), data, o);
  EXPECT_FALSE(r.diverged);
  EXPECT_EQ(r.stop_reason, "max_epochs");
  ASSERT_EQ(r.epochs.size(), 2u);
  EXPECT_EQ(calls, 2);
  EXPECT_GT(r.val_accuracy, 0.8);  // chance is 0.25
  ASSERT_TRUE(r.test_accuracy.has_value());
  EXPECT_GT(*r.test_accuracy, 0.8);
  EXPECT_LT(r.epochs[1].train_loss, r.epochs[0].train_loss);
  EXPECT_GT(r.wall_seconds, 0);
  EXPECT_GT(r.train_images_per_second, 0);
  const auto j = TrainReportToJson(r);
  EXPECT_EQ(j["epochs"].size(), 2u);
  EXPECT_EQ(j["threads"], 1);
}

// Progress within an epoch: with no interval every batch reports (200 images in batches of 32:
// 7 batches, the last of 8 images); with the default interval a tiny epoch reports nothing.
TEST(Trainer, ReportsProgressWithinAnEpochAtItsInterval) {
  const DataSplits data = testing::TinySplits(200, 50);
  Arch arch = testing::TinyArch();
  arch.train.epochs = 1;
  TrainOptions o;
  std::vector<BatchProgress> seen;
  o.on_progress = [&](const BatchProgress& p) { seen.push_back(p); };
  o.progress_every_s = 0;
  Train(arch, data, o);
  ASSERT_EQ(seen.size(), 7u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].images_done, std::min<std::int64_t>(32 * (i + 1), 200));
    EXPECT_EQ(seen[i].images_total, 200);
    EXPECT_EQ(seen[i].epoch, 1);
    EXPECT_EQ(seen[i].epochs, 1);
    if (i > 0) {
      EXPECT_GE(seen[i].seconds, seen[i - 1].seconds);
    }
  }
  const std::string line = FormatProgress({2, 10, 12800, 55000, 320.0});
  EXPECT_EQ(line,
            "epoch 2/10: 12800/55000 images (23%), 40.0 images/s, ~18 min left in this epoch");
  seen.clear();
  o.progress_every_s = kProgressEverySeconds;
  Train(arch, data, o);
  EXPECT_TRUE(seen.empty());
}

// The network's warnings reach the caller before training and the report.
TEST(Trainer, PassesTheNetworksWarningsOn) {
  const DataSplits data = testing::TinySplits(64, 32);
  Arch arch = testing::TinyArch();  // 12x12 input
  arch.train.epochs = 1;
  arch.blocks.push_back(arch.blocks[0]);
  arch.blocks.push_back(arch.blocks[0]);
  arch.blocks[2].kernel_size = 5;  // 12 -> 6 -> 3: a 5x5 kernel on 3x3
  std::vector<std::string> warned;
  TrainOptions o;
  o.on_warning = [&](const std::string& w) { warned.push_back(w); };
  const TrainReport r = Train(arch, data, o);
  ASSERT_EQ(warned.size(), 1u);
  EXPECT_NE(warned[0].find("block2.conv0"), std::string::npos);
  EXPECT_EQ(r.warnings, warned);
  EXPECT_EQ(TrainReportToJson(r)["warnings"].size(), 1u);
}

TEST(Trainer, SameSeedSameCurvesDifferentSeedDifferentCurves) {
  const DataSplits data = testing::TinySplits(200, 50);
  Arch arch = testing::TinyArch();
  arch.train.epochs = 1;
  arch.blocks[0].dropout = 0.2;
  arch.train.augment = true;
  TrainOptions o;
  o.threads = 1;
  o.seed = 5;
  const TrainReport a = Train(arch, data, o);
  const TrainReport b = Train(arch, data, o);
  o.seed = 6;
  const TrainReport c = Train(arch, data, o);
  EXPECT_DOUBLE_EQ(a.epochs[0].train_loss, b.epochs[0].train_loss);
  EXPECT_DOUBLE_EQ(a.epochs[0].val_loss, b.epochs[0].val_loss);
  EXPECT_NE(a.epochs[0].train_loss, c.epochs[0].train_loss);
}

TEST(Trainer, FlushesDenormalsInTheTrainingThread) {
  // Denormal gradients made oneDNN's convolution backward up to 17x slower (docs/nn.md).
  const DataSplits data = testing::TinySplits(16, 8);
  Arch arch = testing::TinyArch();
  arch.train.epochs = 1;
  TrainOptions o;
  o.threads = 1;
  Train(arch, data, o);
  const auto tiny = torch::full({4}, 1e-30f) * 1e-10f;  // 1e-40 is below FLT_MIN (1.2e-38)
  EXPECT_EQ(tiny.abs().max().item<float>(), 0.0f);
  EXPECT_GT((torch::full({4}, 1e-30f) * 1e-5f).min().item<float>(), 0.0f);  // normal stays
}

TEST(Trainer, NonFiniteLossStopsAndIsReported) {
  DataSplits data = testing::TinySplits(100, 20);
  data.train.images[3][0][0][0] = std::numeric_limits<float>::quiet_NaN();
  TrainOptions o;
  o.threads = 1;
  const TrainReport r = Train(testing::TinyArch(), data, o);
  EXPECT_TRUE(r.diverged);
  EXPECT_THAT(r.stop_reason, ::testing::HasSubstr("diverged: non-finite training loss at epoch 1"));
  EXPECT_TRUE(r.epochs.empty());
}

TEST(Trainer, AnExplodingFiniteLossIsADivergence) {
  // Adam at learning rate 10: the loss stays finite but explodes past kDivergedLoss.
  const DataSplits data = testing::TinySplits(256, 32);
  Arch arch = testing::TinyArch();
  arch.train.learning_rate = 10;
  arch.train.epochs = 4;
  TrainOptions o;
  o.threads = 1;
  const TrainReport r = Train(arch, data, o);
  EXPECT_TRUE(r.diverged);
  EXPECT_THAT(r.stop_reason, ::testing::HasSubstr("is above 1000"));
  // A sane learning rate on the same data does not trip it.
  arch.train.learning_rate = 3e-3;
  EXPECT_FALSE(Train(arch, data, o).diverged);
}

TEST(Trainer, EarlyStoppingEndsAPlateauedRun) {
  // lr ~ 0 (min_learning_rate 0): the validation loss cannot improve after epoch 1.
  const DataSplits data = testing::TinySplits(64, 32);
  Arch arch = testing::TinyArch();
  arch.train.epochs = 10;
  arch.train.optimizer = OptimizerKind::kSgd;
  arch.train.learning_rate = 1e-12;
  arch.train.momentum = 0;
  arch.train.early_stopping_patience = 2;
  arch.train.reduce_lr_patience = 1;
  arch.train.min_learning_rate = 0;
  TrainOptions o;
  o.threads = 1;
  const TrainReport r = Train(arch, data, o);
  EXPECT_EQ(r.stop_reason, "early_stopping");
  EXPECT_EQ(r.epochs.size(), 3u);
  EXPECT_EQ(r.best_epoch, 1);
  EXPECT_DOUBLE_EQ(r.epochs[1].learning_rate, 1e-12);
  EXPECT_DOUBLE_EQ(r.epochs[2].learning_rate, 0.5e-12);  // reduced after one flat epoch
}

TEST(Trainer, AugmentShiftsAtMostTenPercentAndFlipsOnlyWhenAllowed) {
  std::mt19937_64 rng(1);
  auto x = torch::zeros({16, 1, 20, 20});
  x.narrow(2, 9, 2).narrow(3, 9, 2).fill_(1.0);  // a 2x2 dot in the middle
  const auto y = Augment(x, false, rng);
  for (int i = 0; i < 16; ++i) {
    EXPECT_FLOAT_EQ(y[i].sum().item<float>(), 4.0f);  // a 2-pixel shift never pushes it out
    auto nz = y[i][0].nonzero();
    EXPECT_LE((nz.select(1, 0).min() - 9).abs().item<int>(), 2);
    EXPECT_LE((nz.select(1, 1).min() - 9).abs().item<int>(), 2);
  }
  auto asym = torch::zeros({32, 1, 10, 10});
  asym.select(3, 0).fill_(1.0);  // left column lit; shifts are 1 px at most
  auto right_half_lit = [](const torch::Tensor& t) {
    int n = 0;
    for (int i = 0; i < t.size(0); ++i) n += t[i][0].narrow(1, 5, 5).sum().item<float>() > 0;
    return n;
  };
  std::mt19937_64 rng2(1), rng3(1);
  EXPECT_EQ(right_half_lit(Augment(asym, false, rng2)), 0);  // no flips: stays on the left
  const int flipped = right_half_lit(Augment(asym, true, rng3));
  EXPECT_GT(flipped, 4);  // about 32 * 1/2 * 2/3 expected
  EXPECT_LT(flipped, 28);
}

TEST(Trainer, RejectsTestRequestWithoutTestData) {
  DataSplits data = testing::TinySplits(10, 5);
  data.test.reset();
  TrainOptions o;
  o.evaluate_test = true;
  EXPECT_THROW(Train(testing::TinyArch(), data, o), ConfigError);
}

TEST(TrainingEvaluator, ReturnsCurvesMetricsAndArchitecture) {
  auto data = std::make_shared<DataSplits>(testing::TinySplits(200, 50));
  TrainOptions o;
  o.threads = 1;
  TrainingEvaluator ev(data, o);
  const search::Params p = {{"conv_blocks", std::int64_t{1}},
                            {"filters_0", std::int64_t{8}},
                            {"convs_per_block", std::int64_t{1}},
                            {"units_0", std::int64_t{16}},
                            {"epochs", std::int64_t{2}},
                            {"learning_rate", 3e-3},
                            {"dense_dropout", 0.0},
                            {"conv_dropout", 0.0}};
  const auto costs = ev.EstimateCosts(p);
  for (const char* k : {"flops", "macs", "params", "peak_memory_bytes", "model_size_bytes"}) {
    EXPECT_GT(costs.at(k), 0) << k;
  }
  const search::EvalResult r = ev.Evaluate(p, 3);
  ASSERT_EQ(r.status, search::TrialStatus::kComplete) << r.error;
  EXPECT_GT(r.accuracy, 0.7);
  EXPECT_FALSE(r.test_accuracy.has_value());
  EXPECT_EQ(r.curves.val_acc.size(), 2u);
  EXPECT_DOUBLE_EQ(r.metrics.at("params"), costs.at("params"));
  EXPECT_EQ(r.details["architecture"]["blocks"][0]["filters"], 8);
  EXPECT_GT(r.wall_seconds, 0);
}

TEST(TrainingEvaluator, InvalidOrDivergingCandidatesFailWithoutThrowing) {
  auto data = std::make_shared<DataSplits>(testing::TinySplits(50, 10));
  TrainingEvaluator ev(data, {});
  // 12 -> 6 -> 3 -> 1 -> the fourth pooling would need a 0x0 map.
  search::EvalResult r = ev.Evaluate({{"conv_blocks", std::int64_t{4}}}, 0);
  EXPECT_EQ(r.status, search::TrialStatus::kFailed);
  EXPECT_THAT(r.error, ::testing::HasSubstr("blocks[3].pool"));
  r = ev.Evaluate({{"typo", std::int64_t{1}}}, 0);
  EXPECT_EQ(r.status, search::TrialStatus::kFailed);
  EXPECT_THAT(r.error, ::testing::HasSubstr("unknown CNN template parameter 'typo'"));
  EXPECT_THROW(ev.EstimateCosts({{"typo", std::int64_t{1}}}), ConfigError);
  auto bad = std::make_shared<DataSplits>(testing::TinySplits(50, 10));
  bad->train.images.fill_(std::numeric_limits<float>::infinity());
  TrainingEvaluator diverging(bad, {});
  r = diverging.Evaluate({{"conv_blocks", std::int64_t{1}}, {"epochs", std::int64_t{1}}}, 0);
  EXPECT_EQ(r.status, search::TrialStatus::kFailed);
  EXPECT_THAT(r.error, ::testing::HasSubstr("diverged"));
}

}  // namespace
}  // namespace symnas::nn
