// BoStrategy: data assembly from the observation history, GP fit, EI maximisation.
#include "bo.hpp"

#include <algorithm>

#include "acquisition.hpp"
#include "symnas/common/error.hpp"

namespace symnas::search {

BoStrategy::BoStrategy(const StrategyContext& context) : StrategyBase(context) {
  if (options().value("refit_growth", 1.2) < 1.0) {
    throw ConfigError("bo: refit_growth must be >= 1 (1: re-fit the GP at every ask)");
  }
}

bool RefitDue(int observations, int fitted_at, double growth) {
  return observations <= kAlwaysRefitBelow ||
         static_cast<double>(observations) >= growth * static_cast<double>(fitted_at);
}

bool BoStrategy::Admissible(const Params& params) const {
  if (!options().value("feasible_only", false) || !budget_check()) return true;
  return budget_check()(params).within_budget;
}

Params BoStrategy::SampleAdmissible(int attempts) {
  Params fallback = SampleUntried();
  if (Admissible(fallback)) return fallback;
  for (int i = 1; i < attempts; ++i) {
    Params p = SampleUntried();
    if (Admissible(p)) return p;
  }
  return fallback;  // nothing admissible found: the driver's screening or the budget decides
}

void BoStrategy::Learn(const Observation& o) {
  if (!options().value("trust_region", false)) return;
  const bool better = o.complete && o.feasible && (!incumbent_ || Better(o, *incumbent_));
  if (better) incumbent_ = o;
  if (!incumbent_) return;  // the region starts with the first feasible result
  successes_ = better ? successes_ + 1 : 0;
  failures_ = better ? 0 : failures_ + 1;
  if (successes_ >= 2) {
    trust_length_ = std::min(0.8, 2 * trust_length_);
    successes_ = 0;
  } else if (failures_ >= 3) {
    trust_length_ /= 2;
    failures_ = 0;
  }
  if (trust_length_ < 1.0 / 32) trust_length_ = 0.4;
}

bool BoStrategy::InTrustRegion(const Eigen::VectorXd& x, const Eigen::VectorXd& centre) const {
  Eigen::Index column = 0;
  for (const auto& d : space().dimensions()) {
    if (d.fixed) continue;
    if (d.kind == DimKind::kCategorical) {
      column += static_cast<Eigen::Index>(d.choices.size());
      continue;
    }
    if (std::abs(x[column] - centre[column]) > trust_length_ / 2) return false;
    ++column;
  }
  return true;
}

Params BoStrategy::Ask() {
  const auto ranked = Ranked();
  const int initial = options().value("initial_random", 5);
  if (static_cast<int>(ranked.size()) < std::max(initial, 2) || space().EncodedSize() == 0) {
    return SampleAdmissible(500);
  }
  const double worst = ranked.back()->score;
  const int n = static_cast<int>(history().size());
  const int lies = static_cast<int>(pending().size());
  Eigen::MatrixXd X(n + lies, space().EncodedSize());
  Eigen::VectorXd y(n + lies);
  for (int i = 0; i < n; ++i) {
    const Observation& o = history()[static_cast<std::size_t>(i)];
    X.row(i) = space().Encode(o.params).transpose();
    y[i] = o.complete ? o.score : worst;
  }
  // Constant liar (Ginsbourger et al. 2010), pessimistic: a candidate another worker is still
  // evaluating counts as observed with the worst score, so EI looks elsewhere. The kernel's
  // hyper-parameters are fitted on the real observations only.
  for (int i = 0; i < lies; ++i) {
    X.row(n + i) =
        space().Encode(space().Project(pending()[static_cast<std::size_t>(i)])).transpose();
    y[n + i] = worst;
  }
  const Eigen::MatrixXd X_real = X.topRows(n);
  const Eigen::VectorXd y_real = y.head(n);
  bo::GaussianProcess gp;
  const bool reuse = have_kernel_ && kernel_.log_lengthscales.size() == X.cols();
  gp.SetData(X_real, y_real);
  if (reuse) gp.SetParams(kernel_);
  if (!reuse || RefitDue(n, fitted_at_, options().value("refit_growth", 1.2))) {
    gp.Fit(rng(), options().value("restarts", 5));
    kernel_ = gp.params();
    have_kernel_ = true;
    fitted_at_ = n;
  }
  if (lies > 0) {
    gp.SetData(X, y);
    gp.SetParams(kernel_);
  }

  const double best = gp.BestStandardised();
  const double xi = options().value("xi", 0.01);
  auto ei = [&](const Eigen::VectorXd& x) {
    double m = 0, v = 0;
    gp.PredictStandardised(x, &m, &v);
    return bo::ExpectedImprovement(m, v, best, xi);
  };
  std::vector<Eigen::VectorXd> incumbents;
  for (std::size_t i = 0; i < std::min<std::size_t>(3, ranked.size()); ++i) {
    incumbents.push_back(space().Encode(ranked[i]->params));
  }
  bo::AcquisitionSearch settings;
  settings.samples = options().value("acq_samples", 1000);
  settings.starts = options().value("acq_starts", 5);
  const bool local = options().value("trust_region", false) && incumbent_.has_value();
  Eigen::VectorXd centre;
  if (local) {
    centre = space().Encode(space().Project(incumbent_->params));
    incumbents.insert(incumbents.begin(), centre);
  }
  auto reject = [&](const Params& p) {
    return Tried(p) || !Admissible(p) || (local && !InTrustRegion(space().Encode(p), centre));
  };
  auto x = bo::MaximiseAcquisition(space(), ei, incumbents, reject, settings, rng());
  if (!x && local) {  // nothing new in the box: search the whole space
    x = bo::MaximiseAcquisition(
        space(), ei, incumbents, [&](const Params& p) { return Tried(p) || !Admissible(p); },
        settings, rng());
  }
  if (!x) return SampleAdmissible(500);
  return space().Decode(*x);
}

nlohmann::json BoStrategy::SaveExtra() const {
  nlohmann::json j = nlohmann::json::object();
  j["fitted_at"] = fitted_at_;
  j["trust_length"] = trust_length_;
  j["successes"] = successes_;
  j["failures"] = failures_;
  if (incumbent_) j["incumbent"] = incumbent_->trial_id;
  if (have_kernel_) {
    j["log_lengthscales"] =
        std::vector<double>(kernel_.log_lengthscales.data(),
                            kernel_.log_lengthscales.data() + kernel_.log_lengthscales.size());
    j["log_signal_var"] = kernel_.log_signal_var;
    j["log_noise_var"] = kernel_.log_noise_var;
  }
  return j;
}

void BoStrategy::LoadExtra(const nlohmann::json& extra) {
  fitted_at_ = extra.value("fitted_at", 0);
  trust_length_ = extra.value("trust_length", 0.4);
  successes_ = extra.value("successes", 0);
  failures_ = extra.value("failures", 0);
  incumbent_.reset();
  if (extra.contains("incumbent")) {
    const auto id = extra.at("incumbent").get<std::int64_t>();
    for (const auto& o : history()) {
      if (o.trial_id == id) incumbent_ = o;
    }
  }
  have_kernel_ = extra.contains("log_lengthscales");
  if (!have_kernel_) return;
  auto ls = extra["log_lengthscales"].get<std::vector<double>>();
  kernel_.log_lengthscales =
      Eigen::Map<Eigen::VectorXd>(ls.data(), static_cast<Eigen::Index>(ls.size()));
  kernel_.log_signal_var = extra.at("log_signal_var").get<double>();
  kernel_.log_noise_var = extra.at("log_noise_var").get<double>();
}

}  // namespace symnas::search
