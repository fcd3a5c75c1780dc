;;; emacs-test.el --- editors/emacs/cit-mode.el in Emacs, and citc lsp through eglot  -*- lexical-binding: t; -*-

;; Run by editors/test/run.sh:
;;
;;   CITC=target/debug/citc emacs --batch -Q -l editors/test/emacs-test.el
;;
;; 1. the mode: a .cit file opens in cit-mode; faces of every kind of token
;;    (`emacs-cases' below); comments and text blocks as syntax; indentation
;;    gives back the layout of `citc fmt' (catalog.cit and the standard
;;    library, their indentation removed first); imenu lists the items;
;; 2. eglot (Debian's elpa-eglot) with the contact cit-mode registers, on a
;;    copy of catalog.cit: the server's diagnostics after an edit, hover,
;;    definition (xref) into the standard library's copy served by the same
;;    server, completion, rename, formatting.
;;
;; Prints `ok'/`not ok' lines and `emacs: N passed, N failed'; exits 0 only
;; when every check passed.

;;; Code:

(require 'package)
(require 'imenu)
;; Debian's elpa-* packages (eglot, and the project and xref it needs),
;; which `emacs -Q' does not activate by itself.
(add-to-list 'package-directory-list "/usr/share/emacs/site-lisp/elpa")
(package-initialize)

(defvar emacs-test-repo
  (expand-file-name "../.." (file-name-directory (or load-file-name buffer-file-name))))
(add-to-list 'load-path (expand-file-name "editors/emacs" emacs-test-repo))
(require 'cit-mode)

(defvar emacs-test-citc
  (expand-file-name (or (getenv "CITC") "target/debug/citc") emacs-test-repo))
(defvar emacs-test-timeout (string-to-number (or (getenv "CITC_EMACS_TIMEOUT") "30")))
(defvar emacs-test-passed 0)
(defvar emacs-test-failed 0)

(defun emacs-test-out (format-string &rest args)
  (princ (concat (apply #'format format-string args) "\n")))

(defun emacs-test-check (ok what &optional detail)
  (if ok
      (progn (setq emacs-test-passed (1+ emacs-test-passed))
             (emacs-test-out "ok - %s" what))
    (setq emacs-test-failed (1+ emacs-test-failed))
    (emacs-test-out "not ok - %s%s" what (if detail (format ": %S" detail) "")))
  ok)

(defun emacs-test-file (relative)
  (expand-file-name relative emacs-test-repo))

(defun emacs-test-goto (find &optional token)
  "Move to TOKEN (default FIND) inside the first line containing FIND."
  (goto-char (point-min))
  (unless (search-forward find nil t)
    (error "Not in %s: %s" (buffer-name) find))
  (goto-char (+ (match-beginning 0) (or (and token (cl-search token find)) 0))))

;;; 1. The mode

(defvar emacs-cases
  '(("editors/test/fixtures/all-constructs.cit"
     ;; FIND TOKEN FACE
     ("import \"std/kubevirt\"" "import" font-lock-keyword-face)
     ("import \"std/kubevirt\"" "\"std" font-lock-string-face)
     ("// a comment after a statement" "a comment" font-lock-comment-face)
     ("let greeting" "let" font-lock-keyword-face)
     ("let greeting" "greeting" font-lock-variable-name-face)
     ("alias instancetype tier" "tier" font-lock-variable-name-face)
     ("mixin shared {" "mixin" font-lock-keyword-face)
     ("mixin shared {" "shared" font-lock-function-name-face)
     ("use sized" "use" font-lock-keyword-face)
     ("use sized" "sized" font-lock-function-name-face)
     ("table tiers (" "tiers" font-lock-type-face)
     ("abstract series base1" "abstract" font-lock-keyword-face)
     ("abstract series base1" "base1" font-lock-type-face)
     ("series t1 : base1" "base1" font-lock-type-face)
     ("sizes tiers except silver" "sizes" font-lock-keyword-face)
     ("sizes tiers except silver" "tiers" font-lock-type-face)
     ("sizes tiers except silver" "except" font-lock-keyword-face)
     ("variants hugepage_variants" "hugepage_variants" font-lock-type-face)
     ("when tier_key in (bronze" "when" font-lock-keyword-face)
     ("when tier_key in (bronze" "in" font-lock-keyword-face)
     ("instancetype tiny.1 : small-base" "tiny.1" font-lock-type-face)
     ("for editions * tiers" "for" font-lock-keyword-face)
     ("for editions * tiers" "editions" font-lock-type-face)
     ("for editions * tiers" "tiers" font-lock-type-face)
     ("spec.cpu.model = " "spec.cpu.model" font-lock-variable-name-face)
     ("let count = 42" "42" font-lock-constant-face)
     ("let half = 1.5Gi" "1.5Gi" font-lock-constant-face)
     ("let enabled = true" "true" font-lock-constant-face)
     ("allow W0102" "W0102" font-lock-constant-face)
     ("from @size" "@size" font-lock-preprocessor-face)
     ("\"team-${count}\"" "count" font-lock-variable-name-face)
     ("caf\\u{e9}" "\\u{e9}" font-lock-constant-face)
     ("A text block spans lines" "text block" font-lock-string-face)
     ("\"quotes\" and \"\" pairs stay text" "and" font-lock-string-face)
     ("// and this is no comment." "and this" font-lock-string-face)
     ("patch * {" "patch" font-lock-keyword-face)
     ("remove instancetype tiny.1" "remove" font-lock-keyword-face)
     ("unset spec.cpu.preferredCPUTopology" "unset" font-lock-keyword-face)
     ("use kubevirt::sized" "kubevirt" font-lock-constant-face)
     ("use kubevirt::sized" "sized" font-lock-function-name-face)
     ("sizes common::tiny_sizes" "common" font-lock-constant-face)
     ("sizes common::tiny_sizes" "tiny_sizes" font-lock-type-face)
     ("= common::site" "common" font-lock-constant-face)))
  "Expected faces: the token inside the first line that contains FIND.")

(defun emacs-test-face-at (pos)
  (let ((face (get-text-property pos 'face)))
    (if (listp face) face (list face))))

(defun emacs-test-mode ()
  (dolist (file-cases emacs-cases)
    (let ((buffer (find-file-noselect (emacs-test-file (car file-cases)))))
      (with-current-buffer buffer
        (emacs-test-check (eq major-mode 'cit-mode) (format "%s opens in cit-mode" (car file-cases)) major-mode)
        (font-lock-ensure)
        (dolist (case (cdr file-cases))
          (pcase-let ((`(,find ,token ,face) case))
            (emacs-test-goto find token)
            (let* ((start (point))
                   (faces (cl-loop for pos from start below (+ start (length token))
                                   collect (emacs-test-face-at pos))))
              (emacs-test-check (cl-every (lambda (f) (memq face f)) faces)
                                (format "%S in %S has %s" token find face)
                                faces))))
        ;; Comments and text blocks are syntax, not only colour.
        (emacs-test-goto "// a comment after a statement" "comment after")
        (emacs-test-check (nth 4 (syntax-ppss)) "`//' starts a comment")
        (emacs-test-goto "$5 // not a comment" "not a comment")
        (emacs-test-check (and (nth 3 (syntax-ppss)) (not (nth 4 (syntax-ppss)))) "`//' inside a string is the string's")
        (emacs-test-goto "\"quotes\" and \"\" pairs stay text" "and \"\"")
        (emacs-test-check (nth 3 (syntax-ppss)) "quotes inside a text block stay in it")
        (emacs-test-goto "let repo = " "let")
        (emacs-test-check (not (nth 3 (syntax-ppss))) "the code after a text block is code")
        (emacs-test-check (equal comment-start "// ") "comment-start is `// '")))))

(defun emacs-test-strip-indentation ()
  "Remove the indentation of every line outside text blocks."
  (goto-char (point-min))
  (while (not (eobp))
    (unless (nth 3 (syntax-ppss (line-beginning-position)))
      (delete-horizontal-space t)
      (back-to-indentation)
      (delete-region (line-beginning-position) (point)))
    (forward-line 1)))

(defun emacs-test-indentation ()
  (dolist (file '("catalog.cit" "stdlib/kubevirt.cit" "stdlib/components.cit" "stdlib/sizes.cit" "stdlib/schema.cit"))
    (let ((text (with-temp-buffer
                  (insert-file-contents (emacs-test-file file))
                  (buffer-string))))
      (with-temp-buffer
        (insert text)
        (cit-mode)
        (emacs-test-strip-indentation)
        (indent-region (point-min) (point-max))
        (let ((mine (buffer-string)))
          (emacs-test-check (equal mine text)
                            (format "indent-region gives back the layout of %s" file)
                            (unless (equal mine text)
                              (let ((a (split-string text "\n")) (b (split-string mine "\n")) (n 1))
                                (while (and a b (equal (car a) (car b)))
                                  (setq a (cdr a) b (cdr b) n (1+ n)))
                                (list :line n :want (car a) :got (car b)))))))))
  ;; Typing: a new line inside a block, and a closing brace.
  (with-temp-buffer
    (cit-mode)
    (insert "mixin m {\nspec.cpu {\nguest = 1")
    (indent-region (point-min) (point-max))
    (newline-and-indent)
    (insert "}")
    (indent-according-to-mode)
    (emacs-test-check (equal (buffer-string) "mixin m {\n  spec.cpu {\n    guest = 1\n  }")
                      "new lines indent by block, `}' dedents" (buffer-string))))

(defun emacs-test-imenu ()
  (with-current-buffer (find-file-noselect (emacs-test-file "catalog.cit"))
    (let* ((index (imenu--make-index-alist t))
           (names (lambda (group) (mapcar #'car (cdr (assoc group index))))))
      (emacs-test-check (member "dedicated-cpu" (funcall names "Mixins")) "imenu lists mixins" (funcall names "Mixins"))
      (emacs-test-check (member "u1" (funcall names "Series")) "imenu lists series")
      (emacs-test-check (member "linux.efi" (funcall names "Preferences")) "imenu lists preferences")
      (emacs-test-check (member "windows_versions" (funcall names "Tables")) "imenu lists tables"))))

;;; 2. eglot

(defun emacs-test-wait (what predicate)
  "Wait until PREDICATE holds, reading the server's output; nil on timeout."
  (let ((deadline (+ (float-time) emacs-test-timeout)) result)
    (while (and (not (setq result (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (unless result (emacs-test-out "# timed out waiting for %s" what))
    result))

(defun emacs-test-diagnostics ()
  (flymake-start)
  (mapcar (lambda (d) (flymake-diagnostic-text d)) (flymake-diagnostics)))

(defun emacs-test-eglot ()
  (require 'eglot)
  (require 'xref)
  (let* ((dir (make-temp-file "citc-emacs-" t))
         (process-environment (cons (format "XDG_CACHE_HOME=%s/cache" dir) process-environment))
         (cit-citc-program emacs-test-citc)
         (catalog (expand-file-name "catalog.cit" dir)))
    (unwind-protect
        (progn
          (copy-file (emacs-test-file "catalog.cit") catalog)
          (with-current-buffer (find-file-noselect catalog)
            (let ((contact (eglot--guess-contact)))
              (emacs-test-check (equal (nth 3 contact) (list emacs-test-citc "lsp"))
                                "eglot's contact for cit-mode is `citc lsp' (eglot-server-programs)"
                                (nth 3 contact))
              (apply #'eglot contact))
            (let ((server (emacs-test-wait "the server" #'eglot-current-server)))
              (emacs-test-check (and server (jsonrpc-running-p server)) "eglot started citc lsp")
              (emacs-test-check (emacs-test-wait "managed mode" (lambda () eglot--managed-mode))
                                "catalog.cit is managed by eglot")
              ;; Diagnostics: an edit names an unknown mixin.
              (emacs-test-goto "use common-series, dedicated-cpu" "dedicated-cpu")
              (forward-char (length "dedicated-cpu"))
              (insert "s")
              (eglot--signal-textDocument/didChange)
              (let ((diags (emacs-test-wait "E0102" (lambda ()
                                                     (seq-filter (lambda (m) (string-match-p "dedicated-cpus" m))
                                                                 (emacs-test-diagnostics))))))
                (emacs-test-check diags "an edit brings the server's diagnostic to flymake" (emacs-test-diagnostics))
                (emacs-test-out "# flymake: %s" (replace-regexp-in-string "\n" " / " (or (car diags) ""))))
              (delete-char -1)
              (eglot--signal-textDocument/didChange)
              (emacs-test-check (emacs-test-wait "no diagnostics" (lambda () (null (emacs-test-diagnostics))))
                                "undoing the edit clears it")
              ;; Hover, over eglot's connection.
              (emacs-test-goto "use common-series, dedicated-cpu" "dedicated-cpu")
              (let* ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)))
                     (text (plist-get (plist-get hover :contents) :value)))
                (emacs-test-check (and text (string-match-p "mixin dedicated-cpu" text)) "hover shows the mixin" text)
                (emacs-test-check (and text (not (string-match-p "^|" text))) "hover has no Markdown table"))
              ;; Definition through xref, into the standard library.
              (emacs-test-goto "use sized" "sized")
              (let* ((xrefs (xref-backend-definitions 'eglot (xref-backend-identifier-at-point 'eglot)))
                     (file (and xrefs (xref-location-group (xref-item-location (car xrefs))))))
                (emacs-test-check (and file (string-suffix-p "/std/kubevirt.cit" file))
                                  "xref finds `sized' in the standard library's copy" file)
                (when file
                  (with-current-buffer (find-file-noselect file)
                    (emacs-test-check (eq major-mode 'cit-mode) "the copy opens in cit-mode")
                    (emacs-test-check buffer-read-only "the copy is read-only")
                    (emacs-test-check (eq (eglot-current-server) server)
                                      "the copy is served by the same server (no second citc lsp)")
                    (emacs-test-check eglot--managed-mode "eglot manages the copy"))))
              (let ((count 0))
                (maphash (lambda (_ servers) (setq count (+ count (length servers)))) eglot--servers-by-project)
                (emacs-test-check (= count 1) "one server in all" count))
              ;; Completion at `use '.
              (emacs-test-goto "use common-series, dedicated-cpu" "common-series")
              (end-of-line)
              (insert ", ")
              (eglot--signal-textDocument/didChange)
              (let* ((capf (eglot-completion-at-point))
                     (candidates (and capf (all-completions "" (nth 2 capf)))))
                (emacs-test-check (member "dedicated-cpu" candidates) "completion after `use' offers the mixins"
                                  (seq-take candidates 5)))
              (delete-char -2)
              (eglot--signal-textDocument/didChange)
              ;; Rename a mixin: every use follows.
              (emacs-test-goto "mixin dedicated-cpu" "dedicated-cpu")
              (let ((uses (how-many "\\_<dedicated-cpu\\_>" (point-min) (point-max))))
                (eglot-rename "pinned-cpu")
                (emacs-test-check (and (> uses 1)
                                       (= (how-many "\\_<pinned-cpu\\_>" (point-min) (point-max)) uses)
                                       (= (how-many "\\_<dedicated-cpu\\_>" (point-min) (point-max)) 0))
                                  "rename changes the mixin and its uses" uses))
              ;; Formatting: the layout removed, then given back by the server.
              (let ((formatted (buffer-string)))
                (emacs-test-strip-indentation)
                (eglot-format-buffer)
                (emacs-test-check (equal (buffer-string) formatted) "eglot-format-buffer gives back citc fmt's layout"))
              (set-buffer-modified-p nil)
              (eglot-shutdown server))))
      (dolist (buffer (buffer-list))
        (when (and (buffer-file-name buffer) (string-prefix-p dir (buffer-file-name buffer)))
          (with-current-buffer buffer (set-buffer-modified-p nil))
          (kill-buffer buffer)))
      (delete-directory dir t))))

(defun emacs-test-main ()
  (emacs-test-out "# %s, eglot %s, %s" (car (split-string (emacs-version) "\n"))
                  (or (and (locate-library "eglot")
                           (with-temp-buffer
                             (insert-file-contents (locate-library "eglot.el"))
                             (and (re-search-forward "^;; Version: \\(.*\\)" nil t) (match-string 1))))
                      "?")
                  emacs-test-citc)
  (dolist (part '(emacs-test-mode emacs-test-indentation emacs-test-imenu emacs-test-eglot))
    (condition-case err
        (funcall part)
      (error (emacs-test-check nil (format "%s ran to its end" part) err))))
  (emacs-test-out "emacs: %d passed, %d failed" emacs-test-passed emacs-test-failed)
  (kill-emacs (if (and (= emacs-test-failed 0) (> emacs-test-passed 0)) 0 1)))

(emacs-test-main)
;;; emacs-test.el ends here
