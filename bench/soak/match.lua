-- The soak's 12 screening names as `POST /match/default` bodies, for wrk
-- (bench/soak/screening-cost.sh). The key comes from $KEY.
local names = {
 {"Person","Kim Jong Un"},{"Person","김정은"},{"Person","Ri Chol Nam"},{"Person","Pak Kyong Thaek"},
 {"Organization","Korea Mining Development Trading Corporation"},{"Person","Vladimir Putin"},
 {"Company","Dandong Hongxiang Industrial Development"},{"Person","Jung Gyeong-taek"},{"Person","金正恩"},
 {"Vessel","Chon Ma San"},{"Person","John Smith"},{"Organization","Korea Ryonbong General Corporation"}}
local i = 0
request = function()
  i = i + 1
  local n = names[(i % 12) + 1]
  local body = string.format('{"queries": {"q": {"schema": "%s", "properties": {"name": ["%s"]}}}}', n[1], n[2])
  return wrk.format("POST", "/match/default", {["Content-Type"]="application/json", ["Authorization"]="Bearer " .. os.getenv("KEY")}, body)
end
