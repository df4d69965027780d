-- missingimages.lua: an image whose file is not found is reported with its chapter (as Quarto
-- warns) and shown as its description in brackets, instead of aborting the PDF or leaving a
-- broken image in HTML. Runs after format.lua has given the engine's figures their extension.
package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. "/?.lua;" .. package.path
local diag = require("diag")

local function exists(src)
  if src:match("^%a[%w+.-]*:") or src:match("^data:") then return true end
  local path = src:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end)
  path = path:gsub("[?#].*$", "")
  local candidates = {}
  if pandoc.path.is_absolute(path) then
    candidates = { path }
  else
    for _, dir in ipairs(PANDOC_STATE.resource_path or { "." }) do
      candidates[#candidates + 1] = pandoc.path.join({ dir, path })
    end
  end
  for _, candidate in ipairs(candidates) do
    local f = io.open(candidate, "rb")
    if f then
      f:close()
      return true
    end
  end
  return false
end

function Pandoc(doc)
  local cur = ""
  local filter = {
    Image = function(img)
      if exists(img.src) then return nil end
      diag.report(doc.meta, "option", cur, img.src, "image not found: " .. img.src)
      local text = pandoc.utils.stringify(img.caption)
      if text == "" then text = img.attributes["alt"] or img.src end
      return pandoc.Span({ pandoc.Str("[" .. text .. "]") }, pandoc.Attr("", { "missing-image" }))
    end,
  }
  return diag.walk_by_chapter(doc, filter, function(source) cur = source end)
end
