-- sourcepos.lua: the emitter's source markers, []{qb-src="file:line"}, become Word bookmarks
-- (DOCX) so comments made in Word can be traced to the line they are about; other formats
-- drop them. Runs first, so no other filter ever sees a marker. In a pass shared by DOCX and
-- other formats the bookmarks are made for all: other writers drop raw OpenXML.
package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. "/?.lua;" .. package.path
local targets = require("targets")

local BOOKMARK_PREFIX = "qbs_"
local MAX_NAME = 40
local next_id = 700000  -- above the ids pandoc gives heading bookmarks

local function bookmark_name(source)
  local file, line = source:match("^(.*):(%d+)$")
  if not file then return nil end
  local stem = file:match("([^/]+)$"):gsub("%.[^.]*$", ""):gsub("[^%w]", "_")
  local room = MAX_NAME - #BOOKMARK_PREFIX - #line - 1
  return BOOKMARK_PREFIX .. stem:sub(1, room) .. "_" .. line
end

local docx = false

local function marker(span)
  local source = span.attributes["qb-src"]
  if not source then return nil end
  if not docx then return {} end
  local name = bookmark_name(source)
  if not name then return {} end
  next_id = next_id + 1
  return pandoc.RawInline("openxml", string.format(
    '<w:bookmarkStart w:id="%d" w:name="%s"/><w:bookmarkEnd w:id="%d"/>', next_id, name, next_id))
end

function Pandoc(doc)
  docx = targets.any(targets.list(doc.meta), "^docx$")
  return doc:walk({ Span = marker })
end
