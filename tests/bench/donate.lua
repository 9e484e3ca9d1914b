-- wrk script: each request donates a different fresh voucher (codes from $CODES), so every
-- request is one durable BEGIN IMMEDIATE transaction on the server.
local codes = {}
for line in io.lines(os.getenv("CODES")) do codes[#codes + 1] = line end
local token = "benchmarkbenchmarkbenchmark12345"
local initiative = os.getenv("INITIATIVE")
local threads, counter = 2, 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local i = 0
function request()
  i = i + 1
  local code = codes[((i * threads + tid) % #codes) + 1]
  local body = "_csrf=" .. token .. "&initiatief=" .. initiative .. "&code=" .. code
  return wrk.format("POST", "/doneren/bevestigen", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "bs_csrf=" .. token,
  }, body)
end
