#!/usr/bin/python3
"""Fast tests of the paper experiment's Python/C++ glue (ctest `paper_experiment_glue`).

Takes: --symnas PATH (the built binary). Checks: the twin's random numbers equal std::mt19937_64
and search::TrialSeed; its FLOPs/MACs/params equal `symnas cost` on varied architectures; its
parameter -> architecture mapping equals symnas's (via a synthetic cnn_proxy study); the study
YAML the driver writes is accepted by `symnas search`; the summary of a tiny synthetic store
against an independent SQLite computation; the Optuna peer resumes (and drops an interrupted
trial); twin training on 300 images is deterministic for a seed. No test trains more than a few
hundred images.
"""
import argparse
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import experiment  # noqa: E402
import report  # noqa: E402
import report_seeds  # noqa: E402
import twin  # noqa: E402

SYMNAS = None


def symnas(*args, cwd=None):
    r = subprocess.run([SYMNAS, *args], capture_output=True, text=True, cwd=cwd)
    if r.returncode != 0:
        raise AssertionError(f"symnas {' '.join(args)} failed ({r.returncode}):\n{r.stdout}\n"
                             f"{r.stderr}")
    return r.stdout


def random_params(rng):
    """Varied template parameters, beyond the seed-000 space (blocks, bn, pooling, kernels)."""
    blocks = rng.randint(1, 4)
    p = {"conv_blocks": blocks, "convs_per_block": rng.randint(1, 3),
         "kernel_size": rng.choice([1, 3, 5]), "batch_norm": rng.randint(0, 1),
         "pool": rng.choice(["max", "avg", "none"]) if blocks <= 2 else rng.choice(["max", "avg"]),
         "dense_layers": rng.randint(0, 3), "activation": rng.choice(["relu", "elu", "swish"])}
    for i in range(blocks):
        p[f"filters_{i}"] = rng.randint(1, 96)
    for i in range(p["dense_layers"]):
        p[f"units_{i}"] = rng.randint(1, 600)
    return p


class RandomNumbers(unittest.TestCase):
    def test_mt19937_64_reference_value(self):
        # C++ standard [rand.predef]: the 10000th output of a default-seeded mt19937_64.
        rng = twin.MT19937_64(5489)
        for _ in range(9999):
            rng()
        self.assertEqual(rng(), 9981545732273789042)

    def test_permutation_is_a_permutation(self):
        p = twin.seeded_permutation(1000, 7)
        self.assertEqual(sorted(p), list(range(1000)))
        self.assertNotEqual(p, list(range(1000)))
        self.assertEqual(p, twin.seeded_permutation(1000, 7))
        self.assertNotEqual(p, twin.seeded_permutation(1000, 8))


class FlopsAgreeWithSymnasCost(unittest.TestCase):
    def test_random_architectures(self):
        rng = random.Random(1)
        with tempfile.TemporaryDirectory() as d:
            cases = [{}] + [random_params(rng) for _ in range(7)]
            for k, params in enumerate(cases):
                arch = twin.arch_from_params(params)
                path, out = os.path.join(d, f"a{k}.json"), os.path.join(d, f"c{k}.json")
                with open(path, "w") as f:
                    json.dump(arch, f)
                symnas("cost", "--arch", path, "--json", out)
                with open(out) as f:
                    ref = json.load(f)["metrics"]
                mine = twin.cost(arch)
                for key in ("flops", "macs", "params"):
                    self.assertEqual(mine[key], ref[key], f"{key} of {params}")

    def test_default_network_hand_computed(self):
        # docs/nn.md: 19,094,528 MACs, 38,264,586 FLOPs, 870,634 params.
        c = twin.cost(twin.arch_from_params({}))
        self.assertEqual((c["macs"], c["flops"], c["params"]), (19094528, 38264586, 870634))

    def test_unknown_parameter_rejected(self):
        with self.assertRaises(ValueError):
            twin.arch_from_params({"filter_0": 3})


class SyntheticStudy(unittest.TestCase):
    """A 6-trial study with the synthetic cnn_proxy evaluator (no training, < 1 s)."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        d = cls.dir.name
        with open(os.path.join(d, "s.yaml"), "w") as f:
            f.write("name: glue\ntrials: 6\nseed: 3\nstrategy: random\n"
                    "objective: {kind: constrained, maximise: accuracy, "
                    "constraints: {flops: 6.0e+7}}\n"
                    "evaluator: {kind: synthetic, function: cnn_proxy}\n")
        cls.db = os.path.join(d, "s.study.db")
        symnas("search", "--config", os.path.join(d, "s.yaml"), "--study", cls.db, "--quiet")
        cls.export_path = os.path.join(d, "random_60M.export.json")
        symnas("export", "--study", cls.db, "--format", "json", "--out", cls.export_path)
        with open(cls.export_path) as f:
            cls.export = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_trial_seeds_match_driver(self):
        for t in self.export["trials"]:
            self.assertEqual(int(t["seed"]), twin.trial_seed(3, t["id"]))

    def test_params_to_arch_matches_template_flops(self):
        # cnn_proxy's FLOPs are 2 x MACs of the template (no bias adds): the twin's mapping of
        # the same stored parameters must give the same MACs.
        for t in self.export["trials"]:
            mine = twin.cost(twin.arch_from_params(t["params"]))
            self.assertEqual(2 * mine["macs"], t["metrics"]["flops"], t["params"])

    def test_summary_against_sqlite(self):
        out = os.path.join(self.dir.name, "out")
        os.makedirs(os.path.join(out, "studies"), exist_ok=True)
        with open(os.path.join(out, "manifest.json"), "w") as f:
            json.dump({"profile": "test", "strategies": ["random"], "study_seed": 3,
                       "split_seed": 0, "workers": 1,
                       "settings": {"thresholds_m": [60], "trials": 6, "epochs": 1,
                                    "train_subset": 1, "val_subset": 1,
                                    "initial_random": 1}}, f)
        os.replace(self.export_path, os.path.join(out, "studies", "random_60M.export.json"))
        self.__class__.export_path = os.path.join(out, "studies", "random_60M.export.json")
        ledger = [{"phase": "search", "wall_seconds": 2.5, "cpu_seconds": 2.0},
                  {"phase": "retrain", "wall_seconds": 100.0, "cpu_seconds": 90.0},
                  {"phase": "search", "wall_seconds": 1.5, "cpu_seconds": 1.0}]
        with open(os.path.join(out, "studies", "random_60M.ledger.json"), "w") as f:
            json.dump(ledger, f)
        s = report.build_summary(out)
        row = s["rows"][0]
        con = sqlite3.connect(self.db)
        rows = con.execute("SELECT id, accuracy, metrics_json FROM trials WHERE status = "
                           "'complete' ORDER BY id").fetchall()
        feas = [(i, a) for i, a, m in rows if json.loads(m)["flops"] <= 6e7]
        self.assertEqual(row["trials"], 6)
        self.assertEqual(row["feasible_trials"], len(feas))
        if feas:
            best = max(feas, key=lambda x: (x[1], -x[0]))
            self.assertEqual(row["best_trial"], best[0])
            self.assertAlmostEqual(row["best_val_accuracy"], best[1])
            self.assertFalse(row["chosen_exceeds"])  # constrained: a feasible trial wins
        self.assertAlmostEqual(row["wall_seconds"], 4.0)  # retrain time excluded
        self.assertAlmostEqual(row["cpu_seconds"], 3.0)
        md = report.summary_markdown(s)
        self.assertIn("| 60 | random |", md)

    def test_driver_yaml_accepted(self):
        # The YAML the driver writes, with the cnn evaluator swapped for the synthetic one
        # (a real `cnn` study would train): symnas parses objective/strategy options as given.
        for strategy in ("symbolic", "symbolic_acc", "morphism", "bo", "random"):
            text = experiment.study_yaml("test", experiment.PROFILES["quick"], strategy, 60)
            text = "\n".join(l for l in text.splitlines() if not l.startswith("evaluator"))
            text += "\nevaluator: {kind: synthetic, function: cnn_proxy}\ntrials: 2\n"
            text = text.replace("trials: 4\n", "")
            path = os.path.join(self.dir.name, f"{strategy}.yaml")
            with open(path, "w") as f:
                f.write(text)
            symnas("search", "--config", path, "--study",
                   os.path.join(self.dir.name, f"{strategy}.db"), "--quiet")


class Helpers(unittest.TestCase):
    def test_trials_to_95pct(self):
        def t(i, acc, flops, status="complete"):
            return {"id": i, "accuracy": acc, "metrics": {"flops": flops}, "status": status}
        trials = [t(0, 0.9, 200), t(1, 0.5, 50), t(2, 0.0, 50, "failed"), t(3, 0.70, 80),
                  t(4, 0.74, 90), t(5, 0.99, 101)]
        # feasible (<= 100): 0.5, 0.70, 0.74 -> final 0.74, 95 % = 0.703 first reached at #5
        self.assertEqual(report.trials_to_fraction(trials, 100), 5)
        self.assertIsNone(report.trials_to_fraction(trials, 10))

    def test_chosen_prefers_feasible(self):
        trials = [{"id": 0, "status": "complete", "score": 0.9, "feasible": False,
                   "metrics": {"flops": 2}},
                  {"id": 1, "status": "complete", "score": 0.1, "feasible": True,
                   "metrics": {"flops": 1}}]
        self.assertEqual(report.chosen_trial(trials)["id"], 1)

    def test_job_order_interleaves(self):
        jobs = experiment.job_order([1, 2, 3], ["a", "b", "c"])
        self.assertEqual(len(jobs), 9)
        for th in (1, 2, 3):
            self.assertEqual(sorted(s for s, x, _ in jobs if x == th), ["a", "b", "c"])
        self.assertEqual([s for s, _, _ in jobs[:3]], ["a", "b", "c"])
        self.assertEqual([s for s, _, _ in jobs[3:6]], ["b", "c", "a"])
        # Several seeds: seed-major, every (arm, threshold) once per seed.
        jobs = experiment.job_order([1, 2], ["a", "b"], [0, 1, 2])
        self.assertEqual(len(jobs), 12)
        self.assertEqual([seed for _, _, seed in jobs], [0] * 4 + [1] * 4 + [2] * 4)

    def test_seeds_profile_configs(self):
        p = experiment.PROFILES["seeds"]
        new = experiment.study_yaml("seeds", p, "symbolic", 45, seed=2)
        self.assertIn("pruner: symbolic", new)
        self.assertIn("kind: constrained", new)
        self.assertIn("seed: 2", new)
        self.assertIn("name: paper-seeds-symbolic_45M_s2", new)
        paper = experiment.study_yaml("seeds", p, "symbolic_paper", 45, seed=2)
        self.assertIn("profile: paper", paper)
        self.assertIn("kind: seed000", paper)
        self.assertNotIn("pruner", paper)
        self.assertIn("strategy: symbolic\n", paper)

    def test_seeds_summary_statistics(self):
        m, ci = report_seeds.mean_ci([0.80, 0.82, 0.84])
        self.assertAlmostEqual(m, 0.82)
        self.assertAlmostEqual(ci, 4.303 * 0.02 / math.sqrt(3))  # t(0.975, 2) * sd / sqrt(n)
        self.assertEqual(report_seeds.mean_ci([]), (None, None))
        self.assertEqual(report_seeds.mean_ci([0.5])[1], None)


class TwinTraining(unittest.TestCase):
    def test_split_and_deterministic_training(self):
        data = twin.load_splits(validation_size=5000, train_subset=300, val_subset=100)
        self.assertEqual(tuple(data["train"][0].shape), (300, 1, 28, 28))
        self.assertEqual(tuple(data["val"][0].shape), (100, 1, 28, 28))
        self.assertAlmostEqual(float(data["train"][0].mean()), 0.0, places=4)
        params = dict(filters_0=8, filters_1=16, units_0=32, epochs=1, batch_size=32)
        arch = twin.arch_from_params(params)
        r1 = twin.train(arch, data, seed=11)
        r2 = twin.train(arch, data, seed=11)
        self.assertEqual(r1["curves"], r2["curves"])
        self.assertEqual(r1["best_epoch"], 1)
        self.assertNotEqual(r1["curves"], twin.train(arch, data, seed=12)["curves"])
        # The default network learns: 2 epochs on 300 images beat chance (10 %) clearly.
        r3 = twin.train(twin.arch_from_params(dict(epochs=2, batch_size=32)), data, seed=11)
        self.assertLess(r3["curves"]["val_loss"][1], r3["curves"]["val_loss"][0])
        self.assertGreater(r3["val_accuracy"], 0.25)

    def test_optuna_resume_and_interrupted_trial(self):
        import optuna
        with tempfile.TemporaryDirectory() as d:
            db, exp = os.path.join(d, "o.db"), os.path.join(d, "o.json")
            cmd = [sys.executable, "-W", "ignore", os.path.join(HERE, "optuna_study.py"),
                   "--storage", db, "--threshold", "3e7", "--epochs", "1", "--train-subset",
                   "200", "--val-subset", "100", "--validation-size", "5000", "--startup", "1",
                   "--export", exp]
            subprocess.run(cmd + ["--trials", "1"], check=True, capture_output=True)
            # Simulate a killed process: a trial left RUNNING.
            optuna.logging.set_verbosity(optuna.logging.WARNING)
            optuna.load_study(study_name="paper-optuna", storage=f"sqlite:///{db}").ask()
            subprocess.run(cmd + ["--trials", "2"], check=True, capture_output=True)
            with open(exp) as f:
                trials = json.load(f)["trials"]
            self.assertEqual(len(trials), 3)
            self.assertEqual([t["interrupted"] for t in trials], [False, True, False])
            self.assertEqual(experiment.counted_trials_export(exp), 2)
            for t in trials:
                if t["status"] == "complete":
                    self.assertEqual(t["feasible"], t["metrics"]["flops"] <= 3e7)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--symnas", required=True)
    a, rest = ap.parse_known_args()
    SYMNAS = a.symnas
    unittest.main(argv=[sys.argv[0]] + rest)
