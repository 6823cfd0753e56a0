// The Optuna peer of `symnas bench nasbench201`: starts bench/tabular/optuna_nb201.py (Debian's
// python3 with python3-optuna) for all seeds of one setting and reads its runs back. Compiled
// into the CLI, which hands it to tabular::RunNb201Bench; the tabular layer starts no process.
#pragma once

#include <string>
#include <vector>

#include "symnas/tabular/nb201_bench.hpp"

namespace symnas::bench {

/// How to start the peer.
struct OptunaPeer {
  std::string python = "/usr/bin/python3";  ///< a python with python3-optuna
  std::string script;                       ///< optuna_nb201.py; empty: DefaultOptunaScriptPath()
  std::string data_path;                    ///< the table the peer reads (the bench's --data)
};

/// bench/tabular/optuna_nb201.py of this source tree.
std::string DefaultOptunaScriptPath();

/// Runs the peer for every seed of one setting (Optuna TPE for "constrained", NSGA-II for
/// "pareto"); ConfigError if it fails, with its output and how to install the peer.
std::vector<tabular::Nb201Run> RunOptuna(const OptunaPeer& peer,
                                         const tabular::Nb201BenchConfig& config,
                                         const tabular::Nb201Setting& setting);

/// The peer as the runner tabular::RunNb201Bench calls.
tabular::Nb201PeerRunner OptunaRunner(OptunaPeer peer);

}  // namespace symnas::bench
