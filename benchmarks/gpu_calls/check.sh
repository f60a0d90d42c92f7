# One call on a lent GPU machine (issue 73: a 15-minute lease, one command of at most 10 minutes):
# the carried wheels installed (setup.sh), then benchmarks/gpu_check.py, at most 460 s, writing its
# table to $OUT after every stage. Run it first when a GPU is at hand:
#   bash benchmarks/gpu_calls/check.sh
source benchmarks/gpu_calls/setup.sh
python benchmarks/gpu_check.py --out "$OUT" --budget-s "${BUDGET:-460}" ${STAGES:+--stages "$STAGES"} 2>&1 | tee "$OUT/gpu_check.log" | grep -v "^\s*$"
