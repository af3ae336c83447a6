#!/bin/bash
# Submit the shard array, then the merge step to run once every shard has succeeded.
#   SHARDS=8 deploy/slurm/submit.sh        (run from the repository root, after npm ci)
set -euo pipefail
: "${SHARDS:=4}"
export SHARDS
here="$(cd "$(dirname "$0")" && pwd)"
array=$(sbatch --parsable --export=ALL --array="1-$SHARDS" "$here/experiments.sbatch")
sbatch --export=ALL --dependency="afterok:${array%%;*}" "$here/merge.sbatch"
echo "submitted shards (job $array) and the merge step"
