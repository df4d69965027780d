-- crossref.lua: the one numbering source for every output format.
-- Chapters 1..n, appendices A, B...; sections 3.1, 3.1.2; figures and tables per chapter
-- ("Figure 3.2", "Table A.1"). `@fig-x`, `@tbl-x`, `@sec-x` become links; `[-@fig-x]` gives the
-- number only. Crossref keys are split from citation keys in mixed citations (trap 3), so only
-- real citations reach citeproc. Reads the chapter list the assembler writes to meta.qmdbook.
package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. "/?.lua;" .. package.path
local diag = require("diag")

local NBSP = "\u{A0}"  -- keeps "Figure" and its number on one line
local KINDS = { fig = "Figure", tbl = "Table", sec = "Section", eq = "Equation" }
local labels = {}     -- id -> { kind, number, title (Inlines), chapter_level, appendix }
local chapters = {}   -- heading id -> { number, source, appendix }
local sources = {}

local function read_chapters(meta)
  local book = meta["qmdbook"]
  if not (book and book.chapters) then return end
  for _, ch in ipairs(book.chapters) do
    local number = ch.number and pandoc.utils.stringify(ch.number) or ""
    chapters[pandoc.utils.stringify(ch.id)] = {
      number = number ~= "" and number or nil,
      appendix = ch.appendix == true,
    }
  end
  sources = diag.chapter_sources(meta)
end

local function number_span(number)
  return pandoc.Span({ pandoc.Str(number) }, pandoc.Attr("", { "header-section-number" }))
end

local function prefix_caption(blocks, text)
  local label = pandoc.Inlines({ pandoc.Str(text) })
  local first = blocks[1]
  if first and (first.t == "Plain" or first.t == "Para") then
    if #first.content > 0 then
      label:insert(pandoc.Str(":"))
      label:insert(pandoc.Space())
    end
    first.content = label .. first.content
  else
    blocks:insert(1, pandoc.Plain(label))
  end
  return blocks
end

-- Numbering state, walked in document order.
local cur = nil          -- current chapter record
local sections = {}      -- section counters for levels 2..6
local floats = {}        -- kind -> counter within the chapter
local unnumbered_count = { fig = 0, tbl = 0 }

local function float_number(kind)
  if cur and cur.number then
    floats[kind] = (floats[kind] or 0) + 1
    return cur.number .. "." .. floats[kind]
  end
  unnumbered_count[kind] = unnumbered_count[kind] + 1
  return tostring(unnumbered_count[kind])
end

local function on_header(h)
  if h.level == 1 then
    cur = chapters[h.identifier] or { number = nil }
    if h.classes:includes("unnumbered") then cur = { number = nil } end
    sections, floats = {}, {}
    if cur.number then h.content = pandoc.Inlines({ number_span(cur.number), pandoc.Space() }) .. h.content end
    labels[h.identifier] = {
      kind = "sec", number = cur.number, title = h.content, chapter_level = true,
      appendix = cur.appendix,
    }
    return h
  end
  local number = nil
  if cur and cur.number and not h.classes:includes("unnumbered") then
    sections[h.level] = (sections[h.level] or 0) + 1
    for l = h.level + 1, 6 do sections[l] = nil end
    local parts = { cur.number }
    for l = 2, h.level do parts[#parts + 1] = tostring(sections[l] or 0) end
    number = table.concat(parts, ".")
    h.content = pandoc.Inlines({ number_span(number), pandoc.Space() }) .. h.content
  end
  if h.identifier ~= "" then
    labels[h.identifier] = { kind = "sec", number = number, title = h.content }
  end
  return h
end

local function on_float_div(div, kind)
  local number = float_number(kind)
  local text = KINDS[kind] .. NBSP .. number
  local found = false
  div.content = div.content:walk({
    Figure = function(fig)
      if found or kind ~= "fig" then return nil end
      found = true
      fig.caption.long = prefix_caption(fig.caption.long, text)
      return fig
    end,
    Table = function(tbl)
      if found or kind ~= "tbl" then return nil end
      found = true
      tbl.caption.long = prefix_caption(tbl.caption.long, text)
      return tbl
    end,
  })
  if not found then
    -- A Quarto "div float": the last paragraph is the caption.
    local last = div.content[#div.content]
    if last and last.t == "Para" then
      prefix_caption(pandoc.Blocks({ last }), text)
    end
  end
  labels[div.identifier] = { kind = kind, number = number }
  return div
end

local function number_blocks(blocks)
  for i, b in ipairs(blocks) do
    if b.t == "Header" then
      blocks[i] = on_header(b)
    elseif b.t == "Div" then
      local kind = b.identifier:match("^(%a+)%-")
      if (kind == "fig" or kind == "tbl") and not b.classes:find("callout", 1) then
        blocks[i] = on_float_div(b, kind)
      else
        number_blocks(b.content)
      end
    elseif b.t == "BlockQuote" then
      number_blocks(b.content)
    end
  end
end

-- References ----------------------------------------------------------------------------------

local cur_source = ""

local function is_crossref(id)
  local prefix = id:match("^(%a+)%-")
  return prefix ~= nil and KINDS[prefix:lower()] ~= nil
end

local function ref_text(label, mode)
  if mode == "SuppressAuthor" then
    return pandoc.Inlines({ pandoc.Str(label.number or "?") })
  end
  if label.kind == "sec" then
    if label.chapter_level and label.number then
      local word = label.appendix and "Appendix" or "Chapter"
      return pandoc.Inlines({ pandoc.Str(word .. NBSP .. label.number) })
    end
    if label.number then
      return pandoc.Inlines({ pandoc.Str("Section" .. NBSP .. label.number) })
    end
    -- An unnumbered target: its title, without any number span.
    return pandoc.Inlines(pandoc.utils.stringify(label.title))
  end
  return pandoc.Inlines({ pandoc.Str(KINDS[label.kind] .. NBSP .. label.number) })
end

local function crossref_inlines(c, meta)
  local id = c.id
  local label = labels[id] or labels[id:sub(1, 1):lower() .. id:sub(2)]
  local out = pandoc.Inlines({})
  if #c.prefix > 0 then
    out:extend(c.prefix)
    out:insert(pandoc.Space())
  end
  if label then
    out:insert(pandoc.Link(ref_text(label, c.mode), "#" .. (labels[id] and id or id:sub(1, 1):lower() .. id:sub(2))))
  else
    diag.report(meta, "xref", cur_source, id, "unresolved cross-reference @" .. id)
    out:insert(pandoc.Strong({ pandoc.Str("?@" .. id) }))
  end
  if #c.suffix > 0 then out:extend(c.suffix) end
  return out
end

local function rebuild_cite(citations)
  local text = {}
  for _, c in ipairs(citations) do text[#text + 1] = "@" .. c.id end
  return pandoc.Cite(pandoc.Inlines(table.concat(text, "; ")), citations)
end

local function resolve(meta)
  return {
    Cite = function(cite)
      local any = false
      for _, c in ipairs(cite.citations) do
        if is_crossref(c.id) then any = true end
      end
      if not any then return nil end
      local out = pandoc.Inlines({})
      local pending = {}
      local function flush()
        if #pending > 0 then
          if #out > 0 then out:insert(pandoc.Space()) end
          out:insert(rebuild_cite(pending))
          pending = {}
        end
      end
      local first_ref = true
      for _, c in ipairs(cite.citations) do
        if is_crossref(c.id) then
          flush()
          if not first_ref then
            out:insert(pandoc.Str(";"))
            out:insert(pandoc.Space())
          elseif #out > 0 then
            out:insert(pandoc.Space())
          end
          out:extend(crossref_inlines(c, meta))
          first_ref = false
        else
          pending[#pending + 1] = c
        end
      end
      flush()
      return out
    end,
  }
end

function Pandoc(doc)
  read_chapters(doc.meta)
  number_blocks(doc.blocks)
  local filter = resolve(doc.meta)
  for i, b in ipairs(doc.blocks) do
    if b.t == "Header" and b.level == 1 then
      cur_source = sources[b.identifier] or ""
    end
    doc.blocks[i] = pandoc.Blocks({ b }):walk(filter)[1]
  end
  return doc
end
