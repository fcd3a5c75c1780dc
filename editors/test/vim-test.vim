" The .cit Vim syntax (editors/vim/) run in Vim itself:
"
"   CIT_VIM_RESULTS=out.txt vim -es -N -u NONE -i NONE -S editors/test/vim-test.vim
"
" Loads ftdetect/ftplugin/syntax from editors/vim through 'runtimepath', opens
" the files of cases.json and checks synIDattr(synID(line, col, 1), "name")
" at every case, then the whole-file properties of the valid files. Writes one
" `ok`/`not ok` line per check and a closing `N passed, N failed` line to
" $CIT_VIM_RESULTS; editors/test/run.sh reads it.

let s:here = expand('<sfile>:p:h')
let s:editors = fnamemodify(s:here, ':h')
let s:repo = fnamemodify(s:editors, ':h')
let s:out = empty($CIT_VIM_RESULTS) ? s:here . '/vim-results.txt' : $CIT_VIM_RESULTS
let s:lines = []
let s:passed = 0
let s:failed = 0

function! s:Report(ok, what) abort
  if a:ok
    let s:passed += 1
    call add(s:lines, 'ok ' . (s:passed + s:failed) . ' - ' . a:what)
  else
    let s:failed += 1
    call add(s:lines, 'not ok ' . (s:passed + s:failed) . ' - ' . a:what)
  endif
endfunction

" Each file is opened once: re-reading a buffer can leave Vim's cached syntax
" state of the current line behind.
function! s:Open(path) abort
  let full = s:repo . '/' . a:path
  if fnamemodify(bufname('%'), ':p') !=# fnamemodify(full, ':p')
    execute 'silent edit ' . fnameescape(full)
  endif
endfunction

" The innermost syntax group at a byte column (1-based), and what it links to.
function! s:Group(lnum, col) abort
  return synIDattr(synID(a:lnum, a:col, 1), 'name')
endfunction
function! s:Linked(lnum, col) abort
  return synIDattr(synIDtrans(synID(a:lnum, a:col, 1)), 'name')
endfunction

function! s:Case(n, c) abort
  let token = get(a:c, 'token', a:c.find)
  let what = printf('case %d: %s %s -> %s', a:n, a:c.file, string(token), a:c.vim)
  let lnum = 0
  for l in range(1, line('$'))
    if stridx(getline(l), a:c.find) >= 0
      let lnum = l
      break
    endif
  endfor
  if lnum == 0
    call s:Report(0, what . ': no line contains ' . string(a:c.find))
    return
  endif
  let col = stridx(getline(lnum), a:c.find) + stridx(a:c.find, token) + 1
  let bad = []
  for k in range(col, col + strlen(token) - 1)
    let got = s:Group(lnum, k)
    if got !=# a:c.vim
      call add(bad, printf('%d:%d %s is %s', lnum, k, string(getline(lnum)[k - 1]), got ==# '' ? '(none)' : got))
    endif
  endfor
  call s:Report(empty(bad), what . (empty(bad) ? '' : ': ' . join(bad[:4], '; ')))
endfunction

function! s:ValidFile(path) abort
  call s:Open(a:path)
  let bad = []
  for lnum in range(1, line('$'))
    let text = getline(lnum)
    for col in range(1, strlen(text))
      if text[col - 1] =~# '\s'
        continue
      endif
      let group = s:Group(lnum, col)
      let linked = s:Linked(lnum, col)
      if group ==# '' || linked =~# '^cit'
        call add(bad, printf('%d:%d %s is not highlighted (%s)', lnum, col, string(text[col - 1]), group))
      elseif linked ==# 'Error'
        call add(bad, printf('%d:%d %s is %s (Error)', lnum, col, string(text[col - 1]), group))
      endif
    endfor
  endfor
  call s:Report(empty(bad), 'valid file ' . a:path . ': no Error group, every visible character highlighted'
        \ . (empty(bad) ? '' : ': ' . join(bad[:9], '; ')))
endfunction

function! s:Main() abort
  let &runtimepath = s:editors . '/vim,' . &runtimepath
  filetype plugin on
  syntax on
  set hidden
  let spec = json_decode(join(readfile(s:here . '/cases.json'), "\n"))

  " ftdetect picks the file type, the syntax file loads, ftplugin sets comments.
  call s:Open(spec.files.fixture)
  call s:Report(&filetype ==# 'cit', 'ftdetect: *.cit has filetype cit (got ' . string(&filetype) . ')')
  call s:Report(get(b:, 'current_syntax', '') ==# 'cit', 'syntax/cit.vim is loaded')
  call s:Report(&commentstring ==# '// %s', 'ftplugin: commentstring is "// %s"')

  " Every group the syntax file defines links to a standard group, except the
  " containers, whose text is all covered by the items they contain.
  let containers = ['citAliasItem', 'citAssignPath', 'citBlock', 'citColumns', 'citDeriveBody',
        \ 'citDottedPath', 'citExceptList', 'citInterpolation', 'citLetItem', 'citList', 'citPathRef',
        \ 'citRows', 'citTuple', 'citTypeBody']
  let unlinked = []
  for name in getcompletion('cit', 'highlight')
    let target = synIDattr(synIDtrans(hlID(name)), 'name')
    if index(containers, name) < 0 && (target =~# '^cit' || target ==# '')
      call add(unlinked, name)
    endif
  endfor
  call s:Report(empty(unlinked), 'every cit* group links to a standard group' . (empty(unlinked) ? '' : ': ' . join(unlinked)))

  " File by file, each file's cases in order.
  for file in sort(keys(spec.files))
    call s:Open(spec.files[file])
    let n = 0
    for c in spec.cases
      let n += 1
      if c.file ==# file && has_key(c, 'vim')
        call s:Case(n, c)
      endif
    endfor
  endfor

  for pattern in spec.valid
    for path in sort(glob(s:repo . '/' . pattern, 0, 1))
      call s:ValidFile(path[strlen(s:repo) + 1 :])
    endfor
  endfor
endfunction

try
  call s:Main()
catch
  call s:Report(0, 'vim-test.vim stopped: ' . v:exception . ' at ' . v:throwpoint)
endtry
call add(s:lines, printf('%d passed, %d failed', s:passed, s:failed))
call writefile(s:lines, s:out)
qall!
