// `symnas hw ...`: hardware cost models. Subcommands: estimate, fit, validate-nb201, probe,
// lut-check (libtorch). Each parses its options and prints tables; errors are symnas::Error.
#include <fmt/core.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

#include "commands.hpp"
#include "symnas/common/error.hpp"
#include "symnas/common/options.hpp"
#include "symnas/hw/csv.hpp"
#include "symnas/hw/estimator.hpp"
#include "symnas/hw/features.hpp"
#include "symnas/hw/fewshot.hpp"
#include "symnas/hw/layer_json.hpp"
#include "symnas/hw/metrics.hpp"
#include "symnas/hw/nb201.hpp"
#include "symnas/hw/predictor.hpp"
#include "symnas/hw/probe.hpp"
#include "symnas/hw/random_cnn.hpp"
#include "symnas/hw/validation.hpp"
#ifdef SYMNAS_HW_HAVE_TORCH
#include "symnas/hw/torch_timer.hpp"
#endif

namespace symnas::cli {

namespace {
using namespace symnas::hw;

std::shared_ptr<NetworkTimer> HostTimer(int runs, bool cpu_clock = false) {
#ifdef SYMNAS_HW_HAVE_TORCH
  TimingOptions o;
  o.timed_runs = runs;
  o.thread_cpu_clock = cpu_clock;
  return MakeTorchTimer(o);
#else
  (void)runs;
  (void)cpu_clock;
  return nullptr;
#endif
}

// --- estimate ---------------------------------------------------------------------------------
struct EstimateArgs {
  std::string estimator = "roofline", device, arch, layers_file, dataset = "cifar10", model,
              lut_cache = hw::kDefaultLutCache;
  std::vector<std::string> budgets;
  bool int8 = false, cpu_clock = false;
  int runs = 30;
};

Budget ParseBudget(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) {
    throw ConfigError("budget '" + text + "' must read metric=limit, e.g. latency_ms=5");
  }
  Budget b{text.substr(0, eq), 0, "--budget"};
  try {
    b.limit = std::stod(text.substr(eq + 1));
  } catch (const std::exception&) {
    throw ConfigError("budget '" + text + "': limit is not a number");
  }
  ValidateBudget(b);
  return b;
}

int RunEstimate(const EstimateArgs& a) {
  if (a.arch.empty() == a.layers_file.empty()) {
    throw ConfigError("give exactly one of --arch (NAS-Bench-201 cell) or --layers (JSON file)");
  }
  const LayerList layers =
      a.arch.empty() ? LoadLayerList(a.layers_file)
                     : Nb201LayerList(ParseNb201Cell(a.arch), Nb201DatasetByName(a.dataset));
  EstimatorContext ctx;
  if (!a.device.empty()) ctx.profile = LoadProfileByName(a.device, DefaultDevicesDir());
  ctx.timer = HostTimer(a.runs, a.cpu_clock);
  ctx.lut_cache_path = a.lut_cache;
  ctx.predictor_model_path = a.model;
  CostEstimate e;
  std::string estimator_name = a.estimator;
  if (a.estimator == "predictor" && !a.arch.empty() &&
      LatencyPredictor::Load(a.model).feature_set() == "arch+nb201_edges") {
    // A cell-aware model needs the cell, not only its LayerList: predict outside the registry.
    e.latency_ms =
        LatencyPredictor::Load(a.model).Predict({Nb201Features(ParseNb201Cell(a.arch))})[0];
    e.analytical = true;
    estimator_name = "predictor (nb201 cell features)";
  } else {
    const auto estimator = MakeEstimator(a.estimator, ctx);
    e = estimator->Estimate(layers);
    estimator_name = estimator->Name();
  }
  const NetworkMetrics m = ComputeMetrics(layers, a.int8 ? Precision::kInt8 : Precision::kFp32);
  fmt::print(
      "layers            {}\nflops             {:.0f}\nmacs              {:.0f}\n"
      "params            {}\npeak_memory_bytes {} ({})\nmodel_size_bytes  {} ({})\n",
      layers.size(), m.flops, m.macs, m.params, m.peak_memory_bytes, a.int8 ? "int8" : "fp32",
      m.model_size_bytes, a.int8 ? "int8" : "fp32");
  const bool host_timed = a.estimator == "measured" || a.estimator == "lut";
  const std::string how = e.analytical ? ", an estimate"
                          : a.estimator == "measured"
                              ? fmt::format(", this host, spread {:.2f}", e.latency_spread)
                              : ", this host";
  fmt::print("latency_ms        {:.4f}  [{}{}]\n", e.latency_ms, estimator_name, how);
  if (host_timed && ctx.profile && ctx.profile->name != "host") {
    fmt::print(
        "note              latency is this host's; energy and device budgets use "
        "profile '{}'\n",
        ctx.profile->name);
  }
  if (e.energy_mj) fmt::print("energy_mj         {:.4f}  [estimate]\n", *e.energy_mj);
  std::vector<Budget> budgets;
  for (const auto& text : a.budgets) budgets.push_back(ParseBudget(text));
  if (ctx.profile) {
    for (const auto& b : DeviceBudgets(*ctx.profile)) budgets.push_back(b);
  }
  const auto violations = CheckBudgets(budgets, ToMetricValues(m, e.latency_ms, e.energy_mj));
  for (const auto& v : violations) fmt::print("EXCEEDED          {}\n", Describe(v));
  if (!budgets.empty() && violations.empty()) fmt::print("all {} budgets met\n", budgets.size());
  return violations.empty() ? 0 : 1;
}

// --- fit --------------------------------------------------------------------------------------
struct FitArgs {
  std::string device, measurements, out, dataset = "cifar10", features = "auto";
  double holdout = 0.2;
  unsigned seed = 0;
};

// Rows of a measurement CSV: `arch` (NAS-Bench-201 cell) or `layers_json` (path relative to the
// CSV), and `latency_ms` or `lat_ms_<device>`.
// Returns the feature set used: "arch+nb201_edges" for `arch` rows unless --features arch.
std::string ReadMeasurements(const FitArgs& a, FeatureRows& rows, std::vector<double>& latency) {
  const CsvTable t = ReadCsv(a.measurements);
  int lat = t.FindColumn("latency_ms");
  if (lat < 0) lat = t.Column("lat_ms_" + a.device);
  const int arch = t.FindColumn("arch"), json = t.FindColumn("layers_json");
  if (arch < 0 && json < 0) {
    throw DatasetError("measurements need an 'arch' or a 'layers_json' column", {t.path, 1});
  }
  if (a.features != "auto" && a.features != "arch" && a.features != "nb201") {
    throw UnknownNameError(UnknownNameMessage("feature set", a.features, "auto, arch, nb201"));
  }
  const bool nb201 = arch >= 0 && a.features != "arch";
  if (a.features == "nb201" && arch < 0) {
    throw ConfigError("--features nb201 needs an 'arch' column of NAS-Bench-201 cells");
  }
  const auto dir = std::filesystem::path(a.measurements).parent_path();
  const Nb201Dataset ds = Nb201DatasetByName(a.dataset);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (nb201) {
      rows.push_back(Nb201Features(ParseNb201Cell(t.rows[r][static_cast<size_t>(arch)])));
    } else {
      const LayerList layers =
          arch >= 0 ? Nb201LayerList(ParseNb201Cell(t.rows[r][static_cast<size_t>(arch)]), ds)
                    : LoadLayerList((dir / t.rows[r][static_cast<size_t>(json)]).string());
      rows.push_back(ArchFeatures(layers));
    }
    latency.push_back(t.Number(r, lat));
  }
  return nb201 ? "arch+nb201_edges" : "arch";
}

int RunFit(const FitArgs& a) {
  FeatureRows rows;
  std::vector<double> latency;
  const std::string feature_set = ReadMeasurements(a, rows, latency);
  if (rows.size() < 10) throw DatasetError("need at least 10 measurements to fit and check");
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 rng(a.seed);
  std::shuffle(order.begin(), order.end(), rng);
  const size_t n_test = std::max<size_t>(2, static_cast<size_t>(a.holdout * rows.size()));
  FeatureRows train_x, test_x;
  std::vector<double> train_y, test_y;
  for (size_t i = 0; i < order.size(); ++i) {
    (i < n_test ? test_x : train_x).push_back(rows[order[i]]);
    (i < n_test ? test_y : train_y).push_back(latency[order[i]]);
  }
  LatencyPredictor check;
  check.Train(train_x, train_y, feature_set);
  const auto predicted = check.Predict(test_x);
  fmt::print("device {}: {} measurements, held out {} (seed {}), features {}\n", a.device,
             rows.size(), n_test, a.seed, feature_set);
  fmt::print("held-out Kendall tau {:.4f}, MAPE {:.2f}%\n", KendallTau(test_y, predicted),
             MapePercent(test_y, predicted));
  if (!a.out.empty()) {
    LatencyPredictor full;
    full.Train(rows, latency, feature_set);
    full.Save(a.out);
    fmt::print("model trained on all {} rows saved to {}\n", rows.size(), a.out);
  }
  return 0;
}

// --- lut-check --------------------------------------------------------------------------------
int RunLutCheck(int networks, unsigned seed, int runs, const std::string& cache, bool cpu_clock) {
  EstimatorContext ctx;
  ctx.timer = HostTimer(runs, cpu_clock);
  ctx.lut_cache_path = cache;
  const auto measured = MakeEstimator("measured", ctx);
  const auto lut = MakeEstimator("lut", ctx);
  std::vector<double> m_ms, l_ms;
  fmt::print("{:>4} {:>7} {:>12} {:>10} {:>8} {:>8}\n", "net", "layers", "measured_ms", "lut_ms",
             "err_%", "spread");
  for (int i = 0; i < networks; ++i) {
    const LayerList layers = RandomSequentialCnn(seed + static_cast<unsigned>(i));
    const CostEstimate m = measured->Estimate(layers), l = lut->Estimate(layers);
    m_ms.push_back(m.latency_ms);
    l_ms.push_back(l.latency_ms);
    fmt::print("{:>4} {:>7} {:>12.4f} {:>10.4f} {:>8.1f} {:>8.2f}\n", i, layers.size(),
               m.latency_ms, l.latency_ms, 100 * (l.latency_ms / m.latency_ms - 1),
               m.latency_spread);
  }
  fmt::print("lut vs measured over {} networks: MAPE {:.1f}%, Kendall tau {:.3f}\n", networks,
             MapePercent(m_ms, l_ms), KendallTau(m_ms, l_ms));
  fmt::print("(host timings are disturbed by other processes; see the spread column)\n");
  return 0;
}

void AddEstimate(CLI::App& hw, CommandRun& run) {
  auto a = std::make_shared<EstimateArgs>();
  auto* s = hw.add_subcommand("estimate", "Metrics, latency/energy estimate and budget check");
  s->add_option("--estimator", a->estimator, "one of: " + EstimatorNames())->capture_default_str();
  s->add_option("--device", a->device, "device profile name (devices/<name>.yaml)");
  s->add_option("--arch", a->arch, "NAS-Bench-201 cell string");
  s->add_option("--dataset", a->dataset, "NAS-Bench-201 dataset")->capture_default_str();
  s->add_option("--layers", a->layers_file, "LayerList JSON file");
  s->add_option("--model", a->model, "predictor model file (from `symnas hw fit --out`)");
  s->add_option("--lut-cache", a->lut_cache, "SQLite file of the lut estimator")
      ->capture_default_str();
  s->add_option("--budget", a->budgets,
                "metric=limit (flops, params, peak_memory_bytes, "
                "model_size_bytes, latency_ms, energy_mj); repeatable");
  s->add_flag("--int8", a->int8, "int8 weights and activations for the memory metrics");
  s->add_option("--runs", a->runs, "timed runs (measured, lut)")->capture_default_str();
  s->add_flag("--cpu-clock", a->cpu_clock, "time with the thread CPU clock (loaded machines)");
  s->footer("\nestimators (--estimator) and what each takes:\n" + FormatTable(Estimators()));
  s->callback([a, &run] { run = [a] { return RunEstimate(*a); }; });
}

void AddFit(CLI::App& hw, CommandRun& run) {
  auto a = std::make_shared<FitArgs>();
  auto* s = hw.add_subcommand("fit", "Train the latency predictor on a measurements CSV");
  s->add_option("--device", a->device, "device name (column lat_ms_<device> if no latency_ms)")
      ->required();
  s->add_option("--measurements", a->measurements, "CSV: arch|layers_json, latency_ms")->required();
  s->add_option("--out", a->out, "where to save the model trained on all rows");
  s->add_option("--dataset", a->dataset, "NAS-Bench-201 dataset of `arch` rows")
      ->capture_default_str();
  s->add_option("--features", a->features,
                "auto (nb201 for arch rows), arch (LayerList only: usable by the `predictor` "
                "estimator on any network), nb201 (cell-aware, for NAS-Bench-201 cells)")
      ->capture_default_str();
  s->add_option("--holdout", a->holdout, "fraction held out for the quality report")
      ->capture_default_str();
  s->add_option("--seed", a->seed, "split seed")->capture_default_str();
  s->callback([a, &run] { run = [a] { return RunFit(*a); }; });
}

void AddValidate(CLI::App& hw, CommandRun& run) {
  auto o = std::make_shared<Nb201ValidationOptions>();
  auto data = std::make_shared<std::string>("../shared/data");
  auto* s = hw.add_subcommand("validate-nb201",
                              "Estimator quality on NAS-Bench-201 latencies of 5 real devices");
  s->add_option("--data", *data, "folder with nasbench201_hw.csv")->capture_default_str();
  s->add_option("--train-size", o->train_size, "cells used to train")->capture_default_str();
  s->add_option("--seed", o->seed, "sample seed")->capture_default_str();
  s->add_option("--max-test", o->max_test, "cap on evaluated cells (0 = all)")
      ->capture_default_str();
  s->add_option("--rounds", o->predictor.rounds, "boosting rounds")->capture_default_str();
  s->add_option("--depth", o->predictor.max_depth, "tree depth")->capture_default_str();
  s->add_option("--eta", o->predictor.eta, "learning rate")->capture_default_str();
  s->add_option("--objective", o->predictor.objective,
                "XGBoost objective: reg:squarederror or rank:pairwise")
      ->capture_default_str();
  s->add_option("--device", o->devices, "only these CSV device columns (repeatable)");
  s->add_option("--predictions", o->predictions_csv,
                "write the predictor's test predictions (device,index,actual_ms,predicted_ms)");
  s->callback([o, data, &run] {
    run = [o, data] {
      o->hw_csv = *data + "/nasbench201_hw.csv";
      o->devices_dir = DefaultDevicesDir();
      fmt::print("{}", FormatQualityTable(ValidateNb201(*o)));
      return 0;
    };
  });
}

// --- fewshot ----------------------------------------------------------------------------------
struct FewShotArgs {
  std::string data, device = "all", shots = "10,20,50", out;
  int draws = 5;
  std::uint64_t seed = 0;
  bool baseline = false;
};

std::vector<int> ParseShotList(const std::string& text) {
  std::vector<int> ks;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      size_t used = 0;
      const int k = std::stoi(item, &used);
      if (used != item.size() || k < 3) throw std::invalid_argument(item);
      ks.push_back(k);
    } catch (const std::exception&) {
      throw ConfigError("--shots '" + text + "': expected a comma-separated list of counts >= 3");
    }
  }
  if (ks.empty()) throw ConfigError("--shots needs at least one count");
  return ks;
}

int RunFewShot(const FewShotArgs& a) {
  const DeviceLatencyTable table = DeviceLatencyTable::Load(a.data);
  if (table.devices.size() < 2) {
    fmt::print(stderr, "note: {} has one device column: no reference devices, additive fits only\n",
               a.data);
  }
  FewShotEvalOptions o;
  if (a.device != "all") o.devices = {a.device};
  o.shots = ParseShotList(a.shots);
  o.draws = a.draws;
  o.seed = a.seed;
  o.xgboost_baseline = a.baseline;
  const std::string md = FewShotMarkdown(EvaluateFewShot(table, o));
  const std::string head = fmt::format(
      "Few-shot latency of a new device ({}: {} cells, devices {}): each target device is fitted "
      "from K measured cells and the other devices' latencies, and scored on all its other cells; "
      "{} draws of the K cells (seed {} + 1000 * draw + K).\n\n",
      a.data, table.cells.size(), fmt::join(table.devices, ", "), a.draws, a.seed);
  fmt::print("{}{}", head, md);
  if (!a.out.empty()) {
    std::ofstream out(a.out);
    if (!out) throw ConfigError("cannot write '" + a.out + "'");
    out << head << md;
  }
  return 0;
}

void AddFewShot(CLI::App& hw, CommandRun& run) {
  auto a = std::make_shared<FewShotArgs>();
  auto* s = hw.add_subcommand(
      "fewshot",
      "Few-shot latency predictor for a new device: K measured cells + the other devices' "
      "latencies, leave-one-device-out");
  s->add_option("--data", a->data, "CSV with an arch column and lat_ms_<device> columns")
      ->required();
  s->add_option("--device", a->device, "target device (a lat_ms_ suffix) or 'all'")
      ->capture_default_str();
  s->add_option("--shots", a->shots, "comma-separated K values")->capture_default_str();
  s->add_option("--draws", a->draws, "samples of the K cells per device and K")
      ->capture_default_str();
  s->add_option("--seed", a->seed, "first sample seed")->capture_default_str();
  s->add_flag("--baseline", a->baseline, "also XGBoost on the K shots alone (arch features)");
  s->add_option("--out", a->out, "also write the markdown here");
  s->callback([a, &run] { run = [a] { return RunFewShot(*a); }; });
}

void AddProbe(CLI::App& hw, CommandRun& run) {
  auto out = std::make_shared<std::string>();
  auto* s = hw.add_subcommand("probe", "Measure this host and print (or write) its profile");
  s->add_option("--out", *out, "write the profile YAML here (e.g. devices/host.yaml)");
  s->callback([out, &run] {
    run = [out] {
      HostProbe p = ProbeHost();
#ifdef SYMNAS_HW_HAVE_TORCH
      LayerSpec tiny;
      tiny.op = LayerOp::kActivation;
      tiny.in_channels = tiny.out_channels = 1;
      p.layer_overhead_us = HostTimer(200)->TimeLayer(tiny).median_ms * 1e3;
#endif
      const std::string yaml = HostProfileYaml(p);
      if (out->empty()) {
        fmt::print("{}", yaml);
      } else {
        std::ofstream(*out) << yaml;
        fmt::print("wrote {}\n", *out);
      }
      return 0;
    };
  });
}
}  // namespace

void AddHwCommand(CLI::App& sub, CommandRun& run) {
  sub.require_subcommand(1);
  AddEstimate(sub, run);
  AddFit(sub, run);
  AddValidate(sub, run);
  AddFewShot(sub, run);
  AddProbe(sub, run);
  auto networks = std::make_shared<int>(12);
  auto seed = std::make_shared<unsigned>(0);
  auto runs = std::make_shared<int>(30);
  auto cache = std::make_shared<std::string>(hw::kDefaultLutCache);
  auto cpu_clock = std::make_shared<bool>(false);
  auto* s = sub.add_subcommand("lut-check", "Compare lut with measured on random CNNs (libtorch)");
  s->add_option("--networks", *networks, "how many random CNNs")->capture_default_str();
  s->add_option("--seed", *seed, "first seed")->capture_default_str();
  s->add_option("--runs", *runs, "timed runs per measurement")->capture_default_str();
  s->add_option("--lut-cache", *cache, "SQLite file of the table")->capture_default_str();
  s->add_flag("--cpu-clock", *cpu_clock, "time with the thread CPU clock (loaded machines)");
  s->callback([=, &run] {
    run = [=] { return RunLutCheck(*networks, *seed, *runs, *cache, *cpu_clock); };
  });
}

}  // namespace symnas::cli
