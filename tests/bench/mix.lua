-- wrk script: each request asks for a path picked at random from the file $PATHS (one a
-- line), with the Cookie header $COOKIE when set: many different pages, as real visitors ask.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local cookie = os.getenv("COOKIE")
local headers = {}
if cookie and cookie ~= "" then headers["Cookie"] = cookie end

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init()
  math.randomseed(seed)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end
