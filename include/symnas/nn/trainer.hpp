// The trainer: builds the libtorch module of an Arch and trains it on DataSplits on the CPU,
// recording per-epoch curves, wall time and final validation (and optional test) accuracy.
// Divergence (a NaN/inf loss) ends the run early and is reported in the TrainReport.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "symnas/nn/arch.hpp"
#include "symnas/nn/dataset.hpp"
#include "symnas/nn/model.hpp"

namespace symnas::nn {

/// libtorch intra-op threads used when none is given (measured: docs/nn.md, "Threads").
inline constexpr int kDefaultThreads = 1;

/// One epoch's figures. Accuracies in [0, 1].
struct EpochRecord {
  int epoch = 0;  ///< 1-based
  double train_loss = 0, train_acc = 0;
  double val_loss = 0, val_acc = 0;
  double learning_rate = 0;  ///< used during this epoch
  double seconds = 0;        ///< wall time of the epoch (training + validation)
};

/// Where an epoch stands, for progress within a long epoch (TrainOptions::on_progress).
struct BatchProgress {
  int epoch = 0, epochs = 0;                       ///< 1-based epoch of the planned maximum
  std::int64_t images_done = 0, images_total = 0;  ///< training images of this epoch
  double seconds = 0;  ///< since this epoch started (training steps so far)
};

/// Progress within an epoch is reported once an epoch has run this long, then at this interval:
/// short epochs stay silent, an epoch of minutes shows that it is moving and when it will end.
inline constexpr double kProgressEverySeconds = 30.0;

/// How to run one training.
struct TrainOptions {
  int threads = kDefaultThreads;  ///< libtorch intra-op threads (at::set_num_threads)
  std::uint64_t seed = 0;         ///< weights, dropout, shuffling, augmentation
  bool evaluate_test = false;     ///< also report test accuracy (needs DataSplits::test)
  std::function<void(const EpochRecord&)> on_epoch;  ///< called after every epoch (optional)
  /// Called after a training batch once `progress_every_s` have passed since the epoch started
  /// or since the last call (optional).
  std::function<void(const BatchProgress&)> on_progress;
  double progress_every_s = kProgressEverySeconds;
  /// Called before training with each of ArchWarnings(arch, training images) (optional); the
  /// warnings are also in TrainReport::warnings.
  std::function<void(const std::string&)> on_warning;
  /// Asked after every epoch but the last (optional): true stops the run, stop reason "pruned".
  std::function<bool(const std::vector<EpochRecord>& epochs_so_far)> should_stop;
  /// Called once at the end of a run that did not diverge, with the restored best weights and
  /// the run's seed (optional): how `train --save` and a study's keep_weights get the model.
  std::function<void(const Arch& arch, std::uint64_t seed, torch::nn::Sequential& best)> on_trained;
};

/// Outcome of one training.
struct TrainReport {
  std::vector<EpochRecord> epochs;
  bool diverged = false;
  std::string stop_reason;  ///< "max_epochs", "early_stopping", "pruned" or "diverged: ..."
  int best_epoch = 0;       ///< 1-based epoch with the lowest validation loss (weights restored)
  double val_accuracy = 0;  ///< of the restored best weights
  double val_loss = 0;
  std::optional<double> test_accuracy;
  double wall_seconds = 0;
  double train_images_per_second = 0;  ///< training steps only (no validation)
  std::int64_t params = 0;             ///< libtorch's count of the built module
  int threads = 0;
  std::vector<std::string> warnings;  ///< ArchWarnings of the trained network
};

/// Trains `arch` on `data`. Throws ArchError for an invalid arch, ConfigError if the test set
/// is requested but not loaded; a diverging run is a normal return with diverged = true.
TrainReport Train(const Arch& arch, const DataSplits& data, const TrainOptions& options);

/// Random shifts up to 10% of each side (zero fill) and, if `flips`, horizontal flips with
/// probability 1/2, per image. Deterministic for a given generator state.
torch::Tensor Augment(const torch::Tensor& batch, bool flips, std::mt19937_64& rng);

/// Mean cross-entropy loss and accuracy of `module` on `data` (eval mode, no grad).
std::pair<double, double> EvaluateModule(torch::nn::Sequential& module, const Dataset& data,
                                         int batch_size = 1000);

/// One line for a progress report: "epoch 1/10: 12800/55000 images (23%), 41 images/s, ~17 min
/// left in this epoch".
std::string FormatProgress(const BatchProgress& progress);

/// JSON of a report (curves, stop reason, accuracies, timing).
nlohmann::json TrainReportToJson(const TrainReport& report);

}  // namespace symnas::nn
