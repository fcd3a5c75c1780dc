-- The language server in a real editor: headless Neovim (0.7 and later)
-- with a documented configuration (editors/neovim/citc-0.7.lua, or the one
-- that $CITC_NVIM_CONFIG names: citc.lua needs 0.8 and later) opens
-- catalog.cit, `citc lsp` attaches; an edit that names an unknown mixin
-- must bring an E0102 diagnostic at its line and column, undoing it must
-- clear it; hover on a mixin in a `use` and on a preference's name must
-- answer; definition of a `use` must land on the mixin's definition (in
-- catalog.cit, and in the std copy for a std mixin).
--
--   CITC=target/debug/citc nvim --headless -n -u NONE -i NONE \
--     -c 'luafile editors/test/nvim-lsp.lua'
--
-- Prints TAP-like `ok`/`not ok` lines and `nvim-lsp: N passed, N failed`,
-- and exits with 0 only when every check passed. The buffer is never written.
local repo = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h')
local citc = os.getenv('CITC') or (repo .. '/target/debug/citc')
local timeout = tonumber(os.getenv('CITC_NVIM_TIMEOUT_MS') or '') or 20000
local passed, failed = 0, 0

local function out(line)
  io.stdout:write(line .. '\n')
end

local function finish()
  out(string.format('nvim-lsp: %d passed, %d failed', passed, failed))
  io.stdout:flush()
  vim.cmd(failed == 0 and passed > 0 and 'qall!' or 'cquit! 1')
end

local function check(ok, what, detail)
  if ok then
    passed = passed + 1
    out('ok - ' .. what)
  else
    failed = failed + 1
    out('not ok - ' .. what .. (detail and (': ' .. detail) or ''))
  end
  return ok
end

local function main()
-- The editor as a user sets it up: the runtime files for the filetype, and
-- the documented client configuration with the binary under test.
vim.opt.runtimepath:prepend(repo .. '/editors/vim')
vim.cmd('filetype plugin on')
vim.g.citc_path = citc
local config = os.getenv('CITC_NVIM_CONFIG') or 'citc-0.7.lua'
local v = vim.version()
out(string.format('# nvim %d.%d.%d, editors/neovim/%s, %s', v.major, v.minor, v.patch, config, citc))
if config == 'lsp/citc.lua' then
  -- Neovim 0.11: the configuration is found on 'runtimepath' (lsp/citc.lua);
  -- only the binary under test is set.
  vim.opt.runtimepath:prepend(repo .. '/editors/neovim')
  vim.lsp.config('citc', { cmd = { citc, 'lsp' } })
  vim.lsp.enable('citc')
else
  dofile(repo .. '/editors/neovim/' .. config)
end

-- Count what the server publishes, and keep the server's log messages.
local publishes = 0
local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  publishes = publishes + 1
  return default_publish(err, result, ctx, config)
end
vim.lsp.handlers['window/logMessage'] = function(_, result)
  out('# server: ' .. tostring(result and result.message))
end

local catalog = repo .. '/catalog.cit'
vim.cmd('edit ' .. vim.fn.fnameescape(catalog))
local buf = vim.api.nvim_get_current_buf()
check(vim.bo[buf].filetype == 'cit', 'catalog.cit has the filetype cit', vim.bo[buf].filetype)

-- The citc clients (of a buffer): vim.lsp.get_clients from 0.10 on.
local function clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'citc' })
  end
  local list = {}
  for _, c in pairs(bufnr and vim.lsp.buf_get_clients(bufnr) or vim.lsp.get_active_clients()) do
    if c.name == 'citc' then table.insert(list, c) end
  end
  return list
end
local function client()
  return clients(buf)[1]
end
if not vim.wait(timeout, function()
  local c = client()
  return c ~= nil and c.initialized == true
end, 20) then
  error('citc lsp did not attach and initialize within ' .. timeout .. ' ms (' .. citc .. ')')
end
check(client().name == 'citc', 'citc lsp attached (client name citc)')

local function codes()
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(list, d)
  end
  return list
end

-- The first publish: the catalog is clean.
check(vim.wait(timeout, function() return publishes > 0 end, 20), 'diagnostics are published for the opened file')
check(#codes() == 0, 'catalog.cit has no diagnostics', vim.inspect(codes()))

-- Position (0-based line, UTF-16 column = byte column for ASCII) of the
-- `nth` occurrence of `needle` in the buffer.
local function find(needle, nth)
  nth = nth or 1
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for l, text in ipairs(lines) do
    local start = 1
    while true do
      local s = text:find(needle, start, true)
      if not s then break end
      nth = nth - 1
      if nth == 0 then return l - 1, s - 1 end
      start = s + 1
    end
  end
  error('not in the buffer: ' .. needle)
end

-- The edit: `use common-series, dedicated-cpu` of series cx1 names a mixin
-- that does not exist.
local line, col = find('use common-series, dedicated-cpu')
local original = vim.api.nvim_buf_get_lines(buf, line, line + 1, false)[1]
local before = publishes
vim.api.nvim_buf_set_text(buf, line, col + #'use common-series, dedicated-cpu', line, col + #'use common-series, dedicated-cpu', { 's' })
local bad_col = col + #'use common-series, '
local e0102
vim.wait(timeout, function()
  if publishes == before then return false end
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == 'E0102' then
      e0102 = d
      return true
    end
  end
  return false
end, 20)
if check(e0102 ~= nil, 'after the edit, an E0102 diagnostic is published', vim.inspect(codes())) then
  check(e0102.lnum == line and e0102.col == bad_col,
    string.format('E0102 is at line %d, column %d (the unknown mixin)', line + 1, bad_col + 1),
    string.format('got line %d, column %d', e0102.lnum + 1, e0102.col + 1))
  check(e0102.end_col == bad_col + #'dedicated-cpus', 'E0102 spans the unknown name',
    'end column ' .. tostring(e0102.end_col + 1))
  check(e0102.severity == vim.diagnostic.severity.ERROR, 'E0102 is an error')
  check(e0102.message:find('dedicated-cpus', 1, true) ~= nil and e0102.message:find('dedicated-cpu`', 1, true) ~= nil,
    'the message names the unknown mixin and suggests dedicated-cpu', e0102.message)
  out('# ' .. vim.fn.fnamemodify(catalog, ':t') .. ':' .. (e0102.lnum + 1) .. ':' .. (e0102.col + 1) .. ': '
    .. e0102.code .. ' ' .. e0102.message:gsub('\n', ' / '))
end

-- Undo: the diagnostic goes away.
vim.api.nvim_buf_set_lines(buf, line, line + 1, false, { original })
check(vim.wait(timeout, function() return #vim.diagnostic.get(buf) == 0 end, 20),
  'after undoing the edit, the diagnostics are cleared', vim.inspect(codes()))

local function request(method, l, c)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = l, character = c },
  }
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, timeout)
  if not responses then return nil, err end
  for _, r in pairs(responses) do
    if r.err then return nil, vim.inspect(r.err) end
    return r.result
  end
  return nil, 'no response'
end

local function hover_text(result)
  if not result or not result.contents then return '' end
  local lines = vim.lsp.util.convert_input_to_markdown_lines(result.contents)
  return table.concat(lines, '\n')
end

-- Hover on the mixin of a `use`: its definition.
local hl, hc = find('use common-series, dedicated-cpu')
hc = hc + #'use common-series, ' + 3
local result, err = request('textDocument/hover', hl, hc)
local text = hover_text(result)
check(text:find('mixin dedicated-cpu', 1, true) ~= nil, 'hover on `dedicated-cpu` in a use shows the mixin', err or text)
out('# hover ' .. (hl + 1) .. ':' .. (hc + 1) .. ': ' .. (text:gsub('\n', '\n#   ')))

-- Hover on a preference's name: the resolved YAML.
local pl, pc = find('preference linux.efi')
pc = pc + #'preference ' + 1
result, err = request('textDocument/hover', pl, pc)
text = hover_text(result)
check(text:find('kind: VirtualMachineClusterPreference', 1, true) ~= nil and text:find('name: linux.efi', 1, true) ~= nil,
  'hover on `linux.efi` shows the resolved preference', err or text)

-- Definition of the mixin of a `use`, in the same file.
local dl, dc = find('mixin dedicated-cpu')
result, err = request('textDocument/definition', hl, hc)
local loc = result and (result[1] or result)
check(loc ~= nil and (loc.uri or loc.targetUri) == vim.uri_from_bufnr(buf)
    and (loc.range or loc.targetSelectionRange).start.line == dl,
  string.format('definition of `dedicated-cpu` is line %d of catalog.cit', dl + 1), err or vim.inspect(result))

-- Definition of a std mixin: the read-only copy of std/kubevirt.
local sl, sc = find('use sized')
result, err = request('textDocument/definition', sl, sc + #'use ' + 1)
loc = result and (result[1] or result)
local target = loc and (loc.uri or loc.targetUri) or ''
check(target:find('kubevirt%.cit$') ~= nil, 'definition of `sized` is in the std/kubevirt copy', err or vim.inspect(result))

-- The copy opens in the same server: no second citc lsp.
local first = client()
if target ~= '' then
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.uri_to_fname(target)))
  local std_buf = vim.api.nvim_get_current_buf()
  vim.wait(timeout, function() return #clients(std_buf) > 0 end, 20)
  local attached = clients(std_buf)[1]
  check(attached ~= nil and attached.id == first.id, 'the std copy is served by the same client',
    attached and ('client ' .. attached.id .. ' vs ' .. first.id) or 'no client')
  check(#clients(nil) == 1, 'one citc client in all', #clients(nil))
  check(vim.bo[std_buf].readonly, 'the std copy is read-only')
  vim.cmd('buffer ' .. buf)
end

-- Semantic tokens (Neovim 0.9 and later request them by itself): the
-- mixin of a `use` is a function, from the server (get_at_pos reads the
-- tokens the client received; headless Neovim draws no highlights).
if vim.lsp.semantic_tokens and vim.lsp.semantic_tokens.get_at_pos then
  local sl2, sc2 = find('use common-series, dedicated-cpu')
  sc2 = sc2 + #'use common-series, ' + 2
  local kinds = {}
  vim.wait(timeout, function()
    kinds = {}
    for _, t in ipairs(vim.lsp.semantic_tokens.get_at_pos(buf, sl2, sc2) or {}) do
      table.insert(kinds, t.type)
    end
    return #kinds > 0
  end, 50)
  check(vim.tbl_contains(kinds, 'function'), 'semantic tokens: `dedicated-cpu` in a use is a function', vim.inspect(kinds))
else
  out('# semantic tokens not checked: this Neovim has no vim.lsp.semantic_tokens (0.9 and later)')
end

-- Completion after `use `: the mixins.
local ul, uc = find('use common-series, dedicated-cpu')
result, err = request('textDocument/completion', ul, uc + #'use ')
local items = result and (result.items or result) or {}
local labels = {}
for _, item in ipairs(items) do labels[item.label] = true end
check(labels['dedicated-cpu'] and labels['common-series'], 'completion after `use` offers the mixins', err or #items)

-- Rename a mixin: the edit changes its definition and every use.
local rl, rc = find('mixin dedicated-cpu')
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = rl, character = rc + #'mixin ' + 1 },
  newName = 'pinned-cpu',
}
local before_rename = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local responses = vim.lsp.buf_request_sync(buf, 'textDocument/rename', params, timeout) or {}
local edit
for _, r in pairs(responses) do edit = r.result end
local uses = 0
for _, l in ipairs(before_rename) do
  local code = l:gsub('//.*', '')
  for _ in code:gmatch('dedicated%-cpu[^%w_-]') do uses = uses + 1 end
  if code:match('dedicated%-cpu$') then uses = uses + 1 end
end
if check(edit ~= nil, 'rename answers a workspace edit') then
  vim.lsp.util.apply_workspace_edit(edit, 'utf-16')
  local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  local _, renamed = text:gsub('pinned%-cpu', '')
  check(renamed == uses and uses > 1, string.format('rename changes the mixin and its %d uses', uses - 1), renamed)
end
vim.api.nvim_buf_set_lines(buf, 0, -1, false, before_rename)

-- Formatting: indentation removed from a few lines comes back.
local fl = find('series cx1 {')
local messy = vim.api.nvim_buf_get_lines(buf, fl + 1, fl + 5, false)
local stripped = {}
for i, l in ipairs(messy) do stripped[i] = l:gsub('^%s+', '') end
vim.api.nvim_buf_set_lines(buf, fl + 1, fl + 5, false, stripped)
responses = vim.lsp.buf_request_sync(buf, 'textDocument/formatting',
  { textDocument = { uri = vim.uri_from_bufnr(buf) }, options = { tabSize = 2, insertSpaces = true } }, timeout) or {}
local edits
for _, r in pairs(responses) do edits = r.result end
if check(edits ~= nil and #edits > 0, 'formatting answers edits') then
  vim.lsp.util.apply_text_edits(edits, buf, 'utf-16')
  local now = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
  check(now == table.concat(before_rename, '\n'), 'formatting gives back citc fmt\'s layout')
end
vim.api.nvim_buf_set_lines(buf, 0, -1, false, before_rename)

end

-- Any error (a missing text, a client that never attaches) fails the run
-- instead of leaving Neovim waiting.
local ok, problem = pcall(main)
if not ok then
  check(false, 'the test ran to its end', tostring(problem))
end
finish()
