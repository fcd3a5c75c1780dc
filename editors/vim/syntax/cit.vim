" Vim syntax file
" Language:    cit (KubeVirt instance-type catalogs, compiled by citc)
" Filenames:   *.cit
" Grammar:     grammar/cit.pest in the citc repository; this file follows it
"              token for token. Tested by editors/test/vim-test.vim.

if exists("b:current_syntax")
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match
" Names may contain `-`: `cpu-topology-spread` is one name, not `use`-like words.
syn iskeyword @,48-57,_,192-255,-
" Text blocks span lines and files are small: always parse from the top.
syn sync fromstart

" ------------------------------------------------------------------ invalid
" Defined first: any later item that matches at the same place wins.
syn match citInvalidTop +[^[:space:]{"/]\++
syn match citInvalidChar contained "[^[:space:]]"

" ------------------------------------------------------------ comments
syn keyword citTodo contained TODO FIXME XXX NOTE
syn match citComment "//.*$" contains=citTodo,@Spell

" ------------------------------------------------------- strings and text
syn match citEscapeError contained +\\\%(u\%({[^}"]*}\=\)\=\|.\|$\)+
syn match citEscape contained +\\\%([\\"ntr$]\|u{\x\{1,6}}\)+
syn match citTextEscapeError contained +\\\%(u\%({[^}"]*}\=\)\=\|[^"]\|$\)+
" In a text block `\"` is an escape unless it starts the closing `"""`.
syn match citTextEscape contained +\\\%([\\ntr$]\|"\%(""\)\@!\|u{\x\{1,6}}\)+
syn match citInterpError contained +\${[^}"]*}\=+
syn region citInterpolation contained matchgroup=citInterpDelim start=+\${\ze[[:alnum:]_-]\+}+ end=+}+ contains=citInterpVar oneline
syn match citInterpVar contained "[[:alnum:]_-]\+"
syn cluster citInString contains=citEscapeError,citEscape,citInterpError,citInterpolation

syn region citString start=+"\%(""\)\@!+ skip=+\\\\\|\\"+ end=+"+ end=+$+ contains=@citInString oneline
" A string must end on its line.
syn match citStringUnterminated +"\%(""\)\@!\%([^"\\]\|\\.\)*\\\=$+
syn region citTextBlock start=+"""+ end=+"""+ contains=citTextEscapeError,citTextEscape,citInterpError,citInterpolation fold

" ----------------------------------------------------------------- values
syn match citWord contained "[[:alnum:]_.-]\+"
syn match citVariable contained "\%([[:alnum:]_.-]\)\@1<!\%(\h[[:alnum:]_-]*::\)\=\h[[:alnum:]_-]*" contains=citModule,citModuleSep
" `4GB`, `1.5.Gi`: starts like a number, is none.
syn match citBadNumber contained "\%([[:alnum:]_.-]\)\@1<!-\=\d[[:alnum:]_.-]*"
syn match citInteger contained "\%([[:alnum:]_.-]\)\@1<!-\=\d\+\%([[:alnum:]_.-]\)\@!"
syn match citFloat contained "\%([[:alnum:]_.-]\)\@1<!-\=\d\+\.\d\+\%([[:alnum:]_.-]\)\@!"
syn match citQuantity contained "\%([[:alnum:]_.-]\)\@1<!\d\+\%(\.\d\+\)\=\ze\%([KMGTPE]i\|[kMGTPEm]\)\%([[:alnum:]_.-]\)\@!" nextgroup=citUnit
syn match citUnit contained "[KMGTPE]i\|[kMGTPEm]"
syn keyword citBoolean contained true false
syn match citComma contained ","
syn match citOperator contained ":=\|==\|="
" Arithmetic: `*`, `/` (not `//`), `+`, and `-` with a space after it or
" before `(` (names may contain `-`).
syn match citArith contained "[*+]\|\/\@1<!\/\/\@!\|\s\@1<=-\ze[[:space:](]"
syn match citArithParen contained "[()]"

syn region citList contained matchgroup=citBracket start="\[" end="\]" contains=@citValue,citComma,citArith,citArithParen,citComment,citInvalidChar
syn region citBlock matchgroup=citBrace start="{" end="}" contains=@citStatement fold

syn cluster citValue contains=citTextBlock,citString,citStringUnterminated,citBadNumber,citInteger,citFloat,citQuantity,citBoolean,citBlock,citList,citVariable
syn cluster citCell contains=citString,citStringUnterminated,citWord,citInteger,citFloat,citQuantity,citBoolean

" `module::name`: a mixin, table or constant of an imported module (the
" references above contain it).
syn match citModule contained "\h[[:alnum:]_-]*\ze::"
syn match citModuleSep contained "::"

" ------------------------------------------------------------------ paths
let s:seg = '\%(\h[[:alnum:]_-]*\|"\%([^"\\]\|\\.\)*"\)'
" A path before `=`, `:=` or `{`; a dotted path wherever it stands; in alias
" and derive, any path.
exe 'syn match citAssignPath contained +\%([[:alnum:]_."-]\)\@1<!' . s:seg . '\%(\.' . s:seg . '\)*\ze\s*\%(:=\|=\%(=\)\@!\|{\)+ contains=citPathKey,citPathQuoted,citPathDot'
exe 'syn match citDottedPath contained +\%([[:alnum:]_."-]\)\@1<!' . s:seg . '\%(\.' . s:seg . '\)\++ contains=citPathKey,citPathQuoted,citPathDot'
exe 'syn match citPathRef contained +\%([[:alnum:]_."-]\)\@1<!' . s:seg . '\%(\.' . s:seg . '\)*+ contains=citPathKey,citPathQuoted,citPathDot'
unlet s:seg
syn match citPathKey contained "\h[[:alnum:]_-]*"
syn region citPathQuoted contained start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=@citInString oneline
syn match citPathDot contained "\."

" ---------------------------------------------------------------- items
syn keyword citImport import
syn keyword citAbstract abstract

syn region citLetItem matchgroup=citDeclare start="\<let\>" end="$" contains=citLetName,citOperator,citArith,citArithParen,@citValue,citComment,citInvalidChar
syn match citLetName contained "\%(\<let\s\+\)\@<=\h[[:alnum:]_-]*"

syn region citAliasItem matchgroup=citDeclare start="\<alias\>" end="$" contains=citKindArg,citOperator,citPathRef,citAliasName,citComment,citInvalidChar
syn match citAliasName contained "\%(\<alias\s\+\%(\%(instancetype\|preference\)\s\+\)\=\)\@<=\h[[:alnum:]_-]*"
syn keyword citKindArg contained instancetype preference

syn keyword citDeclare mixin nextgroup=citMixinName skipwhite skipnl
syn match citMixinName contained "\h[[:alnum:]_-]*"

syn keyword citDeclare table nextgroup=citTableName skipwhite skipnl
syn match citTableName contained "\h[[:alnum:]_-]*" nextgroup=citColumns skipwhite skipnl
syn region citColumns contained matchgroup=citParen start="(" end=")" contains=citColumn,citComma,citComment,citInvalidChar nextgroup=citRows skipwhite skipempty
syn match citColumn contained "\h[[:alnum:]_-]*"
syn region citRows contained matchgroup=citBrace start="{" end="}" contains=@citCell,citComment,citInvalidChar fold

syn keyword citDeclare series nextgroup=citSeriesName skipwhite skipnl
syn match citSeriesName contained "\h[[:alnum:]_-]*" nextgroup=citParentOp skipwhite skipnl

syn keyword citKind instancetype preference nextgroup=citDefName,citDefNameString skipwhite skipnl
syn match citDefName contained "[[:alnum:]_][[:alnum:]_.-]*" nextgroup=citParentOp,citFor,citHeaderComment skipwhite skipnl
syn region citDefNameString contained start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=@citInString oneline nextgroup=citParentOp,citFor,citHeaderComment skipwhite skipnl
syn match citParentOp contained ":" nextgroup=citParent,citParentString skipwhite skipnl
syn match citParent contained "[[:alnum:]_][[:alnum:]_.-]*" nextgroup=citFor,citHeaderComment skipwhite skipnl
syn region citParentString contained start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=@citInString oneline nextgroup=citFor,citHeaderComment skipwhite skipnl

" A comment inside a definition's header keeps the header going.
syn match citHeaderComment contained "//.*$" contains=citTodo,@Spell nextgroup=citFor,citHeaderComment skipwhite skipnl
" for T1 * T2 except (k1, k2), (k3, k4)
syn keyword citFor contained for nextgroup=citForTable skipwhite skipnl
syn match citForTable contained "\%(\h[[:alnum:]_-]*::\)\=\h[[:alnum:]_-]*" contains=citModule,citModuleSep nextgroup=citProduct,citForExcept skipwhite skipnl
syn match citProduct contained "\*" nextgroup=citForTable skipwhite skipnl
syn keyword citForExcept contained except nextgroup=citTuple skipwhite skipnl
syn region citTuple contained matchgroup=citParen start="(" end=")" contains=@citCell,citComma,citComment,citInvalidChar nextgroup=citTupleComma skipwhite skipnl
syn match citTupleComma contained "," nextgroup=citTuple skipwhite skipnl

syn keyword citDeclare derive nextgroup=citDeriveKind skipwhite skipnl
syn keyword citDeriveKind contained instancetype preference nextgroup=citDeriveBody skipwhite skipnl
syn keyword citDeriveKw contained label from
syn keyword citDeriveIf contained if
syn match citAttribute contained "@\h[[:alnum:]_-]*"
syn region citDeriveBody contained matchgroup=citBrace start="{" end="}" contains=citDeriveKw,citDeriveIf,citString,citStringUnterminated,citPathRef,citAttribute,citComment,citInvalidChar fold

" The API schema (std/schema): `type` with field declarations, `schema`.
syn keyword citDeclare type nextgroup=citTypeName skipwhite skipnl
syn match citTypeName contained "\h[[:alnum:]_-]*" nextgroup=citTypeBody skipwhite skipnl
syn region citTypeBody contained matchgroup=citBrace start="{" end="}" contains=citTypeRef,citFieldName,citFieldColon,citFieldFlag,citPrimitive,citRange,citString,citParenChar,citComma,citComment,citInvalidChar fold
syn match citTypeRef contained "\h[[:alnum:]_-]*"
syn match citFieldName contained "\%([[:alnum:]_.-]\)\@1<!\h[[:alnum:]_-]*\ze\s*:"
syn match citFieldColon contained ":"
syn keyword citFieldFlag contained required deprecated
syn keyword citPrimitive contained string bool int number quantity enum dns_subdomain map list
syn match citRange contained "\%([[:alnum:]_.-]\)\@1<!\%(-\=\d\+\)\=\.\.\%(-\=\d\+\)\=\%([[:alnum:]_.-]\)\@!"
syn match citParenChar contained "[()]"
syn keyword citDeclare schema nextgroup=citSchemaKind skipwhite
syn keyword citSchemaKind contained instancetype preference nextgroup=citSchemaEq skipwhite
syn match citSchemaEq contained "=" nextgroup=citTypeRef skipwhite

" allow CODE "reason" (a file or a definition)
syn match citDiagCodeError contained "[^[:space:]\"]\+"
syn match citDiagCode contained "[EW]\d\{4}\%([[:alnum:]_-]\)\@!"
syn keyword citAllow allow nextgroup=citDiagCode,citDiagCodeError skipwhite

" release { settings } (the block is a statement block).
syn keyword citDeclare release
" patch SELECTION { … } and remove SELECTION. A selection is an optional kind
" and targets separated by commas (over lines after a comma): a name, a
" quoted name, a name pattern with `*`, `series NAME`, `label KEY [== VALUE]`
" (KEY a quoted label key or an alias name).
syn keyword citDeclare patch remove nextgroup=citSelKind,@citSelTarget skipwhite skipnl
syn keyword citSelKind contained instancetype preference nextgroup=@citSelTarget skipwhite skipnl
syn cluster citSelTarget contains=citSelName,citSelString,citSelSeries,citSelLabel
syn match citSelName contained "[[:alnum:]_.*-]\+" contains=citSelWildcard nextgroup=citSelComma skipwhite skipnl
syn match citSelWildcard contained "\*"
syn region citSelString contained start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=@citInString oneline nextgroup=citSelComma skipwhite skipnl
" Defined after citSelName, so that `series`/`label` before a key win.
syn match citSelSeries contained "\<series\ze\s\+\h" nextgroup=citSelSeriesName skipwhite
syn match citSelSeriesName contained "\h[[:alnum:]_-]*" nextgroup=citSelComma skipwhite skipnl
syn match citSelLabel contained +\<label\ze\s\+[[:alpha:]_"]+ nextgroup=citSelLabelKey,citSelLabelKeyString skipwhite
syn match citSelLabelKey contained "\h[[:alnum:]_-]*" nextgroup=citSelEq,citSelComma skipwhite skipnl
syn region citSelLabelKeyString contained start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=@citInString oneline nextgroup=citSelEq,citSelComma skipwhite skipnl
syn match citSelEq contained "==" nextgroup=citSelValue,citSelValueString skipwhite skipnl
syn match citSelValue contained "[[:alnum:]_.-]\+" contains=citQuantity,citInteger,citFloat,citBoolean nextgroup=citSelComma skipwhite skipnl
syn region citSelValueString contained start=+"+ skip=+\\\\\|\\"+ end=+"+ contains=@citInString oneline nextgroup=citSelComma skipwhite skipnl
syn match citSelComma contained "," nextgroup=@citSelTarget,citSelComment skipwhite skipnl
" A comment after a comma keeps the selection going.
syn match citSelComment contained "//.*$" contains=citTodo,@Spell nextgroup=@citSelTarget,citSelComment skipwhite skipnl

" ------------------------------------------------------------- statements
" Statement keywords are matches so that `use = 1` stays a field.
let s:notpath = '\%(\s*\%([.=]\|:=\|{\)\)\@!'
exe 'syn match citUse contained "\<use\>' . s:notpath . '" nextgroup=citMixinRef skipwhite skipnl'
syn match citMixinRef contained "\%(\h[[:alnum:]_-]*::\)\=\h[[:alnum:]_-]*" contains=citModule,citModuleSep nextgroup=citUseComma skipwhite skipnl
syn match citUseComma contained "," nextgroup=citMixinRef skipwhite skipnl

exe 'syn match citSizes contained "\<sizes\>' . s:notpath . '" nextgroup=citSizesTable skipwhite skipnl'
syn match citSizesTable contained "\%(\h[[:alnum:]_-]*::\)\=\h[[:alnum:]_-]*" contains=citModule,citModuleSep nextgroup=citExceptList skipwhite skipnl
syn region citExceptList contained matchgroup=citControl start="\<except\>\_s*" end=+\%([[:alnum:]_."-]\)\@1<=\%(\s*,\)\@!+ end="\ze}" contains=@citCell,citComma,citComment
exe 'syn match citVariants contained "\<variants\>' . s:notpath . '" nextgroup=citVariantsTable skipwhite skipnl'
syn match citVariantsTable contained "\%(\h[[:alnum:]_-]*::\)\=\h[[:alnum:]_-]*" contains=citModule,citModuleSep

exe 'syn match citRatio contained "\<ratio\>' . s:notpath . '" nextgroup=citRatioValue,citRatioError skipwhite'
syn match citRatioError contained "[^[:space:]}]\+"
syn match citRatioValue contained "\d\+:\d\+\%([[:alnum:]_.:-]\)\@!"

exe 'syn match citWhen contained "\<when\>' . s:notpath . '" nextgroup=citWhenVar skipwhite skipnl'
syn match citWhenVar contained "\h[[:alnum:]_-]*" nextgroup=citWhenEq,citWhenIn skipwhite skipnl
syn match citWhenEq contained "==" nextgroup=@citCell skipwhite skipnl
syn keyword citWhenIn contained in nextgroup=citTuple skipwhite skipnl
" let NAME = value in a block (a local constant); unset PATH.
exe 'syn match citLocalLet contained "\<let\>' . s:notpath . '"'
exe 'syn match citUnset contained "\<unset\>' . s:notpath . '" nextgroup=citPathRef skipwhite'
unlet s:notpath

syn cluster citStatement contains=citComment,citInvalidChar,@citValue,citOperator,citArith,citArithParen,citDottedPath,citAssignPath,citUse,citSizes,citVariants,citRatio,citAllow,citWhen,citLocalLet,citLetName,citUnset

" ------------------------------------------------------------ highlighting
hi def link citInvalidTop         Error
hi def link citInvalidChar        Error
hi def link citEscapeError        Error
hi def link citTextEscapeError    Error
hi def link citInterpError        Error
hi def link citStringUnterminated Error
hi def link citBadNumber          Error
hi def link citRatioError         Error
hi def link citDiagCodeError      Error

hi def link citTodo               Todo
hi def link citComment            Comment
hi def link citHeaderComment      Comment
hi def link citString             String
hi def link citTextBlock          String
hi def link citEscape             SpecialChar
hi def link citTextEscape         SpecialChar
hi def link citInterpDelim        Delimiter
hi def link citInterpVar          PreProc
hi def link citWord               Constant
hi def link citVariable           PreProc
hi def link citModule             Include
hi def link citModuleSep          Delimiter
hi def link citInteger            Number
hi def link citFloat              Float
hi def link citQuantity           Number
hi def link citUnit               Special
hi def link citBoolean            Boolean
hi def link citComma              Delimiter
hi def link citOperator           Operator
hi def link citArith              Operator
hi def link citArithParen         Delimiter
hi def link citLocalLet           Keyword
hi def link citUnset              Statement
hi def link citBracket            Delimiter
hi def link citBrace              Delimiter
hi def link citParen              Delimiter
hi def link citParenChar          Delimiter

hi def link citPathKey            Identifier
hi def link citPathQuoted         Identifier
hi def link citPathDot            Delimiter

hi def link citImport             Include
hi def link citAbstract           StorageClass
hi def link citDeclare            Keyword
hi def link citKind               Keyword
hi def link citKindArg            Keyword
hi def link citDeriveKind         Keyword
hi def link citSchemaKind         Keyword
hi def link citLetName            Identifier
hi def link citAliasName          Function
hi def link citMixinName          Function
hi def link citTableName          Function
hi def link citColumn             Identifier
hi def link citSeriesName         Function
hi def link citDefName            Function
hi def link citDefNameString      Function
hi def link citTypeName           Function
hi def link citParentOp           Operator
hi def link citParent             Type
hi def link citParentString       Type
hi def link citFor                Repeat
hi def link citForTable           Type
hi def link citProduct            Operator
hi def link citForExcept          Conditional
hi def link citTupleComma         Delimiter
hi def link citDeriveKw           Statement
hi def link citDeriveIf           Conditional
hi def link citAttribute          PreProc
hi def link citTypeRef            Type
hi def link citFieldName          Identifier
hi def link citFieldColon         Delimiter
hi def link citFieldFlag          StorageClass
hi def link citPrimitive          Type
hi def link citRange              Number
hi def link citSchemaEq           Operator
hi def link citAllow              Statement
hi def link citDiagCode           Constant

hi def link citSelKind            Keyword
hi def link citSelName            Function
hi def link citSelWildcard        Operator
hi def link citSelString          Function
hi def link citSelSeries          Statement
hi def link citSelSeriesName      Type
hi def link citSelLabel           Statement
hi def link citSelLabelKey        Identifier
hi def link citSelLabelKeyString  String
hi def link citSelEq              Operator
hi def link citSelValue           Constant
hi def link citSelValueString     String
hi def link citSelComma           Delimiter
hi def link citSelComment         Comment

hi def link citUse                Statement
hi def link citMixinRef           Type
hi def link citUseComma           Delimiter
hi def link citSizes              Statement
hi def link citSizesTable         Type
hi def link citControl            Conditional
hi def link citVariants           Statement
hi def link citVariantsTable      Type
hi def link citRatio              Statement
hi def link citRatioValue         Number
hi def link citWhen               Conditional
hi def link citWhenVar            PreProc
hi def link citWhenEq             Operator
hi def link citWhenIn             Conditional

let b:current_syntax = "cit"
let &cpo = s:cpo_save
unlet s:cpo_save
