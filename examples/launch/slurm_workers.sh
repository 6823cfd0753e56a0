#!/usr/bin/env bash
# A SLURM job array of symnas workers on one PostgreSQL study: each array task is one worker
# (one trial at a time, one libtorch thread per core it was given). Start the study once from
# a login node, which writes its config to the database and runs as worker 0:
#
#   symnas search --config examples/fmnist_symbolic.yaml \
#     --study "postgresql://symnas@db.cluster/nas?study=fmnist1" --workers 1 &
#   sbatch --array=1-15 examples/launch/slurm_workers.sh "postgresql://symnas@db.cluster/nas?study=fmnist1"
#
# Workers may join and leave at any time; a worker killed by the scheduler (time limit,
# preemption) leaves its trial running in the database until its heartbeat is older than
# --stale-after seconds, then another worker marks it interrupted and re-runs its candidate.
# Paths in the study's config (the dataset dir, --rules files) must be the same on every node.
#SBATCH --job-name=symnas-worker
#SBATCH --cpus-per-task=1
#SBATCH --mem=4G
#SBATCH --time=04:00:00
#SBATCH --output=symnas-worker-%A_%a.log
set -euo pipefail
study=${1:?usage: sbatch --array=1-N slurm_workers.sh POSTGRESQL_URL}
# The password, if any, comes from ~/.pgpass or PGPASSWORD, never from the URL on a shared node.
exec symnas worker --study "$study" --label "a${SLURM_ARRAY_TASK_ID:-0}" --stale-after 300
