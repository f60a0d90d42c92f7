# Call 3 (what is left): the untimed parts beside the training's scoring, its scores, then issue 33's
# Wan 14B memory modes under caps and LTX's overhead profile, as long as the call lasts (each line
# is printed and written as it is measured).
source benchmarks/gpu_calls/setup.sh
P=$(cat /tmp/t2v/pid); t=0
while kill -0 "$P" 2>/dev/null && [ $t -lt 150 ]; do sleep 5; t=$((t+5)); done
python benchmarks/gpu_suite.py --budget-s "${BUDGET:-240}" --parts gpu_tests,video_lora \
    --out "$OUT/gpu_suite_2.json" 2>&1 | tee "$OUT/gpu_suite_2.log" | grep -v "^\s*$"
while kill -0 "$P" 2>/dev/null; do sleep 3; done
cp /tmp/t2v/log "$OUT/t2v.log"; cp /tmp/t2v/*.json /tmp/t2v/*.png "$OUT/" 2>/dev/null; tail -25 /tmp/t2v/log
python benchmarks/bench_video_models.py --real --cases ltx49 --reps 2 --no-memory --ablate --out "$OUT" 2>&1 | grep -v Writing | tail -45
for m in "fp8 22" "block_offload 22" "fp8+block_offload 12" "fp8+block_offload 8"; do set -- $m
  python benchmarks/bench_video_models.py --real --cases wan14b --steps 6 --modes "$1" --caps "$2" --out /tmp/m 2>&1 | grep -v Writing
  cp /tmp/m/*.json "$OUT/"; done
# the long-clip aim (1,000 frames of Wan 1.3B at 480p: GPU peak <= 8 GB, host <= 16 GB, frames streamed)
python benchmarks/real_long_clip.py --frames 1000 --steps 4 --out "$OUT" 2>&1 | grep -v -i "writing\|float32"
