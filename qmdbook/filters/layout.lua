-- layout.lua: Quarto's panel layouts. A Div with `layout-ncol`, `layout-nrow` or `layout`
-- (rows of relative widths, e.g. "[[1,1],[1]]"; a negative width is empty space) places its
-- blocks in rows: flex rows in HTML, a Typst grid in the PDF, a borderless table in DOCX.
-- A float's caption (from crossref.lua) stays outside the panel.

local function is(name) return FORMAT:match(name) ~= nil end

local function parse_layout(text)
  local rows = {}
  for row in text:gmatch("%[([^%[%]]*)%]") do
    local widths = {}
    for w in row:gmatch("[-%d.]+") do widths[#widths + 1] = tonumber(w) end
    if #widths > 0 then rows[#rows + 1] = widths end
  end
  return rows
end

-- Each image of a paragraph of images is a cell of its own, as in Quarto.
local function cells_of(blocks)
  local cells = {}
  for _, b in ipairs(blocks) do
    if b.t == "Para" then
      local images = {}
      local only = true
      for _, el in ipairs(b.content) do
        if el.t == "Image" then images[#images + 1] = el
        elseif el.t ~= "Space" and el.t ~= "SoftBreak" then only = false end
      end
      if only and #images > 1 then
        for _, img in ipairs(images) do cells[#cells + 1] = pandoc.Blocks({ pandoc.Para({ img }) }) end
      else
        cells[#cells + 1] = pandoc.Blocks({ b })
      end
    else
      cells[#cells + 1] = pandoc.Blocks({ b })
    end
  end
  return cells
end

local function rows_of(div, n)
  local layout = div.attributes["layout"]
  if layout then
    local rows = parse_layout(layout)
    if #rows > 0 then return rows end
  end
  local ncol = tonumber(div.attributes["layout-ncol"])
  local nrow = tonumber(div.attributes["layout-nrow"])
  if not ncol and nrow then ncol = math.ceil(n / nrow) end
  ncol = math.max(1, ncol or n)
  local rows = {}
  for i = 1, math.ceil(n / ncol) do
    local row = {}
    for _ = 1, ncol do row[#row + 1] = 1 end
    rows[i] = row
  end
  return rows
end

local function html_panel(rows, cells)
  local panel = pandoc.Blocks({})
  local k = 1
  for _, widths in ipairs(rows) do
    local total = 0
    for _, w in ipairs(widths) do total = total + math.abs(w) end
    local row = pandoc.Blocks({})
    for _, w in ipairs(widths) do
      local style = string.format("flex-basis: %.1f%%; min-width: 0;", 100 * math.abs(w) / total)
      if w < 0 then
        row:insert(pandoc.Div({}, pandoc.Attr("", { "quarto-layout-cell-spacer" }, { style = style })))
      else
        row:insert(pandoc.Div(cells[k] or {}, pandoc.Attr("", { "quarto-layout-cell" }, { style = style })))
        k = k + 1
      end
    end
    panel:insert(pandoc.Div(row, pandoc.Attr("", { "quarto-layout-row" },
      { style = "display: flex; gap: 1em; align-items: flex-start;" })))
  end
  return pandoc.Div(panel, pandoc.Attr("", { "quarto-layout-panel" }))
end

local function typst_panel(rows, cells)
  local out = pandoc.Blocks({})
  local k = 1
  for _, widths in ipairs(rows) do
    local cols = {}
    for _, w in ipairs(widths) do cols[#cols + 1] = tostring(math.abs(w)) .. "fr" end
    out:insert(pandoc.RawBlock("typst", "#grid(columns: (" .. table.concat(cols, ", ")
      .. ",), column-gutter: 1em, row-gutter: 1em, align: center + top,"))
    for _, w in ipairs(widths) do
      if w < 0 then
        out:insert(pandoc.RawBlock("typst", "[],"))
      else
        -- The cell's blocks stay pandoc blocks, so later filters (images, alt text) see them.
        out:insert(pandoc.RawBlock("typst", "["))
        out:extend(cells[k] or {})
        out:insert(pandoc.RawBlock("typst", "],"))
        k = k + 1
      end
    end
    out:insert(pandoc.RawBlock("typst", ")"))
  end
  return out
end

local function table_panel(rows, cells)
  local ncol = 0
  for _, widths in ipairs(rows) do ncol = math.max(ncol, #widths) end
  local body, k = {}, 1
  for _, widths in ipairs(rows) do
    local row = {}
    for i = 1, ncol do
      local w = widths[i]
      if w and w > 0 then
        row[i] = cells[k] or pandoc.Blocks({})
        k = k + 1
      else
        row[i] = pandoc.Blocks({})
      end
    end
    body[#body + 1] = row
  end
  local aligns, widths, headers = {}, {}, {}
  for i = 1, ncol do
    aligns[i], widths[i], headers[i] = pandoc.AlignCenter, 1 / ncol, pandoc.Blocks({})
  end
  local simple = pandoc.SimpleTable({}, aligns, widths, headers, body)
  local tbl = pandoc.utils.from_simple_table(simple)
  tbl.head = pandoc.TableHead({})
  tbl.classes:insert("quarto-layout-panel")
  return tbl
end

function Div(div)
  local a = div.attributes
  if not (a["layout-ncol"] or a["layout-nrow"] or a["layout"]) then return nil end
  local keep_before, keep_after, inner = pandoc.Blocks({}), pandoc.Blocks({}), pandoc.Blocks({})
  for i, b in ipairs(div.content) do
    if b.t == "Div" and b.classes:includes("quarto-float-caption") then
      if i == 1 then keep_before:insert(b) else keep_after:insert(b) end
    else
      inner:insert(b)
    end
  end
  local cells = cells_of(inner)
  local rows = rows_of(div, #cells)
  for _, key in ipairs({ "layout-ncol", "layout-nrow", "layout", "layout-align", "layout-valign" }) do
    a[key] = nil
  end
  local panel
  if is("html") then panel = pandoc.Blocks({ html_panel(rows, cells) })
  elseif is("typst") then panel = typst_panel(rows, cells)
  else panel = pandoc.Blocks({ table_panel(rows, cells) }) end
  div.content = keep_before .. panel .. keep_after
  return div
end
