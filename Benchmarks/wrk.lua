-- wrk script for Benchmarks/run. Arguments (after --):
--   get                                  plain GETs of the URL given to wrk
--   graphql <query>                      POST the query (no double quotes in it) as JSON to the URL given to wrk
--   enrol <sessions file> <course slug>  POST /courses/<slug>/enrol, each request as the next signed-in user
--   enrol-once <sessions file> <slug>    the same, each user once (new places only): a thread stops when its share
--                                        of the users is answered (the few requests then in flight repeat a user)
--   login <anonymous file> <users file> <password>
--                                        POST /login, each request with a fresh anonymous session and the next user
--                                        (LOGIN_OFFSET: where in the anonymous file this run starts)
-- Every mode ends with one line: RESULT <req/s> <p50 ms> <p99 ms> <errors> <requests> (enrol-once: new places/s and
-- new places, over the time they took)

local thread_count = 0

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

local function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    local fields = {}
    for field in line:gmatch("%S+") do fields[#fields + 1] = field end
    lines[#lines + 1] = fields
  end
  return lines
end

local function encode(text)
  return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- enrol-once times its own run: wrk's summary counts the whole -d, and a thread that has enrolled its share of the
-- users stops before that. Each thread notes when it sent its first request and when its last new place was answered.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } lectern_timespec;
  int clock_gettime(int clock, lectern_timespec *time);
]]
local function monotonic_seconds()
  local time = ffi.new("lectern_timespec")
  ffi.C.clock_gettime(1, time) -- CLOCK_MONOTONIC
  return tonumber(time.tv_sec) + tonumber(time.tv_nsec) / 1e9
end

-- Only enrol-once looks at responses: a response function makes wrk hand every response to Lua, which slows the others.
local answered = 0
local function count_answer(status, headers, body)
  -- Each of the two threads takes every other user (see request); what is answered after its share repeats a user.
  if answered >= #sessions / 2 then return end
  answered = answered + 1
  wrk.thread:set("answered", answered)
  wrk.thread:set("finished", monotonic_seconds())
  if answered >= #sessions / 2 then wrk.thread:stop() end
end

function init(args)
  mode = args[1] or "get"
  step = 0
  if mode == "graphql" then
    graphql_body = '{"query":"' .. args[2] .. '"}'
  end
  if mode == "enrol-once" then response = count_answer end
  if mode == "enrol" or mode == "enrol-once" then
    sessions = read_lines(args[2])
    path = "/courses/" .. args[3] .. "/enrol"
  elseif mode == "login" then
    anonymous = read_lines(args[2])
    users = read_lines(args[3])
    password = args[4]
    -- Each run starts on sessions no earlier run used (Benchmarks/run sets the offset).
    offset = tonumber(os.getenv("LOGIN_OFFSET") or "0")
  end
end

function request()
  step = step + 1
  if mode == "enrol-once" and step == 1 then wrk.thread:set("started", monotonic_seconds()) end
  if mode == "graphql" then
    return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, graphql_body)
  end
  if mode == "enrol" or mode == "enrol-once" then
    local s = sessions[((step * 2 + thread_id) % #sessions) + 1]
    return wrk.format("POST", path, {
      ["Cookie"] = "lectern_session=" .. s[1],
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "_csrf=" .. encode(s[2]))
  elseif mode == "login" then
    -- Each anonymous session is used once: logging in replaces it.
    local index = (offset + step * 2 + thread_id) % #anonymous + 1
    local a = anonymous[index]
    local u = users[index % #users + 1]
    return wrk.format("POST", "/login", {
      ["Cookie"] = "lectern_session=" .. a[1],
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "_csrf=" .. encode(a[2]) .. "&email=" .. encode(u[3]) .. "&password=" .. encode(password) .. "&next=%2Fdashboard")
  end
  return wrk.request()
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  -- done runs in wrk's main Lua state, where init never ran: what the threads noted tells an enrol-once run.
  local first, last, places = math.huge, 0, 0
  for _, thread in ipairs(threads) do
    first = math.min(first, thread:get("started") or math.huge)
    last = math.max(last, thread:get("finished") or 0)
    places = places + (thread:get("answered") or 0)
  end
  if first < math.huge then
    local rate = last > first and places / (last - first) or 0
    io.write(string.format("RESULT %.0f %.2f %.2f %d %d\n", rate, latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, places))
    return
  end
  io.write(string.format("RESULT %.0f %.2f %.2f %d %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, summary.requests))
end
