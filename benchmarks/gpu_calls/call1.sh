# Call 1 (10 min): the GPU suite's timed parts, then the 10-minute text_to_video_gpu training started
# in its own session (setsid: it outlives this call and has the GPU to itself through call 2).
source benchmarks/gpu_calls/setup.sh
python benchmarks/gpu_suite.py --budget-s 555 --parts templates,throughput,video_models,determinism,stop \
    --out "$OUT/gpu_suite_1.json" 2>&1 | tee "$OUT/gpu_suite_1.log" | grep -v "^\s*$"
mkdir -p /tmp/t2v
setsid nohup python benchmarks/bench_text_to_video.py --template scenes-gpu --minutes 10 \
    --checkpoint /tmp/t2v/t2v_gpu.safetensors --out /tmp/t2v > /tmp/t2v/log 2>&1 < /dev/null &
echo $! > /tmp/t2v/pid
sleep 15; cat /tmp/t2v/log
