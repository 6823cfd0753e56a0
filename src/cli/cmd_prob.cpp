// `symnas prob FILE.pl` (exact inference) and `symnas prob lfi MODEL.pl EVIDENCE.ev` (learning
// from interpretations). Errors print as "ERROR<TAB>Class<TAB>message" and exit non-zero.
#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "commands.hpp"
#include "symnas/logic/inference.hpp"
#include "symnas/logic/lfi.hpp"
#include "symnas/logic/program.hpp"

namespace symnas::cli {

namespace {

// An error the engine could not place on a clause (evidence, limits) is reported in the file.
int PrintError(const symnas::Error& e, const std::string& file) {
  if (e.location().Known() || file.empty()) {
    fmt::print("ERROR\t{}\t{}\n", e.class_name(), e.what());
  } else {
    fmt::print("ERROR\t{}\t{} (in {})\n", e.class_name(), e.what(), file);
  }
  std::fflush(stdout);
  return 1;
}

struct ProbArgs {
  std::string file;
  std::string model;
  std::string evidence;
  bool print_model = false;
  int max_iterations = 10000;
  double min_improvement = 1e-10;
  unsigned seed = 0;
  bool ground_all = false;
  bool time = false;
  int repeat = 1;
  double timeout_seconds = logic::ResourceLimits{}.max_seconds;
  double max_memory_mib = static_cast<double>(logic::ResourceLimits{}.max_memory_bytes >> 20);
};

}  // namespace

void AddProbCommand(CLI::App& sub, CommandRun& run) {
  auto args = std::make_shared<ProbArgs>();
  sub.add_option("file", args->file, "ProbLog program with query/1 and evidence/1,2 facts");
  sub.add_flag("--time", args->time,
               "print 'TIME<TAB>seconds' (wall) and 'CPU<TAB>seconds' (process CPU) of the "
               "evaluation (read, parse, ground, compile, evaluate) on stderr, as ProbLog's "
               "run.py --time");
  sub.add_option("--repeat", args->repeat,
                 "evaluate N times in this process; --time reports the last (warm) evaluation")
      ->check(CLI::PositiveNumber);
  sub.add_option("--timeout", args->timeout_seconds,
                 "time limit of one evaluation in seconds, 0 for none (TimeLimitExceeded)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--max-memory", args->max_memory_mib,
                 "memory limit of one evaluation in MiB (terms, ground program, decision "
                 "diagram), 0 for none (MemoryLimitExceeded)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  CLI::App* lfi = sub.add_subcommand("lfi", "Learn t(...) parameters from interpretations (EM)");
  lfi->add_option("model", args->model, "model program with t(...) parameters")->required();
  lfi->add_option("evidence", args->evidence, "interpretations separated by '---' lines")
      ->required();
  lfi->add_flag("--model", args->print_model, "print the learned program instead of weights");
  lfi->add_option("--max-iterations", args->max_iterations, "EM iteration limit (10000)");
  lfi->add_option("--min-improvement", args->min_improvement, "stopping tolerance (1e-10)");
  lfi->add_option("--seed", args->seed, "seed for t(_) random start values");
  lfi->add_flag("--ground-all", args->ground_all,
                "count every grounding of a learnable clause, not only the relevant ones");
  sub.require_subcommand(0, 1);
  run = [args, lfi, &sub]() -> int {
    try {
      if (lfi->parsed()) {
        logic::Program model = logic::Program::FromFile(args->model);
        auto examples = logic::ReadInterpretationsFile(args->evidence);
        logic::LfiOptions options;
        options.max_iterations = args->max_iterations;
        options.min_improvement = args->min_improvement;
        options.seed = args->seed;
        options.ground_all_tunables = args->ground_all;
        logic::LfiResult result = logic::LearnParameters(model, examples, options);
        if (args->print_model) {
          fmt::print("{}", result.learned_program);
        } else {
          fmt::print("{}", logic::FormatLfiResult(result));
        }
        return 0;
      }
      if (args->file.empty()) {
        fmt::print(stderr, "{}\n", sub.help());
        return 2;
      }
      std::string answers;
      std::chrono::duration<double> seconds{};
      double cpu_seconds = 0.0;
      for (int i = 0; i < args->repeat; ++i) {
        const auto start = std::chrono::steady_clock::now();
        const std::clock_t cpu_start = std::clock();
        logic::Program program = logic::Program::FromFile(args->file);
        logic::InferenceOptions options;
        options.limits.max_seconds = args->timeout_seconds;
        options.limits.max_memory_bytes =
            static_cast<std::size_t>(args->max_memory_mib * 1048576.0);
        answers = logic::FormatAnswers(logic::Infer(program, options));
        seconds = std::chrono::steady_clock::now() - start;
        cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
      }
      fmt::print("{}", answers);
      if (args->time) {
        fmt::print(stderr, "TIME\t{:.6f}\nCPU\t{:.6f}\n", seconds.count(), cpu_seconds);
      }
      return 0;
    } catch (const symnas::Error& e) {
      return PrintError(e, lfi->parsed() ? args->model : args->file);
    }
  };
}

}  // namespace symnas::cli
