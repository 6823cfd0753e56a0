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

Params BoStrategy::Ask() {
  const auto ranked = Ranked();
  const int initial = options().value("initial_random", 5);
  if (static_cast<int>(ranked.size()) < std::max(initial, 2) || space().EncodedSize() == 0) {
    return SampleUntried();
  }
  const double worst = ranked.back()->score;
  const int n = static_cast<int>(history().size());
  Eigen::MatrixXd X(n, space().EncodedSize());
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    const Observation& o = history()[static_cast<std::size_t>(i)];
    X.row(i) = space().Encode(o.params).transpose();
    y[i] = o.complete ? o.score : worst;
  }
  bo::GaussianProcess gp;
  const bool reuse = have_kernel_ && kernel_.log_lengthscales.size() == X.cols();
  if (reuse) {
    gp.SetData(X, y);
    gp.SetParams(kernel_);
  } else {
    gp.SetData(X, y);
  }
  if (!reuse || RefitDue(n, fitted_at_, options().value("refit_growth", 1.2))) {
    gp.Fit(rng(), options().value("restarts", 5));
    kernel_ = gp.params();
    have_kernel_ = true;
    fitted_at_ = n;
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
  auto x = bo::MaximiseAcquisition(
      space(), ei, incumbents, [&](const Params& p) { return Tried(p); }, settings, rng());
  if (!x) return SampleUntried();
  return space().Decode(*x);
}

nlohmann::json BoStrategy::SaveExtra() const {
  nlohmann::json j = nlohmann::json::object();
  j["fitted_at"] = fitted_at_;
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
  have_kernel_ = extra.contains("log_lengthscales");
  if (!have_kernel_) return;
  auto ls = extra["log_lengthscales"].get<std::vector<double>>();
  kernel_.log_lengthscales =
      Eigen::Map<Eigen::VectorXd>(ls.data(), static_cast<Eigen::Index>(ls.size()));
  kernel_.log_signal_var = extra.at("log_signal_var").get<double>();
  kernel_.log_noise_var = extra.at("log_noise_var").get<double>();
}

}  // namespace symnas::search
