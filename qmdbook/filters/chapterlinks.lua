-- chapterlinks.lua: a link to a chapter's file, `[text](other.qmd)` or `[text](other.qmd#id)`,
-- the way Quarto books link to unnumbered chapters, becomes a link inside the one assembled
-- book: to that chapter's heading, or to the id given. The path is relative to the chapter
-- holding the link (or to the project when it starts with "/"). A file that is not a chapter of
-- the book is reported and its link left as text.
package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. "/?.lua;" .. package.path
local diag = require("diag")

local function normalise(path)
  local parts = {}
  for part in path:gmatch("[^/]+") do
    if part == ".." then
      if #parts > 0 then table.remove(parts) end
    elseif part ~= "." then
      parts[#parts + 1] = part
    end
  end
  return table.concat(parts, "/")
end

function Pandoc(doc)
  local sources = diag.chapter_sources(doc.meta)
  local id_of = {}
  for id, source in pairs(sources) do id_of[source] = id end
  local cur = ""
  local filter = {
    Link = function(link)
      local target = link.target
      if target:match("^%a[%w+.-]*:") then return nil end
      local file, frag = target:match("^([^#]*%.qmd)#?(.*)$")
      if not file then return nil end
      local dir = cur:match("^(.*)/[^/]*$") or ""
      local resolved = file:sub(1, 1) == "/" and normalise(file) or normalise(dir .. "/" .. file)
      local id = id_of[resolved]
      if not id then
        diag.report(doc.meta, "option", cur, file, "link to " .. file .. ", which is not a chapter of the book")
        return link.content
      end
      link.target = "#" .. (frag ~= "" and frag or id)
      return link
    end,
  }
  return diag.walk_by_chapter(doc, filter, function(source) cur = source end)
end
