-- wrk script for bench/load.py: GET a page (the URL given to wrk) with the session cookie in
-- TRYGG_COOKIE, or with the API token in TRYGG_TOKEN. Prints the same JSON summary as load_report.lua.

local cookie = os.getenv("TRYGG_COOKIE") or ""
local token = os.getenv("TRYGG_TOKEN") or ""
local headers = { ["Accept"] = "text/html" }
if token ~= "" then
  headers = { ["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json" }
elseif cookie ~= "" then
  headers["Cookie"] = cookie
end

function request()
  return wrk.format("GET", nil, headers)
end

function done(summary, latency, requests)
  io.write(string.format(
    'JSON {"requests": %d, "duration_s": %.3f, "non_2xx": %d, "socket_errors": %d, ' ..
    '"p50_ms": %.1f, "p90_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3))
end
