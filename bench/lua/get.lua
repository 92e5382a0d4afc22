-- One GET with the headers in the environment: TOKEN (optional) and IF_NONE_MATCH (optional).
local headers = {}
if os.getenv("TOKEN") and os.getenv("TOKEN") ~= "" then headers["Authorization"] = "Bearer " .. os.getenv("TOKEN") end
if os.getenv("IF_NONE_MATCH") and os.getenv("IF_NONE_MATCH") ~= "" then headers["If-None-Match"] = os.getenv("IF_NONE_MATCH") end
local path = os.getenv("TARGET")
request = function() return wrk.format("GET", path, headers) end
