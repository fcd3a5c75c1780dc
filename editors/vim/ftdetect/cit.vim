" .cit catalogs (citc). Vim and Neovim source every ftdetect/*.vim in
" 'runtimepath' while detecting file types.
autocmd BufRead,BufNewFile *.cit setfiletype cit
