-- Typst-only rewriting, run after the core's filters.
-- pandoc's typst writer drops alt text (PDF/UA-1 refuses images without it) and writes image
-- paths verbatim, which Typst resolves against the .typ file rather than --resource-path. So
-- every image becomes raw Typst with an absolute path (the compile root is "/") and its alt text.

local function typst_string(s)
  s = s:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("[\r\n\t]+", " ")
  return '"' .. s .. '"'
end

local function is_remote(src)
  return src:match("^%a[%w+.-]*://") ~= nil or src:match("^data:") ~= nil
end

local function resolve(src)
  if is_remote(src) or src:sub(1, 1) == "/" then
    return src
  end
  local decoded = src:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end)
  for _, dir in ipairs(PANDOC_STATE.resource_path or { "." }) do
    local candidate = pandoc.path.join({ dir, decoded })
    if not pandoc.path.is_absolute(candidate) then
      candidate = pandoc.path.join({ pandoc.system.get_working_directory(), candidate })
    end
    local f = io.open(candidate, "rb")
    if f then
      f:close()
      return pandoc.path.normalize(candidate)
    end
  end
  -- Left relative: Typst then reports the missing file by name, which is the clearest error.
  return decoded
end

local function dimension(value)
  if not value then return nil end
  local num, unit = value:match("^([%d.]+)%s*(%a*%%?)$")
  if not num then return nil end
  if unit == "px" or unit == "" then
    return string.format("%.2fpt", tonumber(num) * 0.75)
  end
  if unit == "%" or unit == "pt" or unit == "mm" or unit == "cm" or unit == "in"
      or unit == "em" then
    return num .. unit
  end
  return nil
end

local function image_call(img, fallback_alt)
  local alt = img.attributes["fig-alt"] or img.attributes["alt"]
  if not alt or alt == "" then
    alt = pandoc.utils.stringify(img.caption)
  end
  if alt == "" then
    alt = fallback_alt or ""
  end
  local args = { typst_string(resolve(img.src)) }
  if alt ~= "" then
    table.insert(args, "alt: " .. typst_string(alt))
  end
  local w = dimension(img.attributes["width"])
  local h = dimension(img.attributes["height"])
  if w then table.insert(args, "width: " .. w) end
  if h then table.insert(args, "height: " .. h) end
  return "image(" .. table.concat(args, ", ") .. ")"
end

function Figure(fig)
  -- The caption is the best alt text left when the author gave none.
  local caption = pandoc.utils.stringify(fig.caption.long)
  fig.content = fig.content:walk({
    Image = function(img)
      return pandoc.RawInline("typst", "#box(" .. image_call(img, caption) .. ")")
    end,
  })
  return fig
end

function Image(img)
  return pandoc.RawInline("typst", "#box(" .. image_call(img) .. ")")
end

-- pandoc writes default-aligned columns as `auto`, which inherits the centring pandoc wraps
-- around the table, so text columns would read centred; reports align text to the left.
function Table(tbl)
  for _, spec in ipairs(tbl.colspecs) do
    if spec[1] == "AlignDefault" then
      spec[1] = "AlignLeft"
    end
  end
  return tbl
end

-- PDF/UA-1 also wants alt text on every equation; the author's TeX is the best description
-- there is (screen readers speak it). The set rule is scoped to this one equation.
function Math(m)
  local typst = pandoc.write(pandoc.Pandoc({ pandoc.Plain({ m }) }), "typst"):gsub("%s+$", "")
  return pandoc.RawInline("typst",
    "#[#set math.equation(alt: " .. typst_string(m.text:match("^%s*(.-)%s*$")) .. ");"
    .. typst .. "]")
end

-- Quarto's `fig-pos` (LaTeX's float specifier) lets a figure float in print, so a tall one
-- moves to where it fits while the text goes on filling the page: "t" or "b" to the top or
-- bottom of a page, "H" or "h" where it stands (as without the option), anything else ("p",
-- "tbp", "!htbp") wherever it fits first. A float cannot leave the block pandoc writes for a
-- Div, so the figure is written without one, the Div's id becoming the figure's own label.
local function placement(pos)
  pos = pos:gsub("!", "")
  if pos == "" or pos:match("[Hh]") and not pos:match("[tbp]") then return nil end
  if pos == "t" then return "top" end
  if pos == "b" then return "bottom" end
  return "auto"
end

function Div(div)
  local pos = div.attributes["fig-pos"]
  local where = pos and placement(pos)
  if not where then return nil end
  local blocks = pandoc.Blocks({ pandoc.RawBlock("typst", "#[#set figure(placement: " .. where .. ")") })
  blocks:extend(div.content)
  if div.identifier ~= "" then
    blocks:insert(pandoc.RawBlock("typst", "<" .. div.identifier .. ">"))
  end
  blocks:insert(pandoc.RawBlock("typst", "]"))
  return blocks
end

return {
  { Figure = Figure, Table = Table, Math = Math, Div = Div },
  { Image = Image },
}
