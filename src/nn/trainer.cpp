// Training loop: mini-batch SGD-family training with augmentation, reduce-LR-on-plateau, early
// stopping on the validation loss (best weights restored) and divergence detection.
#include "symnas/nn/trainer.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

#include "symnas/common/cpu.hpp"
#include "symnas/common/error.hpp"
#include "symnas/nn/cost.hpp"
#include "symnas/nn/model.hpp"

namespace symnas::nn {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Deep copy of parameters and buffers (to restore the best epoch's weights).
std::vector<torch::Tensor> Snapshot(torch::nn::Sequential& m) {
  std::vector<torch::Tensor> out;
  for (const auto& p : m->parameters()) out.push_back(p.detach().clone());
  for (const auto& b : m->buffers()) out.push_back(b.detach().clone());
  return out;
}

void Restore(torch::nn::Sequential& m, const std::vector<torch::Tensor>& snap) {
  torch::NoGradGuard no_grad;
  std::size_t i = 0;
  for (auto& p : m->parameters()) p.copy_(snap[i++]);
  for (auto& b : m->buffers()) b.copy_(snap[i++]);
}

/// A batch's cross-entropy above this ends training as diverged. Cross-entropy is about the
/// margin by which the largest wrong logit beats the true one; chance is ln(classes) (2.3 for
/// 10), a freshly initialised network of the space starts within a few units of it, and one
/// that is merely bad stays in the tens. 1000 needs logits a thousand apart: weights that
/// exploded (Adam at learning rate 10 reaches 7e16 within an epoch).
constexpr double kDivergedLoss = 1000.0;

struct EpochTrainResult {
  double loss = 0, acc = 0, step_seconds = 0;
  bool diverged = false;
  std::string reason;
};

EpochTrainResult TrainEpoch(torch::nn::Sequential& model, torch::optim::Optimizer& optimizer,
                            const Arch& arch, const DataSplits& data, int epoch,
                            const TrainOptions& options, std::mt19937_64& rng) {
  model->train();
  const Dataset& train = data.train;
  const std::int64_t n = train.Size();
  const auto perm = SeededPermutation(n, rng());
  const auto order = torch::tensor(perm, torch::kLong);
  EpochTrainResult r;
  double loss_sum = 0;
  std::int64_t correct = 0;
  const auto t0 = Clock::now();
  double next_progress_s = options.progress_every_s;
  for (std::int64_t start = 0; start < n; start += arch.train.batch_size) {
    const std::int64_t bs = std::min<std::int64_t>(arch.train.batch_size, n - start);
    auto idx = order.narrow(0, start, bs);
    auto x = ToModelLayout(train.images.index_select(0, idx));
    auto y = train.labels.index_select(0, idx);
    if (arch.train.augment) x = ToModelLayout(Augment(x, data.flips_meaningful, rng));
    optimizer.zero_grad();
    auto logits = model->forward(x);
    auto loss = torch::nn::functional::cross_entropy(logits, y);
    const double loss_value = loss.item<double>();
    if (!std::isfinite(loss_value)) {
      r.diverged = true;
      r.reason = fmt::format("diverged: non-finite training loss at epoch {}, batch {}", epoch,
                             start / arch.train.batch_size + 1);
      return r;
    }
    if (loss_value > kDivergedLoss) {
      r.diverged = true;
      r.reason = fmt::format(
          "diverged: training loss {:.3g} at epoch {}, batch {} is above {:g} (chance is "
          "ln({}) = {:.2f}; a loss this high means the weights exploded: lower the learning rate)",
          loss_value, epoch, start / arch.train.batch_size + 1, kDivergedLoss, arch.classes,
          std::log(static_cast<double>(arch.classes)));
      return r;
    }
    loss.backward();
    optimizer.step();
    loss_sum += loss_value * static_cast<double>(bs);
    correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
    if (options.on_progress) {
      const double seconds = SecondsSince(t0);
      if (seconds >= next_progress_s) {
        options.on_progress({epoch, arch.train.epochs, start + bs, n, seconds});
        next_progress_s = seconds + options.progress_every_s;
      }
    }
  }
  r.step_seconds = SecondsSince(t0);
  r.loss = loss_sum / static_cast<double>(n);
  r.acc = static_cast<double>(correct) / static_cast<double>(n);
  return r;
}

}  // namespace

torch::Tensor Augment(const torch::Tensor& batch, bool flips, std::mt19937_64& rng) {
  const std::int64_t h = batch.size(2), w = batch.size(3);
  const std::int64_t sh = static_cast<std::int64_t>(0.1 * static_cast<double>(h));
  const std::int64_t sw = static_cast<std::int64_t>(0.1 * static_cast<double>(w));
  auto padded = torch::constant_pad_nd(batch, {sw, sw, sh, sh}, 0.0);
  auto out = torch::empty_like(batch);
  std::uniform_int_distribution<std::int64_t> dy(0, 2 * sh), dx(0, 2 * sw);
  std::bernoulli_distribution flip(0.5);
  for (std::int64_t i = 0; i < batch.size(0); ++i) {
    auto crop = padded[i].narrow(1, dy(rng), h).narrow(2, dx(rng), w);
    if (flips && flip(rng)) crop = crop.flip({2});
    out[i].copy_(crop);
  }
  return out;
}

std::pair<double, double> EvaluateModule(torch::nn::Sequential& module, const Dataset& data,
                                         int batch_size) {
  c10::InferenceMode inference;  // no autograd bookkeeping at all (NoGradGuard still versions)
  module->eval();
  double loss_sum = 0;
  std::int64_t correct = 0;
  const std::int64_t n = data.Size();
  for (std::int64_t start = 0; start < n; start += batch_size) {
    const std::int64_t bs = std::min<std::int64_t>(batch_size, n - start);
    auto logits = module->forward(ToModelLayout(data.images.narrow(0, start, bs)));
    auto y = data.labels.narrow(0, start, bs);
    loss_sum +=
        torch::nn::functional::cross_entropy(
            logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
            .item<double>();
    correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
  }
  return {loss_sum / static_cast<double>(n), static_cast<double>(correct) / static_cast<double>(n)};
}

TrainReport Train(const Arch& arch, const DataSplits& data, const TrainOptions& options) {
  Validate(arch);
  if (options.evaluate_test && !data.test) {
    throw ConfigError("test accuracy requested but the test set was not loaded");
  }
  if (data.train.Size() == 0 || data.val.Size() == 0) {
    throw ConfigError("training and validation splits must not be empty");
  }
  const auto t0 = Clock::now();
  TrainReport report;
  report.threads = options.threads;
  torch::set_num_threads(options.threads);
  ConfigureCpuForTraining(options.threads);  // the BLAS too, and no page faults per step
  torch::manual_seed(options.seed);
  std::mt19937_64 rng(options.seed ^ 0x9e3779b97f4a7c15ULL);
  report.warnings = ArchWarnings(arch, data.train.Size());
  if (options.on_warning) {
    for (const std::string& w : report.warnings) options.on_warning(w);
  }
  auto model = BuildModule(arch);
  UseChannelsLast(*model);
  report.params = CountParameters(*model);
  auto optimizer = MakeOptimizer(arch.train, model->parameters());
  const TrainHyper& hyper = arch.train;
  double lr = hyper.learning_rate, best_loss = INFINITY, step_seconds = 0;
  int wait = 0, lr_wait = 0;
  std::vector<torch::Tensor> best = Snapshot(model);
  report.stop_reason = "max_epochs";
  for (int epoch = 1; epoch <= hyper.epochs; ++epoch) {
    const auto te = Clock::now();
    EpochRecord rec;
    rec.epoch = epoch;
    rec.learning_rate = lr;
    const EpochTrainResult tr = TrainEpoch(model, *optimizer, arch, data, epoch, options, rng);
    if (tr.diverged) {
      report.diverged = true;
      report.stop_reason = tr.reason;
      break;
    }
    step_seconds += tr.step_seconds;
    rec.train_loss = tr.loss;
    rec.train_acc = tr.acc;
    std::tie(rec.val_loss, rec.val_acc) = EvaluateModule(model, data.val);
    rec.seconds = SecondsSince(te);
    report.epochs.push_back(rec);
    if (options.on_epoch) options.on_epoch(rec);
    if (!std::isfinite(rec.val_loss)) {
      report.diverged = true;
      report.stop_reason = fmt::format("diverged: non-finite validation loss at epoch {}", epoch);
      break;
    }
    const bool stop =
        epoch < hyper.epochs && options.should_stop && options.should_stop(report.epochs);
    if (rec.val_loss < best_loss - 1e-4) {
      best_loss = rec.val_loss;
      report.best_epoch = epoch;
      best = Snapshot(model);
      wait = lr_wait = 0;
      if (stop) {
        report.stop_reason = "pruned";
        break;
      }
      continue;
    }
    if (stop) {
      report.stop_reason = "pruned";
      break;
    }
    ++wait;
    ++lr_wait;
    if (hyper.early_stopping_patience > 0 && wait >= hyper.early_stopping_patience) {
      report.stop_reason = "early_stopping";
      break;
    }
    if (hyper.reduce_lr_patience > 0 && lr_wait >= hyper.reduce_lr_patience) {
      lr = std::max(lr * hyper.reduce_lr_factor, hyper.min_learning_rate);
      SetLearningRate(*optimizer, lr);
      lr_wait = 0;
    }
  }
  if (report.best_epoch > 0) {
    Restore(model, best);
    const EpochRecord& b = report.epochs[static_cast<std::size_t>(report.best_epoch - 1)];
    report.val_loss = b.val_loss;
    report.val_accuracy = b.val_acc;
    if (options.evaluate_test) report.test_accuracy = EvaluateModule(model, *data.test).second;
    if (options.on_trained && !report.diverged) options.on_trained(arch, options.seed, model);
  }
  std::int64_t images = 0;
  for (std::size_t i = 0; i < report.epochs.size(); ++i) images += data.train.Size();
  report.train_images_per_second =
      step_seconds > 0 ? static_cast<double>(images) / step_seconds : 0;
  report.wall_seconds = SecondsSince(t0);
  return report;
}

std::string FormatProgress(const BatchProgress& p) {
  const double rate = p.seconds > 0 ? static_cast<double>(p.images_done) / p.seconds : 0;
  const double left_s = rate > 0 ? static_cast<double>(p.images_total - p.images_done) / rate : 0;
  const std::string left =
      left_s >= 90 ? fmt::format("~{:.0f} min", left_s / 60) : fmt::format("~{:.0f} s", left_s);
  return fmt::format("epoch {}/{}: {}/{} images ({:.0f}%), {:.1f} images/s, {} left in this epoch",
                     p.epoch, p.epochs, p.images_done, p.images_total,
                     100.0 * static_cast<double>(p.images_done) /
                         static_cast<double>(std::max<std::int64_t>(p.images_total, 1)),
                     rate, left);
}

nlohmann::json TrainReportToJson(const TrainReport& r) {
  nlohmann::json epochs = nlohmann::json::array();
  for (const EpochRecord& e : r.epochs) {
    epochs.push_back({{"epoch", e.epoch},
                      {"train_loss", e.train_loss},
                      {"train_acc", e.train_acc},
                      {"val_loss", e.val_loss},
                      {"val_acc", e.val_acc},
                      {"learning_rate", e.learning_rate},
                      {"seconds", e.seconds}});
  }
  nlohmann::json j = {{"epochs", epochs},
                      {"diverged", r.diverged},
                      {"stop_reason", r.stop_reason},
                      {"best_epoch", r.best_epoch},
                      {"val_accuracy", r.val_accuracy},
                      {"val_loss", r.val_loss},
                      {"wall_seconds", r.wall_seconds},
                      {"train_images_per_second", r.train_images_per_second},
                      {"params", r.params},
                      {"threads", r.threads}};
  if (r.test_accuracy) j["test_accuracy"] = *r.test_accuracy;
  if (!r.warnings.empty()) j["warnings"] = r.warnings;
  return j;
}

}  // namespace symnas::nn
