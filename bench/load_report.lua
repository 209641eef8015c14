-- wrk script for bench/load.py: POST /api/v1/reports with a new Idempotency-Key and a report
-- at a random point in central Trollhättan on every request. Prints a JSON summary at the end.
-- Needs the environment variable TRYGG_TOKEN (an API token of a reporting user).

local token = os.getenv("TRYGG_TOKEN") or ""
-- a different value for every wrk run (bench/load.py sets it): the keys of one run never repeat another's,
-- which the server would answer from its idempotency records without storing a report
local run = os.getenv("TRYGG_RUN") or tostring(os.time())
local categories = { "vandalism", "disorder", "littering", "unsafe_place", "traffic" }
local counter = 0
local started = 0

-- setup() runs in the main Lua state; thread:set() makes `thread_no` a global of that thread's
-- state (a `local` of the same name would hide it), so every thread makes its own keys.
function setup(thread)
  started = started + 1
  thread:set("thread_no", started)
end

function init(args)
  math.randomseed(2022 + thread_no)
end

function request()
  counter = counter + 1
  local lon = 12.275 + math.random() * 0.025
  local lat = 58.278 + math.random() * 0.012
  local body = string.format(
    '{"category":"%s","description":"Belastningsprov","lon":%.6f,"lat":%.6f,' ..
    '"occurred_from":"2025-03-0%dT21:30:00+01:00","insecurity":%d}',
    categories[math.random(#categories)], lon, lat, math.random(1, 9), math.random(1, 5))
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("load-%s-%d-%d-%d", run, thread_no, counter, math.random(1, 2147483647)),
  }
  return wrk.format("POST", nil, headers, body)
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
