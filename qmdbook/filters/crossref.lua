-- crossref.lua: the one numbering source for every output format.
-- Chapters 1..n, appendices A, B...; sections 3.1, 3.1.2; every other kind Quarto numbers, per
-- chapter ("Figure 3.2", "Table A.1", "Equation 2.1", "Theorem 1.1", "Listing 4.1", "Tip 2.1"),
-- with subfigures and subtables lettered under their parent ("Figure 3.2 (a)"). Div floats take
-- their caption from `fig-cap=` or their last paragraph. `crossref:` options from _quarto.yml
-- (titles, prefixes, title-delim, labels, subref-labels, chapters, ref-hyperlink) arrive as
-- meta.qmdbook-crossref. `@id` becomes a link; `[-@fig-x]` gives the number only. Crossref keys are split from citation keys in mixed citations (trap 3), so only
-- real citations reach citeproc. Reads the chapter list the assembler writes to meta.qmdbook.
package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. "/?.lua;" .. package.path
local diag = require("diag")

local NBSP = "\u{A0}"  -- keeps "Figure" and its number on one line
-- Every kind Quarto cross-references, with its default caption title and reference prefix.
local KINDS = {
  fig = "Figure", tbl = "Table", sec = "Section", eq = "Equation", lst = "Listing",
  thm = "Theorem", lem = "Lemma", cor = "Corollary", prp = "Proposition", cnj = "Conjecture",
  def = "Definition", exm = "Example", exr = "Exercise", sol = "Solution", rem = "Remark",
  alg = "Algorithm", nte = "Note", tip = "Tip", wrn = "Warning", imp = "Important",
  cau = "Caution",
}
local THEOREMS = { thm = true, lem = true, cor = true, prp = true, cnj = true, def = true,
  exm = true, exr = true, sol = true, rem = true, alg = true }
local CALLOUT_KEYS = { note = "nte", tip = "tip", warning = "wrn", important = "imp", caution = "cau" }
local PROOFS = { proof = "Proof", remark = "Remark", solution = "Solution" }
local FLOATS = { fig = true, tbl = true, lst = true }
local CUSTOM = {}     -- custom float kinds from `crossref: custom` (their options are in opts)

local labels = {}     -- id -> { kind, number, sub, title (Inlines), chapter_level, appendix }
local chapters = {}   -- heading id -> { number, source, appendix }
local sources = {}
local opts = {}       -- crossref: options from _quarto.yml (validated by the engine)

local function opt(key, default)
  local v = opts[key]
  if v == nil then return default end
  return v
end

local function read_chapters(meta)
  local book = meta["qmdbook"]
  local options = meta["qmdbook-crossref"]
  if options then
    for k, v in pairs(options) do
      if type(v) == "boolean" then opts[k] = v else opts[k] = pandoc.utils.stringify(v) end
    end
  end
  for key in (opts["custom-kinds"] or ""):gmatch("[^,]+") do
    KINDS[key], FLOATS[key], CUSTOM[key] = opts[key .. "-title"], true, true
  end
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

local function title_of(kind) return opt(kind .. "-title", KINDS[kind]) end
local function prefix_of(kind) return opt(kind .. "-prefix", KINDS[kind]) end
-- Between a prefix and its number; a custom kind may ask for none (space-before-numbering).
local function gap_of(kind) return opt(kind .. "-space", true) == false and "" or NBSP end

local ROMAN = { { 1000, "m" }, { 900, "cm" }, { 500, "d" }, { 400, "cd" }, { 100, "c" },
  { 90, "xc" }, { 50, "l" }, { 40, "xl" }, { 10, "x" }, { 9, "ix" }, { 5, "v" }, { 4, "iv" },
  { 1, "i" } }

-- A counter in one of Quarto's label styles: arabic, roman, roman i/I, alpha x (x = first letter).
local function styled(n, style)
  style = style or "arabic"
  local kind, first = style:match("^(%a+)%s*(%S*)$")
  if kind == "roman" then
    local out, rest = "", n
    for _, pair in ipairs(ROMAN) do
      while rest >= pair[1] do out, rest = out .. pair[2], rest - pair[1] end
    end
    return first == "I" and out:upper() or out
  elseif kind == "alpha" then
    local base = (first ~= "" and first or "a"):byte()
    return string.char(base + n - 1)
  end
  return tostring(n)
end

local function number_span(number)
  return pandoc.Span({ pandoc.Str(number) }, pandoc.Attr("", { "header-section-number" }))
end

local function caption_label(kind, number)
  return title_of(kind) .. gap_of(kind) .. number
end

local function prefix_caption(blocks, text)
  local label = pandoc.Inlines({ pandoc.Str(text) })
  local first = blocks[1]
  if first and (first.t == "Plain" or first.t == "Para") then
    if #first.content > 0 then
      label:insert(pandoc.Str(opt("title-delim", ":")))
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
local book_counts = {}   -- kind -> counter across unnumbered chapters (or all, chapters: false)

local function next_number(kind)
  local style = opt(kind .. "-labels", opt("labels", "arabic"))
  if cur and cur.number and opt("chapters", true) ~= false then
    floats[kind] = (floats[kind] or 0) + 1
    return cur.number .. "." .. styled(floats[kind], style)
  end
  book_counts[kind] = (book_counts[kind] or 0) + 1
  return styled(book_counts[kind], style)
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

local function only_images(block)
  if block.t ~= "Para" and block.t ~= "Plain" then return false end
  for _, el in ipairs(block.content) do
    if el.t ~= "Image" and el.t ~= "Space" and el.t ~= "SoftBreak" and el.t ~= "LineBreak" then
      return false
    end
  end
  return #block.content > 0
end

local function parse_inlines(text)
  local blocks = pandoc.read(text, "markdown").blocks
  return blocks[1] and blocks[1].content or pandoc.Inlines({})
end

-- Subfloats: captioned figures (or tables) inside a float, lettered (a), (b)...; those with an
-- id are referenced as the parent's number and their letter.
local function letter_subfloats(div, kind, number)
  local n = 0
  local style = opt("subref-labels", "alpha a")
  local function sub(caption, id)
    n = n + 1
    local letter = styled(n, style)
    local first = caption[1]
    if first and (first.t == "Plain" or first.t == "Para") then
      first.content = pandoc.Inlines({ pandoc.Str("(" .. letter .. ")"), pandoc.Space() }) .. first.content
    end
    if id and id ~= "" then labels[id] = { kind = kind, number = number, sub = letter } end
  end
  local function visit(blocks)
    for _, b in ipairs(blocks) do
      if b.t == "Div" and b.classes:includes("quarto-float") and #b.content == 1 then
        local inner = b.content[1]
        if (kind == "fig" and inner.t == "Figure") or (kind == "tbl" and inner.t == "Table") then
          sub(inner.caption.long, b.identifier)
        end
      elseif kind == "fig" and b.t == "Figure" then
        if #b.caption.long > 0 then sub(b.caption.long, b.identifier) end
      elseif kind == "tbl" and b.t == "Table" then
        if #b.caption.long > 0 then sub(b.caption.long, b.identifier) end
      elseif b.t == "Div" then
        visit(b.content)
      end
    end
  end
  visit(div.content)
  return n
end

local function caption_div(inlines, kind, number)
  local blocks = prefix_caption(pandoc.Blocks({ pandoc.Para(inlines) }), caption_label(kind, number))
  return pandoc.Div(blocks, pandoc.Attr("", { "quarto-float-caption", "quarto-float-caption-" .. kind }))
end

local function on_float_div(div, kind)
  local number = next_number(kind)
  labels[div.identifier] = { kind = kind, number = number }
  local content = div.content
  local cap_attr = div.attributes[kind .. "-cap"]
  div.attributes[kind .. "-cap"] = nil
  local caption = nil
  if cap_attr then
    caption = parse_inlines(cap_attr)
  elseif #content > 1 and content[#content].t == "Para" and not only_images(content[#content]) then
    caption = content[#content].content
    content:remove(#content)
  end
  local margin = opt(kind .. "-cap-location", "") == "margin"
  if caption == nil and #content == 1 and margin then
    -- A margin caption leaves its figure or table so it can sit beside it.
    local only = content[1]
    if (kind == "fig" and only.t == "Figure") or (kind == "tbl" and only.t == "Table") then
      caption = pandoc.utils.blocks_to_inlines(only.caption.long)
      only.caption.long = pandoc.Blocks({})
    end
  end
  if caption == nil and #content == 1 then
    local only = content[1]
    if (kind == "fig" and only.t == "Figure") or (kind == "tbl" and only.t == "Table") then
      only.caption.long = prefix_caption(only.caption.long, caption_label(kind, number))
      return div
    end
  end
  letter_subfloats(div, kind, number)
  if caption == nil then caption = pandoc.Inlines({}) end
  local cap = caption_div(caption, kind, number)
  -- Quarto's defaults: captions below figures, above tables and listings.
  local below = kind == "fig" or CUSTOM[kind]
  local location = opt(kind .. "-cap-location", below and "bottom" or "top")
  if location == "margin" then cap.classes:insert("column-margin") end
  if location == "top" then content:insert(1, cap) else content:insert(cap) end
  div.content = content
  return div
end

-- `$$ ... $$ {#eq-x}`: numbered display maths, on a Div of its own so its id survives page
-- splitting; the number follows the maths as Quarto writes it for non-LaTeX formats.
local function on_equations(para)
  local inl = para.content
  local out = pandoc.Blocks({})
  local pending = pandoc.Inlines({})
  local i = 1
  local found = false
  while i <= #inl do
    local el = inl[i]
    local j = i + 1
    if inl[j] and inl[j].t == "Space" then j = j + 1 end
    local id = el.t == "Math" and el.mathtype == "DisplayMath" and inl[j] and inl[j].t == "Str"
      and inl[j].text:match("^{#(eq%-[^}%s]+)}$")
    if id then
      found = true
      while #pending > 0 and (pending[#pending].t == "Space" or pending[#pending].t == "SoftBreak") do
        pending:remove(#pending)
      end
      if #pending > 0 then out:insert(pandoc.Para(pending)) end
      pending = pandoc.Inlines({})
      local number = next_number("eq")
      labels[id] = { kind = "eq", number = number }
      local math = pandoc.Math("DisplayMath", el.text .. " \\qquad(" .. number .. ")")
      out:insert(pandoc.Div({ pandoc.Para({ math }) }, pandoc.Attr(id, { "quarto-equation" })))
      i = j + 1
      while inl[i] and (inl[i].t == "Space" or inl[i].t == "SoftBreak") do i = i + 1 end
    else
      pending:insert(el)
      i = i + 1
    end
  end
  if not found then return pandoc.Blocks({ para }) end
  if #pending > 0 then out:insert(pandoc.Para(pending)) end
  return out
end

-- ```{#lst-x lst-cap="..."}: a code block as a numbered listing, its caption above it.
local function on_listing_block(code)
  local id = code.identifier
  local cap = code.attributes["lst-cap"]
  code.identifier = ""
  code.attributes["lst-cap"] = nil
  local div = pandoc.Div({ code }, pandoc.Attr(id, { "quarto-float", "listing" }))
  if cap then div.attributes["lst-cap"] = cap end
  return on_float_div(div, "lst")
end

local function env_title(div)
  local first = div.content[1]
  local name = div.attributes["name"] or div.attributes["title"]
  div.attributes["name"], div.attributes["title"] = nil, nil
  if first and first.t == "Header" then
    div.content:remove(1)
    return first.content
  end
  return name and parse_inlines(name) or nil
end

local function lead_with(div, inlines)
  local first = div.content[1]
  if first and first.t == "Para" then
    first.content = inlines .. pandoc.Inlines({ pandoc.Space() }) .. first.content
  else
    div.content:insert(1, pandoc.Para(inlines))
  end
end

-- Theorem, lemma, ... definitions: "Theorem 2.1 (Name)" leads the first paragraph.
local function on_theorem(div, kind)
  local number = next_number(kind)
  local name = env_title(div)
  labels[div.identifier] = { kind = kind, number = number }
  local head = pandoc.Inlines({ pandoc.Str(caption_label(kind, number)) })
  if name and #name > 0 then
    head:insert(pandoc.Space())
    head:extend(pandoc.Inlines({ pandoc.Str("(") }) .. name .. pandoc.Inlines({ pandoc.Str(")") }))
  end
  lead_with(div, pandoc.Inlines({ pandoc.Span({ pandoc.Strong(head) }, pandoc.Attr("", { "theorem-title" })) }))
  div.classes:insert("theorem")
  return div
end

-- Proofs, remarks and solutions are not numbered: "Proof (name)." leads, in italics.
local function on_proof(div, word)
  local name = env_title(div)
  local head = pandoc.Inlines({ pandoc.Str(word) })
  if name and #name > 0 then
    head:insert(pandoc.Space())
    head:extend(pandoc.Inlines({ pandoc.Str("(") }) .. name .. pandoc.Inlines({ pandoc.Str(")") }))
  end
  head:insert(pandoc.Str("."))
  lead_with(div, pandoc.Inlines({ pandoc.Span({ pandoc.Emph(head) }, pandoc.Attr("", { "proof-title" })) }))
  return div
end

local function callout_type(div)
  for _, class in ipairs(div.classes) do
    local kind = class:match("^callout%-(%a+)$")
    if kind and CALLOUT_KEYS[kind] then return kind end
  end
  return nil
end

local number_blocks

local function on_div(div)
  local kind = div.identifier:match("^(%a+)%-")
  local callout = callout_type(div)
  if callout then
    if kind == CALLOUT_KEYS[callout] then
      local number = next_number(kind)
      labels[div.identifier] = { kind = kind, number = number }
      -- format.lua writes this label where the callout's kind would stand.
      div.attributes["crossref-label"] = caption_label(kind, number)
    end
    div.content = number_blocks(div.content)
    return div
  end
  if kind and FLOATS[kind] then return on_float_div(div, kind) end
  if kind and THEOREMS[kind] then
    div = on_theorem(div, kind)
    div.content = number_blocks(div.content)
    return div
  end
  for class, word in pairs(PROOFS) do
    if div.classes:includes(class) then
      div = on_proof(div, word)
      break
    end
  end
  div.content = number_blocks(div.content)
  return div
end

number_blocks = function(blocks)
  local out = pandoc.Blocks({})
  for _, b in ipairs(blocks) do
    if b.t == "Header" then
      out:insert(on_header(b))
    elseif b.t == "Para" then
      out:extend(on_equations(b))
    elseif b.t == "CodeBlock" and b.identifier:match("^lst%-") then
      out:insert(on_listing_block(b))
    elseif b.t == "Div" then
      out:insert(on_div(b))
    elseif b.t == "BlockQuote" then
      b.content = number_blocks(b.content)
      out:insert(b)
    else
      out:insert(b)
    end
  end
  return out
end

-- References ----------------------------------------------------------------------------------

local cur_source = ""

local function is_crossref(id)
  local prefix = id:match("^(%a+)%-")
  return prefix ~= nil and KINDS[prefix:lower()] ~= nil
end

local function ref_text(label, mode)
  local number = label.number
  if number and label.sub then number = number .. NBSP .. "(" .. label.sub .. ")" end
  if mode == "SuppressAuthor" then
    return pandoc.Inlines({ pandoc.Str(number or "?") })
  end
  if label.kind == "sec" then
    if label.chapter_level and label.number then
      local word = label.appendix and opt("appendix-prefix", "Appendix") or opt("ch-prefix", "Chapter")
      return pandoc.Inlines({ pandoc.Str(word .. NBSP .. label.number) })
    end
    if label.number then
      return pandoc.Inlines({ pandoc.Str(prefix_of("sec") .. NBSP .. label.number) })
    end
    -- An unnumbered target: its title, without any number span.
    return pandoc.Inlines(pandoc.utils.stringify(label.title))
  end
  local prefix = prefix_of(label.kind)
  return pandoc.Inlines({ pandoc.Str((prefix ~= "" and prefix .. gap_of(label.kind) or "") .. number) })
end

local function crossref_inlines(c, meta)
  local id = c.id
  local key = labels[id] and id or id:sub(1, 1):lower() .. id:sub(2)
  local label = labels[key]
  local out = pandoc.Inlines({})
  if #c.prefix > 0 then
    out:extend(c.prefix)
    out:insert(pandoc.Space())
  end
  if label then
    local text = ref_text(label, c.mode)
    if opt("ref-hyperlink", true) == false then
      out:extend(text)
    else
      out:insert(pandoc.Link(text, "#" .. key))
    end
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
  doc.blocks = number_blocks(doc.blocks)
  local filter = resolve(doc.meta)
  for i, b in ipairs(doc.blocks) do
    if b.t == "Header" and b.level == 1 then
      cur_source = sources[b.identifier] or ""
    end
    doc.blocks[i] = pandoc.Blocks({ b }):walk(filter)[1]
  end
  return doc
end
