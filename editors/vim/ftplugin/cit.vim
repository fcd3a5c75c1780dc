" Vim filetype plugin for .cit catalogs (citc): comments, indentation, folds.
if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

setlocal commentstring=//\ %s
setlocal comments=://
setlocal formatoptions-=t formatoptions+=croql
setlocal expandtab shiftwidth=2 softtabstop=2
setlocal autoindent smartindent cinwords=
" Blocks, table bodies and text blocks fold (syntax items marked `fold`).
setlocal foldmethod=syntax foldlevel=99

let b:undo_ftplugin = "setlocal commentstring< comments< formatoptions< expandtab< shiftwidth< softtabstop< autoindent< smartindent< cinwords< foldmethod< foldlevel<"
