---@brief
---
--- citc lsp: the language server of the .cit catalog language (KubeVirt
--- instance types and preferences), the `citc` binary itself.
---
--- Build citc (`cargo build --release`) and put `target/release/citc` on
--- PATH. Neovim gives `.cit` files no filetype by itself: add
--- `vim.filetype.add({ extension = { cit = 'cit' } })` (or put citc's
--- editors/vim on 'runtimepath', which also highlights them).
---
--- Go to definition of a name of the standard library opens a read-only
--- copy of it in citc's cache folder (`$XDG_CACHE_HOME/citc/std-*`);
--- `root_dir` gives that copy the root of a running citc client, so that
--- the same server serves it.

---@param path string
---@return boolean
local function is_std_copy(path)
  return path:find('/citc/std%-%x+/std/[^/]+%.cit$') ~= nil
end

---@type vim.lsp.Config
return {
  cmd = { 'citc', 'lsp' },
  filetypes = { 'cit' },
  root_dir = function(bufnr, on_dir)
    local path = vim.api.nvim_buf_get_name(bufnr)
    if is_std_copy(path) then
      local running = vim.lsp.get_clients({ name = 'citc' })[1]
      if running then
        on_dir(running.root_dir)
      end
      return
    end
    on_dir(vim.fs.root(bufnr, { '.git' }) or vim.fs.dirname(path))
  end,
}
