-- citc language server for .cit files, Neovim 0.7 (Debian bookworm's
-- neovim 0.7.2): vim.lsp.start does not exist yet, so start one client per
-- project with vim.lsp.start_client and attach every cit buffer to it.
-- Works on later versions too. Put this in your init.lua (or `dofile` it),
-- with editors/vim on 'runtimepath' so that .cit buffers get the filetype
-- `cit`. Set vim.g.citc_path to the citc binary when it is not on PATH.
local clients = {} -- root folder → client id

local function root_of(file)
  -- The standard library's read-only copies (go to definition opens them
  -- in citc's cache folder) go to a running client, not a new one.
  if file:find('/citc/std%-%x+/std/[^/]+%.cit$') then
    for root, id in pairs(clients) do
      if vim.lsp.get_client_by_id(id) then
        return root
      end
    end
  end
  local dir = vim.fn.fnamemodify(file, ':p:h')
  local git = vim.fn.finddir('.git', dir .. ';')
  if git ~= '' then
    return vim.fn.fnamemodify(git, ':p:h:h')
  end
  return dir
end

local group = vim.api.nvim_create_augroup('citc_lsp', { clear = true })
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'cit',
  group = group,
  callback = function(args)
    local root = root_of(vim.api.nvim_buf_get_name(args.buf))
    local id = clients[root]
    if not id or vim.lsp.get_client_by_id(id) == nil then
      id = vim.lsp.start_client({
        name = 'citc',
        cmd = { vim.g.citc_path or 'citc', 'lsp' },
        root_dir = root,
        on_exit = function() clients[root] = nil end,
      })
      clients[root] = id
    end
    if id then
      vim.lsp.buf_attach_client(args.buf, id)
    end
  end,
})
