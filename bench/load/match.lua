-- wrk script: single-query POST /match/default, cycling through names in
-- several scripts (no two consecutive requests alike). KEY comes from the
-- environment (an API key with the screener role).
local names = {
  {"Person", "Kim Jong Un"}, {"Person", "김정은"}, {"Person", "Ri Chol Nam"},
  {"Person", "Pak Kyong Thaek"}, {"Organization", "Korea Mining Development Trading Corporation"},
  {"Person", "Vladimir Putin"}, {"Company", "Dandong Hongxiang Industrial Development"},
  {"Person", "Jung Gyeong-taek"}, {"Person", "金正恩"}, {"Vessel", "Chon Ma San"},
  {"Person", "John Smith"}, {"Organization", "Korea Ryonbong General Corporation"},
}
local bodies = {}
for i, n in ipairs(names) do
  bodies[i] = string.format(
    '{"queries": {"q": {"schema": "%s", "properties": {"name": ["%s"]}}}}', n[1], n[2])
end
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("KEY") or "")

request = function()
  counter = counter + 1
  return wrk.format(nil, "/match/default", nil, bodies[(counter % #bodies) + 1])
end

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("requests: %d, non-200: %d (per thread script counts: see above), socket errors: connect %d read %d write %d timeout %d\n",
    summary.requests, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, mean %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000))
end
