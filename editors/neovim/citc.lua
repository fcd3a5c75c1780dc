-- citc language server for .cit files, Neovim 0.8 and later (vim.lsp.start).
-- Put this in your init.lua (or `dofile` it), with editors/vim on
-- 'runtimepath' (or a `vim.filetype.add { extension = { cit = 'cit' } }`)
-- so that .cit buffers get the filetype `cit`.
-- Set vim.g.citc_path to the citc binary when it is not on PATH.
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
      root_dir = marker and vim.fs.dirname(marker) or vim.fs.dirname(file),
    }, { bufnr = args.buf })
  end,
})
