# Call 2 (10 min): nothing else on the GPU while the training runs; its log so far comes back.
# (Wait on the PID with kill -0: `pgrep -f` matches its own command line and never ends.)
source benchmarks/gpu_calls/setup.sh
P=$(cat /tmp/t2v/pid); t=0
while kill -0 "$P" 2>/dev/null && [ $t -lt 570 ]; do sleep 10; t=$((t+10)); done
cp /tmp/t2v/log "$OUT/t2v_progress.log"; tail -5 /tmp/t2v/log
