// Property test: for random small ground programs (probabilistic facts, an annotated
// disjunction, probabilistic rules, conjunction/disjunction/negation, positive cycles, evidence)
// the BDD pipeline's P(query | evidence) equals brute-force enumeration of all possible worlds.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "symnas/logic/errors.hpp"
#include "symnas/logic/inference.hpp"

namespace symnas::logic {
namespace {

// A literal of the random program: kind 0 fact, 1 AD head, 2 derived atom; negated or not.
struct RLit {
  int kind = 0;
  int index = 0;
  bool negated = false;
};

struct RRule {
  int head = 0;
  std::vector<std::vector<RLit>> disjuncts;  // body = OR of ANDs (a ';' inside the body)
  double prob = 1.0;                          // < 1: probabilistic rule (a hidden fact)
};

struct RProgram {
  std::vector<double> facts;
  std::vector<double> ad;  // heads of one annotated disjunction (may be empty)
  int num_atoms = 0;
  std::vector<RRule> rules;
  int evidence_atom = -1;
  bool evidence_value = true;

  static int Stratum(int atom) { return atom / 2; }

  std::string LitText(const RLit& l) const {
    std::string s = l.kind == 0   ? "f" + std::to_string(l.index)
                    : l.kind == 1 ? "ad(" + std::to_string(l.index) + ")"
                                  : "a" + std::to_string(l.index);
    return l.negated ? "\\+ " + s : s;
  }

  std::string Text() const {
    std::string out;
    char buf[64];
    for (std::size_t i = 0; i < facts.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%.3f::f%zu.\n", facts[i], i);
      out += buf;
    }
    for (std::size_t i = 0; i < ad.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%s%.3f::ad(%zu)", i ? "; " : "", ad[i], i);
      out += buf;
    }
    if (!ad.empty()) out += ".\n";
    for (const RRule& r : rules) {
      if (r.prob < 1.0) {
        std::snprintf(buf, sizeof buf, "%.3f::", r.prob);
        out += buf;
      }
      out += "a" + std::to_string(r.head) + " :- ";
      for (std::size_t d = 0; d < r.disjuncts.size(); ++d) {
        if (d) out += " ; ";
        out += "(";
        for (std::size_t j = 0; j < r.disjuncts[d].size(); ++j) {
          if (j) out += ", ";
          out += LitText(r.disjuncts[d][j]);
        }
        out += ")";
      }
      out += ".\n";
    }
    for (int a = 0; a < num_atoms; ++a) {
      // every atom needs a definition: a fallback rule keeps UnknownClause away
      out += "a" + std::to_string(a) + " :- fail.\n";
      out += "query(a" + std::to_string(a) + ").\n";
    }
    if (evidence_atom >= 0) {
      out += "evidence(a" + std::to_string(evidence_atom) + ", " +
             (evidence_value ? "true" : "false") + ").\n";
    }
    return out;
  }
};

RProgram RandomProgram(std::mt19937& rng) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto prob = [&] { return uni(1, 99) / 100.0; };
  RProgram p;
  int nf = uni(1, 7);
  for (int i = 0; i < nf; ++i) p.facts.push_back(prob());
  if (uni(0, 1)) {
    int nh = uni(2, 3);
    double left = 1.0;
    for (int i = 0; i < nh; ++i) {
      double v = std::floor(left * uni(10, 60)) / 100.0;
      p.ad.push_back(std::max(0.01, v));
      left -= p.ad.back();
    }
  }
  p.num_atoms = uni(2, 8);
  int nrules = uni(p.num_atoms, p.num_atoms + 4);
  for (int r = 0; r < nrules; ++r) {
    RRule rule;
    rule.head = r < p.num_atoms ? r : uni(0, p.num_atoms - 1);
    if (uni(0, 3) == 0) rule.prob = prob();
    int nd = uni(0, 3) == 0 ? 2 : 1;
    for (int d = 0; d < nd; ++d) {
      std::vector<RLit> conj;
      int nl = uni(1, 3);
      for (int j = 0; j < nl; ++j) {
        RLit l;
        int kind = uni(0, 4);
        if (kind == 1 && p.ad.empty()) kind = 0;
        if (kind >= 2) {
          // derived atom: positive from strata <= own (cycles allowed), negative from lower ones
          int s = RProgram::Stratum(rule.head);
          l.kind = 2;
          l.negated = uni(0, 2) == 0 && s > 0;
          int max_atom = l.negated ? 2 * s - 1 : std::min(p.num_atoms - 1, 2 * s + 1);
          l.index = uni(0, max_atom);
        } else {
          l.kind = kind;
          l.index = kind == 0 ? uni(0, nf - 1) : uni(0, static_cast<int>(p.ad.size()) - 1);
          l.negated = uni(0, 3) == 0;
        }
        conj.push_back(l);
      }
      rule.disjuncts.push_back(conj);
    }
    p.rules.push_back(rule);
  }
  if (uni(0, 2) == 0) {
    p.evidence_atom = uni(0, p.num_atoms - 1);
    p.evidence_value = uni(0, 1) == 1;
  }
  return p;
}

// Brute force: enumerate facts, rule facts and the AD choice; compute the stratified least model.
std::vector<double> BruteForce(const RProgram& p, double& p_evidence) {
  std::vector<int> prob_rules;
  for (std::size_t r = 0; r < p.rules.size(); ++r) {
    if (p.rules[r].prob < 1.0) prob_rules.push_back(static_cast<int>(r));
  }
  int nf = static_cast<int>(p.facts.size());
  int nbits = nf + static_cast<int>(prob_rules.size());
  int nchoices = static_cast<int>(p.ad.size()) + 1;  // last = none
  std::vector<double> joint(p.num_atoms, 0.0);
  p_evidence = 0.0;
  for (long mask = 0; mask < (1L << nbits); ++mask) {
    for (int c = 0; c < (p.ad.empty() ? 1 : nchoices); ++c) {
      double w = 1.0;
      for (int i = 0; i < nf; ++i) w *= (mask >> i & 1) ? p.facts[i] : 1 - p.facts[i];
      std::vector<bool> rule_on(p.rules.size(), true);
      for (std::size_t k = 0; k < prob_rules.size(); ++k) {
        bool on = mask >> (nf + k) & 1;
        double pr = p.rules[prob_rules[k]].prob;
        w *= on ? pr : 1 - pr;
        rule_on[prob_rules[k]] = on;
      }
      if (!p.ad.empty()) {
        double sum = 0;
        for (double v : p.ad) sum += v;
        w *= c < static_cast<int>(p.ad.size()) ? p.ad[c] : 1 - sum;
      }
      std::vector<bool> atom(p.num_atoms, false);
      auto lit_true = [&](const RLit& l) {
        bool v = l.kind == 0 ? (mask >> l.index & 1) : l.kind == 1 ? c == l.index : atom[l.index];
        return l.negated ? !v : v;
      };
      int max_stratum = RProgram::Stratum(p.num_atoms - 1);
      for (int s = 0; s <= max_stratum; ++s) {
        bool changed = true;
        while (changed) {
          changed = false;
          for (std::size_t r = 0; r < p.rules.size(); ++r) {
            const RRule& rule = p.rules[r];
            if (RProgram::Stratum(rule.head) != s || atom[rule.head] || !rule_on[r]) continue;
            for (const auto& conj : rule.disjuncts) {
              bool all = true;
              for (const RLit& l : conj) all = all && lit_true(l);
              if (all) {
                atom[rule.head] = true;
                changed = true;
                break;
              }
            }
          }
        }
      }
      if (p.evidence_atom >= 0 && atom[p.evidence_atom] != p.evidence_value) continue;
      p_evidence += w;
      for (int a = 0; a < p.num_atoms; ++a) {
        if (atom[a]) joint[a] += w;
      }
    }
  }
  for (double& v : joint) v = p_evidence > 0 ? v / p_evidence : 0.0;
  return joint;
}

TEST(PropertyTest, BddEqualsBruteForceOnRandomPrograms) {
  std::mt19937 rng(20261122);
  int checked = 0, inconsistent = 0;
  for (int trial = 0; trial < 200; ++trial) {
    RProgram rp = RandomProgram(rng);
    std::string text = rp.Text();
    double p_evidence = 0;
    std::vector<double> expected = BruteForce(rp, p_evidence);
    Program program = Program::FromText(text, "random.pl");
    if (p_evidence < 1e-12) {
      EXPECT_THROW(Infer(program), InconsistentEvidenceError) << text;
      ++inconsistent;
      continue;
    }
    std::vector<QueryAnswer> answers;
    ASSERT_NO_THROW(answers = Infer(program)) << text;
    ASSERT_EQ(answers.size(), static_cast<std::size_t>(rp.num_atoms)) << text;
    for (const QueryAnswer& a : answers) {
      int index = std::stoi(a.atom.substr(1));
      EXPECT_NEAR(a.probability, expected[index], 1e-9) << a.atom << " in\n" << text;
    }
    ++checked;
  }
  EXPECT_GT(checked, 150);
  RecordProperty("inconsistent_programs", inconsistent);
}

}  // namespace
}  // namespace symnas::logic
