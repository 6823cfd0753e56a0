// The logic engine's public API in one include: programs (parse, add facts/queries/evidence),
// exact inference (Infer) and learning from interpretations (LearnParameters).
//
//   Program rules = Program::FromFile("rules/tuner.pl");   // parse once
//   Program trial = rules;                                  // cheap copy per evaluation
//   trial.AddText("l(" + Program::ListText(losses) + ").\nflops(12000000).\n", "trial");
//   trial.AddQuery("action(_, _)");
//   for (const QueryAnswer& a : Infer(trial)) use(a.functor, a.args, a.probability);
//
//   LfiResult learned = LearnParameters(model, interpretations);  // weights, LL, iterations
#pragma once

#include "symnas/logic/errors.hpp"     // IWYU pragma: export
#include "symnas/logic/inference.hpp"  // IWYU pragma: export
#include "symnas/logic/lfi.hpp"        // IWYU pragma: export
#include "symnas/logic/program.hpp"    // IWYU pragma: export
