;;; cit-mode.el --- Major mode for .cit instance-type catalogs (citc)  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages
;; SPDX-License-Identifier: Apache-2.0

;;; Commentary:

;; `cit-mode' edits .cit files, the input of citc (KubeVirt instance types
;; and preferences): highlighting of every construct of grammar/cit.pest,
;; `//' comments (M-;), indentation of 2 spaces per block as `citc fmt'
;; writes it (4 for a continued line), imenu (mixins, tables, series,
;; instance types, preferences, constants, aliases), and folding of blocks
;; with hs-minor-mode.
;;
;; The language server `citc lsp' is registered with eglot, so that M-x
;; eglot (or `eglot-ensure' in `cit-mode-hook') gives diagnostics as you
;; type, quick fixes, hover, go to definition and references (xref),
;; rename, formatting and completion.  The standard library's files that
;; go to definition opens are served by the same server
;; (`eglot-extend-to-xref' is set in cit-mode buffers).
;;
;; Install: put this folder on `load-path' and
;;
;;   (require 'cit-mode)
;;   (add-hook 'cit-mode-hook #'eglot-ensure)
;;   ;; (setq cit-citc-program "/path/to/citc")  ; when citc is not on PATH
;;
;; Tested in `emacs --batch' by editors/test/emacs-test.el (Debian's
;; emacs-nox and elpa-eglot).

;;; Code:

(require 'rx)

(defgroup cit nil
  "Editing .cit instance-type catalogs."
  :group 'languages
  :prefix "cit-")

(defcustom cit-citc-program "citc"
  "The citc binary that serves `citc lsp': a path, or a command on PATH."
  :type 'string)

(defcustom cit-indent-offset 2
  "Columns per block level (`citc fmt' writes 2)."
  :type 'integer
  :safe #'integerp)

(defconst cit--name-chars "[:alnum:]_-"
  "The characters of a name (grammar/cit.pest: ident).")

(defconst cit--item-keywords
  '("import" "let" "alias" "mixin" "table" "series" "abstract" "derive"
    "type" "schema" "release" "patch" "remove")
  "Keywords that start a top-level item.")

(defconst cit--statement-keywords
  '("use" "sizes" "variants" "ratio" "allow" "when" "let" "unset")
  "Keywords that start a statement (unless a path follows them: `use = 1').")

(defvar cit-mode-syntax-table
  (let ((table (make-syntax-table)))
    ;; `//' to the end of the line; a single `/' divides.
    (modify-syntax-entry ?/ ". 12" table)
    (modify-syntax-entry ?\n ">" table)
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?\\ "\\" table)
    ;; Names contain `-' and `_': `cpu-topology-spread' is one symbol.
    (modify-syntax-entry ?- "_" table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?@ "'" table)
    (dolist (c '(?= ?* ?+ ?: ?, ?.))
      (modify-syntax-entry c "." table))
    table)
  "Syntax table of `cit-mode'.")

;;; Text blocks

(defun cit--syntax-propertize (start end)
  "Mark the `\"\"\"' of text blocks between START and END as string fences.
A text block ends at the first `\"\"\"' after its start, whatever quotes it
holds (grammar/cit.pest: text_block)."
  (goto-char start)
  (while (and (< (point) end) (re-search-forward "\"\"\"" end t))
    (let ((open (match-beginning 0)))
      (unless (nth 8 (save-excursion (syntax-ppss open)))
        (put-text-property open (1+ open) 'syntax-table (string-to-syntax "|"))
        (when (search-forward "\"\"\"" nil t)
          (put-text-property (1- (point)) (point) 'syntax-table (string-to-syntax "|")))))))

;;; Highlighting

(defun cit--match-in-code (regexp)
  "A font-lock matcher: REGEXP outside strings and comments."
  (lambda (limit)
    (let (found)
      (while (and (not found) (re-search-forward regexp limit t))
        (unless (nth 8 (save-excursion (syntax-ppss (match-beginning 0))))
          (setq found t)))
      found)))

(defun cit--match-in-strings (regexp)
  "A font-lock matcher: REGEXP inside strings and text blocks."
  (lambda (limit)
    (let (found)
      (while (and (not found) (re-search-forward regexp limit t))
        (when (nth 3 (save-excursion (syntax-ppss (match-beginning 0))))
          (setq found t)))
      found)))

(defconst cit--name (rx (any alpha "_") (* (any alnum "_-")))
  "A name (ident).")

(defconst cit--reference
  (rx (? (group-n 1 (any alpha "_") (* (any alnum "_-"))) "::")
      (group-n 2 (any alpha "_") (* (any alnum "_-"))))
  "A reference: `name' or `module::name' (group 1 the module, 2 the name).")

(defvar cit-font-lock-keywords
  `(;; Keywords that start items, and the kinds.
    (,(cit--match-in-code
       (concat "^\\s-*" (regexp-opt (append cit--item-keywords '("instancetype" "preference")) 'symbols)))
     (1 font-lock-keyword-face))
    ;; Statement keywords, unless a path follows (`use = 1' is a field).
    (,(cit--match-in-code
       (concat "\\(?:^\\|{\\)\\s-*" (regexp-opt cit--statement-keywords 'symbols)
               "\\(?:\\s-+[^=.:{ \t\n]\\|\\s-*$\\)"))
     (1 font-lock-keyword-face))
    ;; Keywords inside items and statements.
    (,(cit--match-in-code
       (regexp-opt '("for" "except" "in" "label" "from" "if" "series" "abstract"
                     "instancetype" "preference" "required" "deprecated")
                   'symbols))
     (1 font-lock-keyword-face keep))
    ;; What an item defines.
    (,(cit--match-in-code (concat "^\\s-*mixin\\s-+\\(" cit--name "\\)"))
     (1 font-lock-function-name-face))
    (,(cit--match-in-code (concat "^\\s-*\\(?:table\\|type\\)\\s-+\\(" cit--name "\\)"))
     (1 font-lock-type-face))
    (,(cit--match-in-code (concat "^\\s-*\\(?:abstract\\s-+\\)?series\\s-+\\(" cit--name "\\)"))
     (1 font-lock-type-face))
    (,(cit--match-in-code
       "^\\s-*\\(?:abstract\\s-+\\)?\\(?:instancetype\\|preference\\)\\s-+\\([[:alnum:]_][[:alnum:]_.-]*\\)")
     (1 font-lock-type-face))
    (,(cit--match-in-code (concat "\\_<let\\s-+\\(" cit--name "\\)\\s-*="))
     (1 font-lock-variable-name-face))
    (,(cit--match-in-code
       (concat "^\\s-*alias\\s-+\\(?:\\(?:instancetype\\|preference\\)\\s-+\\)?\\(" cit--name "\\)"))
     (1 font-lock-variable-name-face))
    ;; A parent: `: name'.
    (,(cit--match-in-code "\\s-:\\s-*\\([[:alnum:]_][[:alnum:]_.-]*\\)")
     (1 font-lock-type-face))
    ;; Mixins a `use' applies, tables of `sizes', `variants', `for' and `*'.
    (,(cit--match-in-code (concat "\\_<use\\s-+" cit--reference))
     (1 font-lock-constant-face nil t) (2 font-lock-function-name-face)
     (,(concat "\\=\\s-*,\\s-*" cit--reference)
      nil nil (1 font-lock-constant-face nil t) (2 font-lock-function-name-face)))
    (,(cit--match-in-code (concat "\\_<\\(?:sizes\\|variants\\|for\\)\\s-+" cit--reference))
     (1 font-lock-constant-face nil t) (2 font-lock-type-face))
    (,(cit--match-in-code (concat "\\*\\s-*" cit--reference "\\(?:\\s-\\|$\\)"))
     (1 font-lock-constant-face nil t) (2 font-lock-type-face))
    ;; `module::name' anywhere else (a constant).
    (,(cit--match-in-code (concat "\\(" cit--name "\\)::")) (1 font-lock-constant-face))
    ;; A field path before `=', `:=' or `{'.
    (,(cit--match-in-code
       "\\(?:^\\|[{ \t]\\)\\([[:alpha:]_\"][[:alnum:]_.\"/-]*\\)\\s-*\\(?::=\\|=[^=]\\|{\\)")
     (1 font-lock-variable-name-face))
    ;; Numbers, quantities, booleans, codes, attributes.
    (,(cit--match-in-code
       "\\_<-?[0-9]+\\(?:\\.[0-9]+\\)?\\(?:Ki\\|Mi\\|Gi\\|Ti\\|Pi\\|Ei\\|[kMGTPEm]\\)?\\_>")
     (0 font-lock-constant-face))
    (,(cit--match-in-code (regexp-opt '("true" "false") 'symbols)) (1 font-lock-constant-face))
    (,(cit--match-in-code "\\_<[EW][0-9]\\{4\\}\\_>") (0 font-lock-constant-face))
    (,(cit--match-in-code (concat "@" cit--name)) (0 font-lock-preprocessor-face))
    ;; Inside strings: `${name}' and escapes.
    (,(cit--match-in-strings (concat "\\${\\(" cit--name "\\)}")) (1 font-lock-variable-name-face t))
    (,(cit--match-in-strings "\\\\\\(?:u{[[:xdigit:]]+}\\|[\\\\\"ntr$]\\)") (0 font-lock-constant-face t)))
  "Font-lock keywords of `cit-mode'.")

;;; Indentation

(defun cit--continued-line-p ()
  "Whether the line before point's line leaves its construct unfinished.
A line ending in `,' (a list going on), or a definition's header without
its `{' yet, or a comment between such lines."
  (save-excursion
    (beginning-of-line)
    (let (result (done nil))
      (while (not done)
        (if (bobp)
            (setq done t)
          (forward-line -1)
          (let ((line (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
            (cond
             ((string-match-p "\\`\\s-*\\'" line) (setq done t))
             ((string-match-p "\\`\\s-*//" line) nil)   ; a comment: look further up
             (t
              (let* ((end (save-excursion
                            (end-of-line)
                            (let ((ppss (syntax-ppss)))
                              (when (nth 4 ppss) (goto-char (nth 8 ppss))))
                            (skip-chars-backward " \t")
                            (point)))
                     (code (buffer-substring-no-properties (line-beginning-position) end)))
                (setq result
                      (or (string-suffix-p "," code)
                          (and (string-match-p
                                "\\`\\(?:abstract\\s-+\\)?\\(?:instancetype\\|preference\\|series\\|patch\\)\\_>"
                                code)
                               (not (string-match-p "[{}]" code)))))
                (setq done t)))))))
      result)))

(defun cit-indent-line ()
  "Indent the current line: `cit-indent-offset' per open bracket, twice
that for a continued line.  Lines inside a text block keep their text."
  (interactive)
  (let* ((ppss (save-excursion (syntax-ppss (line-beginning-position))))
         (in-text (nth 3 ppss)))
    (unless in-text
      (let* ((depth (car ppss))
             (closing (save-excursion
                        (back-to-indentation)
                        (looking-at-p "[]})]")))
             (column (* cit-indent-offset (max 0 (- depth (if closing 1 0))))))
        (when (and (not closing) (cit--continued-line-p))
          (setq column (+ column (* 2 cit-indent-offset))))
        (let ((offset (- (current-column) (current-indentation))))
          (indent-line-to column)
          (when (> offset 0) (forward-char offset)))))))

;;; Imenu

(defvar cit-imenu-generic-expression
  `(("Aliases" ,(concat "^alias\\s-+\\(?:\\(?:instancetype\\|preference\\)\\s-+\\)?\\(" cit--name "\\)") 1)
    ("Constants" ,(concat "^let\\s-+\\(" cit--name "\\)") 1)
    ("Preferences" "^\\(?:abstract\\s-+\\)?preference\\s-+\\(\"[^\"\n]*\"\\|[[:alnum:]_][[:alnum:]_.-]*\\)" 1)
    ("Instance types" "^\\(?:abstract\\s-+\\)?instancetype\\s-+\\(\"[^\"\n]*\"\\|[[:alnum:]_][[:alnum:]_.-]*\\)" 1)
    ("Series" ,(concat "^\\(?:abstract\\s-+\\)?series\\s-+\\(" cit--name "\\)") 1)
    ("Tables" ,(concat "^table\\s-+\\(" cit--name "\\)") 1)
    ("Mixins" ,(concat "^mixin\\s-+\\(" cit--name "\\)") 1))
  "What imenu lists: the items of a .cit file by kind.")

;;; The language server

(defun cit--eglot-contact (&optional _interactive)
  "The command eglot starts: `cit-citc-program' lsp."
  (list cit-citc-program "lsp"))

(with-eval-after-load 'eglot
  (defvar eglot-server-programs)
  (add-to-list 'eglot-server-programs '(cit-mode . cit--eglot-contact)))

;;; The mode

;;;###autoload
(define-derived-mode cit-mode prog-mode "cit"
  "Major mode for .cit catalogs, the input of citc.

\\{cit-mode-map}"
  :syntax-table cit-mode-syntax-table
  (setq-local comment-start "// ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "//+\\s-*")
  (setq-local syntax-propertize-function #'cit--syntax-propertize)
  (setq-local font-lock-defaults '(cit-font-lock-keywords))
  (setq-local indent-line-function #'cit-indent-line)
  (setq-local indent-tabs-mode nil)
  (setq-local tab-width cit-indent-offset)
  (setq-local electric-indent-chars (append "{}[]()" electric-indent-chars))
  (setq-local imenu-generic-expression cit-imenu-generic-expression)
  (setq-local imenu-case-fold-search nil)
  ;; Go to definition into the standard library's read-only copies keeps
  ;; the same server (eglot 1.9's option; read in the buffer visited).
  (setq-local eglot-extend-to-xref t))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.cit\\'" . cit-mode))

(provide 'cit-mode)
;;; cit-mode.el ends here
