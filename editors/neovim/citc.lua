-- citc language server for .cit files, Neovim 0.8 and later (vim.lsp.start).
-- Put this in your init.lua (or `dofile` it), with editors/vim on
-- 'runtimepath' (or a `vim.filetype.add { extension = { cit = 'cit' } }`)
-- so that .cit buffers get the filetype `cit`.
-- Set vim.g.citc_path to the citc binary when it is not on PATH.
-- (Neovim 0.11 and later: lsp/citc.lua with vim.lsp.enable('citc').)

-- The standard library's read-only copies (go to definition opens them in
-- citc's cache folder) are served by a running client, not a new one.
local function running_root(file)
  if not file:find('/citc/std%-%x+/std/[^/]+%.cit$') then
    return nil
  end
  local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients
  local running = get_clients({ name = 'citc' })[1]
  return running and running.config.root_dir
end

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'cit',
  group = vim.api.nvim_create_augroup('citc_lsp', { clear = true }),
  callback = function(args)
    local file = vim.api.nvim_buf_get_name(args.buf)
    -- One server per project: the folder of the nearest .git, else the file's.
    local marker = vim.fs.find('.git', { path = vim.fs.dirname(file), upward = true })[1]
    vim.lsp.start({
      name = 'citc',
      cmd = { vim.g.citc_path or 'citc', 'lsp' },
      root_dir = running_root(file) or (marker and vim.fs.dirname(marker)) or vim.fs.dirname(file),
    }, { bufnr = args.buf })
  end,
})
