-- Shared by the filters: report a problem to stderr and to the diagnostics file the engine reads.
local M = {}

function M.report(meta, kind, source, key, message)
  local line = (source ~= "" and source or "<book>") .. ": " .. message .. "\n"
  io.stderr:write(line)
  local path = meta and meta["qmdbook-diagnostics"]
  if path then
    local f = io.open(pandoc.utils.stringify(path), "a")
    if f then
      f:write(kind .. "\t" .. source .. "\t" .. key .. "\t" .. message:gsub("[\t\n]", " ") .. "\n")
      f:close()
    end
  end
end

-- Map each chapter's level-1 heading id to its source file (from the assembler's metadata).
function M.chapter_sources(meta)
  local sources = {}
  local book = meta and meta["qmdbook"]
  if book and book.chapters then
    for _, ch in ipairs(book.chapters) do
      sources[pandoc.utils.stringify(ch.id)] = pandoc.utils.stringify(ch.source or "")
    end
  end
  return sources
end

-- Walk each top-level block with `filter`, first telling `at(source)` which chapter's file the
-- block comes from (a level-1 heading of no known chapter keeps the chapter before it).
function M.walk_by_chapter(doc, filter, at)
  local sources = M.chapter_sources(doc.meta)
  local cur = ""
  for i, b in ipairs(doc.blocks) do
    if b.t == "Header" and b.level == 1 then cur = sources[b.identifier] or cur end
    at(cur)
    doc.blocks[i] = pandoc.Blocks({ b }):walk(filter)[1]
  end
  return doc
end

return M
