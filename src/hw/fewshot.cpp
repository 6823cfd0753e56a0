// Few-shot latency of a new device: candidate fits (reference-device maps, additive per-op cost
// tables) -> leave-one-out choice on the shots -> predictions for every cell; and the
// leave-one-device-out evaluation behind `symnas hw fewshot`.
#include "symnas/hw/fewshot.hpp"

#include <fmt/core.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "symnas/common/error.hpp"
#include "symnas/hw/csv.hpp"
#include "symnas/hw/predictor.hpp"
#include "symnas/hw/validation.hpp"

namespace symnas::hw {

DeviceLatencyTable DeviceLatencyTable::Load(const std::string& csv_path) {
  const CsvTable csv = ReadCsv(csv_path);
  DeviceLatencyTable t;
  t.path = csv_path;
  const int arch = csv.FindColumn("arch");
  if (arch < 0) {
    throw DatasetError("latency table needs an 'arch' column of NAS-Bench-201 cells",
                       {csv_path, 1, 0});
  }
  std::vector<int> columns;
  for (const LatencyColumn& column : LatencyColumns(csv)) {
    if (column.device.empty()) continue;
    columns.push_back(column.column);
    t.devices.push_back(column.device);
  }
  if (columns.empty()) {
    throw DatasetError("latency table has no 'lat_ms_<device>' column", {csv_path, 1, 0});
  }
  t.latency_ms.assign(columns.size(), {});
  for (size_t r = 0; r < csv.rows.size(); ++r) {
    try {
      t.cells.push_back(ParseNb201Cell(csv.rows[r][static_cast<size_t>(arch)]));
    } catch (const ArchError& e) {
      throw DatasetError(e.message(), {csv_path, csv.lines[r], 0});
    }
    for (size_t d = 0; d < columns.size(); ++d) {
      const double v = csv.Number(r, columns[d]);
      if (!(v > 0) || !std::isfinite(v)) {
        throw DatasetError(
            fmt::format("lat_ms_{} is {}, latencies must be positive", t.devices[d], v),
            {csv_path, csv.lines[r], 0});
      }
      t.latency_ms[d].push_back(v);
    }
  }
  return t;
}

int DeviceLatencyTable::DeviceIndex(const std::string& device) const {
  std::string names;
  for (size_t d = 0; d < devices.size(); ++d) {
    if (devices[d] == device) return static_cast<int>(d);
    names += (d ? ", " : "") + devices[d];
  }
  throw UnknownNameError(UnknownNameMessage("device column", device, names));
}

namespace {

constexpr double kRidge = 1e-3;  // on the non-intercept weights (keeps collinear fits solvable)
// Candidates whose leave-one-out error is at most this multiple of the best one's are averaged.
constexpr double kLooTolerance = 1.5;

// Counts of skip, conv1x1, conv3x3, avg_pool in a cell (`none` is implied by the other four).
std::vector<double> OpCounts(const Nb201Cell& cell) {
  std::vector<double> n(4, 0.0);
  for (Nb201Op op : cell.ops) {
    if (op != Nb201Op::kNone) n[static_cast<int>(op) - 1] += 1;
  }
  return n;
}

// One candidate fit: features of a cell and whether the target is fitted in log space.
struct Candidate {
  std::string name;
  bool log_space = true;
  std::function<std::vector<double>(std::size_t)> features;
};

// A fitted linear model: prediction of log latency for a cell.
struct LinearFit {
  Eigen::VectorXd w;
  double floor_ms = 0;  // linear-space fits: predictions clipped below at this

  double LogPredict(const Candidate& c, std::size_t cell) const {
    const std::vector<double> f = c.features(cell);
    double v = w[0];
    for (size_t i = 0; i < f.size(); ++i) v += w[static_cast<Eigen::Index>(i) + 1] * f[i];
    return c.log_space ? v : std::log(std::max(v, floor_ms));
  }
};

LinearFit FitCandidate(const Candidate& c, const std::vector<LatencyShot>& shots,
                       std::size_t skip = static_cast<std::size_t>(-1)) {
  const size_t p = c.features(shots.front().cell).size() + 1;
  Eigen::MatrixXd a =
      Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
  Eigen::VectorXd b = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(p));
  double min_ms = std::numeric_limits<double>::infinity();
  for (size_t s = 0; s < shots.size(); ++s) {
    if (s == skip) continue;
    std::vector<double> f = c.features(shots[s].cell);
    f.insert(f.begin(), 1.0);
    const Eigen::Map<const Eigen::VectorXd> x(f.data(), static_cast<Eigen::Index>(p));
    const double y = c.log_space ? std::log(shots[s].latency_ms) : shots[s].latency_ms;
    a += x * x.transpose();
    b += y * x;
    min_ms = std::min(min_ms, shots[s].latency_ms);
  }
  for (Eigen::Index i = 1; i < a.rows(); ++i) a(i, i) += kRidge;
  LinearFit fit;
  fit.w = a.ldlt().solve(b);
  fit.floor_ms = 0.5 * min_ms;
  return fit;
}

// Mean squared log error of leave-one-out predictions of the shots.
double LooError(const Candidate& c, const std::vector<LatencyShot>& shots) {
  double err = 0;
  for (size_t s = 0; s < shots.size(); ++s) {
    const double e =
        FitCandidate(c, shots, s).LogPredict(c, shots[s].cell) - std::log(shots[s].latency_ms);
    err += e * e;
  }
  return err / static_cast<double>(shots.size());
}

double Pearson(const std::vector<double>& a, const std::vector<double>& b) {
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n;
  const double mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 0.0;
}

std::vector<double> Ranks(const std::vector<double>& v) {
  std::vector<size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return v[i] < v[j]; });
  std::vector<double> r(v.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    for (size_t k = i; k <= j; ++k) r[order[k]] = 0.5 * static_cast<double>(i + j);
    i = j + 1;
  }
  return r;
}

}  // namespace

double SpearmanRho(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 2) {
    throw ConfigError("Spearman rho needs two series of equal length >= 2");
  }
  return Pearson(Ranks(a), Ranks(b));
}

FewShotFit FitFewShot(const std::vector<Nb201Cell>& cells,
                      const std::vector<std::string>& reference_names,
                      const std::vector<std::vector<double>>& references,
                      const std::vector<LatencyShot>& shots) {
  if (shots.size() < 3) {
    throw ConfigError(
        fmt::format("few-shot fit needs at least 3 measured cells, got {}", shots.size()));
  }
  if (reference_names.size() != references.size()) {
    throw ConfigError("few-shot fit: one name per reference device");
  }
  for (const auto& r : references) {
    if (r.size() != cells.size()) throw ConfigError("few-shot fit: reference of the wrong length");
  }
  std::set<std::size_t> seen;
  for (const LatencyShot& s : shots) {
    if (s.cell >= cells.size() || !(s.latency_ms > 0) || !std::isfinite(s.latency_ms)) {
      throw ConfigError(
          fmt::format("few-shot fit: shot of cell {} ({} ms) is outside the table or not positive",
                      s.cell, s.latency_ms));
    }
    if (!seen.insert(s.cell).second) {
      throw ConfigError(fmt::format("few-shot fit: cell {} is measured twice", s.cell));
    }
  }
  // Per-cell structure, computed once.
  std::vector<std::vector<double>> raw, pruned;
  std::vector<bool> connected;
  for (const Nb201Cell& cell : cells) {
    raw.push_back(OpCounts(cell));
    const Nb201Pruned p = PruneNb201Cell(cell, Nb201Prune::kOutputOnly);
    pruned.push_back(OpCounts(p.cell));
    connected.push_back(p.connected);
  }
  std::vector<std::vector<double>> log_ref(references.size());
  for (size_t d = 0; d < references.size(); ++d) {
    for (double v : references[d]) {
      if (!(v > 0)) throw ConfigError("few-shot fit: reference latencies must be positive");
      log_ref[d].push_back(std::log(v));
    }
  }
  std::vector<Candidate> candidates;
  for (size_t d = 0; d < references.size(); ++d) {
    candidates.push_back({"ref " + reference_names[d], true, [&log_ref, d](std::size_t c) {
                            return std::vector<double>{log_ref[d][c]};
                          }});
  }
  candidates.push_back({"additive raw", false, [&raw](std::size_t c) { return raw[c]; }});
  candidates.push_back({"additive pruned", false, [&pruned](std::size_t c) { return pruned[c]; }});

  std::vector<LatencyShot> connected_shots;
  for (const LatencyShot& s : shots) {
    if (connected[s.cell]) connected_shots.push_back(s);
  }
  // The reference most correlated with the target over all shots (log latencies).
  int best_ref = -1;
  double best_corr = -2;
  std::vector<double> log_shots;
  for (const LatencyShot& s : shots) log_shots.push_back(std::log(s.latency_ms));
  for (size_t d = 0; d < references.size(); ++d) {
    std::vector<double> x;
    for (const LatencyShot& s : shots) x.push_back(log_ref[d][s.cell]);
    const double corr = Pearson(x, log_shots);
    if (corr > best_corr) best_corr = corr, best_ref = static_cast<int>(d);
  }
  // Leave-one-out errors on the connected shots; a candidate needs two shots more than it has
  // parameters. Every candidate within kLooTolerance of the best is kept and their log
  // predictions averaged (more robust with 10 shots than the single best).
  std::vector<std::pair<double, const Candidate*>> scored;
  for (const Candidate& c : candidates) {
    const size_t params = c.features(0).size() + 1;
    if (connected_shots.size() < params + 2) continue;
    scored.emplace_back(LooError(c, connected_shots), &c);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  const std::vector<LatencyShot>* fit_shots = &connected_shots;
  std::vector<const Candidate*> kept;
  for (const auto& [err, c] : scored) {
    if (err <= kLooTolerance * scored.front().first) kept.push_back(c);
  }
  if (kept.empty()) {
    // Too few connected shots for a choice: the best reference on all shots (without
    // references: the geometric mean of the shots).
    if (best_ref < 0) {
      FewShotFit fit;
      double mean_log = 0;
      for (double v : log_shots) mean_log += v / static_cast<double>(log_shots.size());
      fit.connected_model = fit.disconnected_model = "constant";
      fit.predicted_ms.assign(cells.size(), std::exp(mean_log));
      return fit;
    }
    kept.push_back(&candidates[static_cast<size_t>(best_ref)]);
    fit_shots = &shots;
  }
  std::vector<LinearFit> fits;
  FewShotFit fit;
  for (const Candidate* c : kept) {
    fits.push_back(FitCandidate(*c, *fit_shots));
    fit.connected_model += (fit.connected_model.empty() ? "" : " + ") + c->name;
  }
  const Candidate* other = best_ref >= 0 ? &candidates[static_cast<size_t>(best_ref)] : kept[0];
  const LinearFit disconnected = best_ref >= 0 ? FitCandidate(*other, shots) : fits[0];
  fit.disconnected_model = other->name;
  fit.predicted_ms.reserve(cells.size());
  for (size_t c = 0; c < cells.size(); ++c) {
    if (!connected[c]) {
      fit.predicted_ms.push_back(std::exp(disconnected.LogPredict(*other, c)));
      continue;
    }
    double log_ms = 0;
    for (size_t m = 0; m < kept.size(); ++m) log_ms += fits[m].LogPredict(*kept[m], c);
    fit.predicted_ms.push_back(std::exp(log_ms / static_cast<double>(kept.size())));
  }
  return fit;
}

FewShotFit FitFewShot(const DeviceLatencyTable& table, int target,
                      const std::vector<LatencyShot>& shots) {
  std::vector<std::string> names;
  std::vector<std::vector<double>> refs;
  for (size_t d = 0; d < table.devices.size(); ++d) {
    if (static_cast<int>(d) == target) continue;
    names.push_back(table.devices[d]);
    refs.push_back(table.latency_ms[d]);
  }
  return FitFewShot(table.cells, names, refs, shots);
}

std::vector<LatencyShot> SampleShots(const DeviceLatencyTable& table, int target, int k,
                                     std::uint64_t seed) {
  const size_t n = table.cells.size();
  if (k < 1 || static_cast<size_t>(k) + 2 > n) {
    throw ConfigError(fmt::format("{} shots do not fit a table of {} cells", k, n));
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  // Partial Fisher-Yates: the first k positions are a uniform sample without replacement.
  for (size_t i = 0; i < static_cast<size_t>(k); ++i) {
    std::uniform_int_distribution<size_t> pick(i, n - 1);
    std::swap(order[i], order[pick(rng)]);
  }
  std::vector<LatencyShot> shots;
  for (int i = 0; i < k; ++i) {
    shots.push_back({order[static_cast<size_t>(i)],
                     table.latency_ms[static_cast<size_t>(target)][order[static_cast<size_t>(i)]]});
  }
  return shots;
}

namespace {

FewShotDraw Score(const DeviceLatencyTable& table, int target,
                  const std::vector<LatencyShot>& shots, const std::vector<double>& predicted) {
  std::set<size_t> shot_cells;
  for (const auto& s : shots) shot_cells.insert(s.cell);
  std::vector<double> actual, pred, actual_c, pred_c;
  for (size_t c = 0; c < table.cells.size(); ++c) {
    if (shot_cells.count(c)) continue;
    actual.push_back(table.latency_ms[static_cast<size_t>(target)][c]);
    pred.push_back(predicted[c]);
    if (PruneNb201Cell(table.cells[c], Nb201Prune::kOutputOnly).connected) {
      actual_c.push_back(actual.back());
      pred_c.push_back(pred.back());
    }
  }
  FewShotDraw d;
  d.spearman = SpearmanRho(actual, pred);
  d.kendall = KendallTau(actual, pred);
  d.mape = MapePercent(actual, pred);
  d.mape_connected = actual_c.empty() ? 0 : MapePercent(actual_c, pred_c);
  return d;
}

// Two-sided 95 % Student t quantile for n - 1 degrees of freedom.
double TQuantile(int n) {
  static const double kT[] = {0,     12.706, 4.303, 3.182, 2.776, 2.571, 2.447,
                              2.365, 2.306,  2.262, 2.228, 2.201, 2.179, 2.160,
                              2.145, 2.131,  2.120, 2.110, 2.101, 2.093, 2.086};
  const int df = n - 1;
  return df < 1 ? 0 : df <= 20 ? kT[df] : 1.96;
}

struct MeanCi {
  double mean = 0, half = 0;
};
MeanCi Stats(const std::vector<double>& v) {
  MeanCi m;
  m.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  if (v.size() < 2) return m;
  double ss = 0;
  for (double x : v) ss += (x - m.mean) * (x - m.mean);
  const double sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  m.half = TQuantile(static_cast<int>(v.size())) * sd / std::sqrt(static_cast<double>(v.size()));
  return m;
}

}  // namespace

std::vector<FewShotDraw> EvaluateFewShot(const DeviceLatencyTable& table,
                                         const FewShotEvalOptions& options) {
  std::vector<int> targets;
  if (options.devices.empty()) {
    for (size_t d = 0; d < table.devices.size(); ++d) targets.push_back(static_cast<int>(d));
  } else {
    for (const auto& name : options.devices) targets.push_back(table.DeviceIndex(name));
  }
  if (options.draws < 1) throw ConfigError("few-shot evaluation needs at least one draw");
  FeatureRows features;
  if (options.xgboost_baseline) {
    for (const Nb201Cell& cell : table.cells) features.push_back(Nb201Features(cell));
  }
  std::vector<FewShotDraw> out;
  for (int target : targets) {
    for (int k : options.shots) {
      for (int r = 0; r < options.draws; ++r) {
        const auto shots = SampleShots(
            table, target, k,
            options.seed + 1000 * static_cast<std::uint64_t>(r) + static_cast<std::uint64_t>(k));
        const FewShotFit fit = FitFewShot(table, target, shots);
        FewShotDraw d = Score(table, target, shots, fit.predicted_ms);
        d.device = table.devices[static_cast<size_t>(target)];
        d.method = "fewshot";
        d.k = k;
        d.draw = r;
        d.model = fit.connected_model + " / " + fit.disconnected_model;
        out.push_back(d);
        if (options.xgboost_baseline) {
          FeatureRows x;
          std::vector<double> y;
          for (const auto& s : shots) x.push_back(features[s.cell]), y.push_back(s.latency_ms);
          PredictorOptions po;
          po.rounds = 300;
          po.eta = 0.1;
          po.subsample = 1.0;
          LatencyPredictor p;
          p.Train(x, y, "arch+nb201_edges", po);
          FewShotDraw b = Score(table, target, shots, p.Predict(features));
          b.device = d.device;
          b.method = "xgboost (K shots)";
          b.k = k;
          b.draw = r;
          b.model = "-";
          out.push_back(b);
        }
      }
    }
  }
  return out;
}

std::string FewShotMarkdown(const std::vector<FewShotDraw>& draws) {
  // Group by (method, device, K) in first-seen order.
  std::vector<std::tuple<std::string, std::string, int>> keys;
  std::map<std::tuple<std::string, std::string, int>, std::vector<const FewShotDraw*>> groups;
  for (const auto& d : draws) {
    auto key = std::make_tuple(d.method, d.device, d.k);
    if (!groups.count(key)) keys.push_back(key);
    groups[key].push_back(&d);
  }
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
    if (std::get<0>(a) != std::get<0>(b)) return std::get<0>(a) < std::get<0>(b);
    return std::get<2>(a) < std::get<2>(b);
  });
  std::string md =
      "| method | device | K | draws | Spearman rho | Kendall tau | MAPE % | MAPE conn. % | "
      "models chosen (connected / disconnected cells) |\n"
      "|---|---|---:|---:|---|---|---|---|---|\n";
  // (method, K) -> per-device means
  std::map<std::pair<std::string, int>, std::vector<std::array<double, 4>>> per_k;
  std::vector<std::pair<std::string, int>> k_order;
  for (const auto& key : keys) {
    const auto& g = groups[key];
    std::vector<double> rho, tau, mape, mapec;
    std::map<std::string, int> models;
    for (const auto* d : g) {
      rho.push_back(d->spearman), tau.push_back(d->kendall), mape.push_back(d->mape),
          mapec.push_back(d->mape_connected);
      ++models[d->model];
    }
    std::string chosen;
    for (const auto& [m, n] : models)
      chosen += fmt::format("{}{} x{}", chosen.empty() ? "" : "; ", m, n);
    const MeanCi r = Stats(rho), t = Stats(tau), m = Stats(mape), mc = Stats(mapec);
    md += fmt::format(
        "| {} | {} | {} | {} | {:.3f} ± {:.3f} | {:.3f} ± {:.3f} | {:.1f} ± {:.1f} | "
        "{:.1f} ± {:.1f} | {} |\n",
        std::get<0>(key), std::get<1>(key), std::get<2>(key), g.size(), r.mean, r.half, t.mean,
        t.half, m.mean, m.half, mc.mean, mc.half, chosen);
    const auto pk = std::make_pair(std::get<0>(key), std::get<2>(key));
    if (!per_k.count(pk)) k_order.push_back(pk);
    per_k[pk].push_back({r.mean, t.mean, m.mean, mc.mean});
  }
  md +=
      "\nMean over devices (± = 95 % t-interval over the draws within each device, above):\n\n"
      "| method | K | devices | mean Spearman rho | mean Kendall tau | mean MAPE % | mean MAPE "
      "conn. % |\n|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& pk : k_order) {
    const auto& v = per_k[pk];
    std::array<double, 4> s{};
    for (const auto& row : v) {
      for (int i = 0; i < 4; ++i) s[i] += row[i] / static_cast<double>(v.size());
    }
    md += fmt::format("| {} | {} | {} | {:.3f} | {:.3f} | {:.1f} | {:.1f} |\n", pk.first, pk.second,
                      v.size(), s[0], s[1], s[2], s[3]);
  }
  return md;
}

}  // namespace symnas::hw
