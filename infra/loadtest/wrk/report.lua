-- What every load script shares: key=value arguments, per-thread counters, a wall clock, and
-- the JSON report that `done` writes for infra/loadtest/run.
--
-- wrk gives each thread its own Lua state: counters are thread globals, read back in `done`
-- (main state) through thread:get. The status table is what lets the driver split non-2xx
-- answers into expected refusals and errors.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } loadtest_timespec;
  int clock_gettime(int clock, loadtest_timespec *ts);
]]

local report = {}
local threads = {}
local clock = ffi.new("loadtest_timespec")

statuses = {}
counters = {}

-- Seconds on the monotonic clock (os.clock is CPU time, os.time whole seconds).
function report.now()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end

-- An open-loop schedule of `per_second` requests (for `delay()`): each call takes the next
-- slot and returns the milliseconds until it, whatever the answers before.
function report.pacer(per_second)
  local started, scheduled, interval = nil, 0, 1 / per_second
  return function()
    local now = report.now()
    started = started or now
    scheduled = scheduled + 1
    return math.max(0, math.floor((started + scheduled * interval - now) * 1000))
  end
end

-- `wrk ... -- key=value ...` as a table.
function report.arguments(args)
  local options = {}
  for _, arg in ipairs(args) do
    local key, value = arg:match("^([%w_]+)=(.*)$")
    if key then options[key] = value end
  end
  return options
end

-- Every line of a file, as a list (the token pools).
function report.lines(path)
  local lines = {}
  for line in io.lines(path) do
    if #line > 0 then lines[#lines + 1] = line end
  end
  return lines
end

function report.status(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function report.count(name, amount)
  counters[name] = (counters[name] or 0) + (amount or 1)
end

-- For `setup(thread)`: numbers the threads (0, 1, …) and keeps them for `done`.
function report.setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

-- The threads numbered by `report.setup`, for a script's own `done`.
function report.threads() return threads end

local function encode(value)
  if type(value) == "table" then
    local parts = {}
    for key, item in pairs(value) do
      parts[#parts + 1] = string.format("%q:%s", tostring(key), encode(item))
    end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif type(value) == "number" then
    return string.format("%.17g", value)
  else
    return string.format("%q", tostring(value))
  end
end

local function add(into, from)
  for key, value in pairs(from or {}) do
    into[tostring(key)] = (into[tostring(key)] or 0) + value
  end
end

-- For `done`: sums the threads' counters and writes the run's figures as JSON to LOADTEST_OUT.
function report.done(summary, latency)
  local result = {
    duration_s = summary.duration / 1e6,
    requests = summary.requests,
    bytes = summary.bytes,
    socket_errors = {
      connect = summary.errors.connect, read = summary.errors.read, write = summary.errors.write,
      timeout = summary.errors.timeout,
    },
    latency_ms = {
      p50 = latency:percentile(50) / 1000, p90 = latency:percentile(90) / 1000,
      p99 = latency:percentile(99) / 1000, p999 = latency:percentile(99.9) / 1000,
      max = latency.max / 1000, mean = latency.mean / 1000,
    },
    statuses = {},
    counters = {},
  }
  for _, thread in ipairs(threads) do
    add(result.statuses, thread:get("statuses"))
    add(result.counters, thread:get("counters"))
  end
  local path = os.getenv("LOADTEST_OUT")
  if path then
    local file = assert(io.open(path, "w"))
    file:write(encode(result), "\n")
    file:close()
  end
end

return report
