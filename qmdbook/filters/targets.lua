-- The formats a filter writes for. In the engine's shared pass (one pandoc run whose AST serves
-- several formats) pandoc's FORMAT is "json", so the engine names the formats in the
-- `qmdbook-targets` metadata ("typst,docx"); anywhere else they are FORMAT alone.
local M = {}

function M.list(meta)
  local given = meta and meta["qmdbook-targets"]
  local found = {}
  if given then
    for name in pandoc.utils.stringify(given):gmatch("[^,%s]+") do found[#found + 1] = name end
  end
  if #found == 0 then found[1] = FORMAT end
  return found
end

-- Whether any of the targets is `name` (matched as FORMAT is: "html" matches "chunkedhtml").
function M.any(list, name)
  for _, t in ipairs(list) do
    if t:match(name) then return true end
  end
  return false
end

return M
