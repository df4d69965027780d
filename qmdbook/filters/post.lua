-- post.lua: runs after citeproc.
-- * Links to a missing `#ref-` target (an unknown citation key, linked by link-citations) are
--   unwrapped and reported; Typst aborts on a link to a missing label (trap 4).
-- * Cite elements become plain Spans holding citeproc's text, so no writer (Typst's in
--   particular) re-renders them with its own citation engine (trap 7).
-- * The engine's private metadata and citeproc's inputs are dropped: they never reach an output
--   (DOCX writes all metadata as custom properties).
package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. "/?.lua;" .. package.path
local diag = require("diag")

function Pandoc(doc)
  local ids = {}
  local function note(el) if el.identifier and el.identifier ~= "" then ids[el.identifier] = true end end
  doc:walk({ Div = note, Span = note, Header = note, Figure = note, Table = note })
  local sources = diag.chapter_sources(doc.meta)
  local reported = {}
  local cur_source = ""
  local function report(key)
    local k = cur_source .. "\t" .. key
    if reported[k] then return end
    reported[k] = true
    diag.report(doc.meta, "cite", cur_source, key, "unresolved citation @" .. key)
  end
  local filter = {
    Cite = function(cite)
      local keys = {}
      for _, c in ipairs(cite.citations) do
        keys[#keys + 1] = c.id
        if not ids["ref-" .. c.id] then report(c.id) end
      end
      return pandoc.Span(cite.content,
        pandoc.Attr("", { "citation" }, { cites = table.concat(keys, " ") }))
    end,
    Link = function(link)
      local key = link.target:match("^#ref%-(.+)$")
      if key and not ids["ref-" .. key] then
        report(key)
        return link.content
      end
      return nil
    end,
  }
  for i, b in ipairs(doc.blocks) do
    if b.t == "Header" and b.level == 1 then cur_source = sources[b.identifier] or "" end
    doc.blocks[i] = pandoc.Blocks({ b }):walk({ Cite = filter.Cite }):walk({ Link = filter.Link })[1]
  end
  -- Citeproc is done with these; dropping them keeps absolute paths out of DOCX properties, so
  -- builds of one commit in different directories are identical.
  for _, key in ipairs({ "qmdbook", "qmdbook-diagnostics", "qmdbook-crossref", "qmdbook-flags", "qmdbook-targets", "qmdbook-views", "bibliography", "csl", "link-citations" }) do
    doc.meta[key] = nil
  end
  return doc
end
