-- Prints the percentiles wrk's own summary lacks (p95), in microseconds,
-- for bench/server.py to read.
done = function(summary, latency, requests)
  io.write(string.format("p50_us=%d\n", latency:percentile(50)))
  io.write(string.format("p95_us=%d\n", latency:percentile(95)))
end
