//! The examples at the end of each command's `--help`, in one place.
//! tests/conventions.rs parses every example line with the real parser, so
//! an example cannot name an option that does not exist.

/// (command, example lines): each line is a whole `citc …` invocation,
/// with an optional `# comment`.
pub const EXAMPLES: &[(&str, &[&str])] = &[
    (
        "build",
        &[
            "citc build                                  # catalog.cit -> _build/",
            "citc build catalog.cit --version v1.7.0 -o _build",
            "citc build --version v1.8.0 --versioned-names -o release   # release assets",
            "citc build -o - | kubectl apply -f -       # the all-bundle on stdout",
            "citc build --check -o _build --version v1.7.0   # CI: is the committed _build current?",
        ],
    ),
    (
        "check",
        &[
            "citc check                                  # catalog.cit",
            "citc check catalog.cit --deny warnings",
            "citc check --message-format github          # annotations in a GitHub job",
            "citc check --message-format sarif > citc.sarif   # GitHub code scanning",
            "citc check --message-format junit > citc.xml     # GitLab, Jenkins, Prow test reports",
        ],
    ),
    (
        "diff",
        &[
            "citc diff v1.6.0                            # that tag against catalog.cit now",
            "citc diff v1.6.0 v1.7.0 --format markdown",
            "citc diff releases/v1.7.0 --fail-on breaking",
            "citc diff HEAD~1 --format json",
        ],
    ),
    (
        "show",
        &[
            "citc show u1.medium --why",
            "citc show u1.medium spec.cpu.guest",
            "citc show rhel.9 displayName",
            "citc show fedora 'metadata.labels.\"instancetype.kubevirt.io/os-type\"'",
            "citc show windows.11 --kind VirtualMachinePreference --format json --why",
            "citc show fedora vendor --catalog examples/downstream/catalog.cit",
        ],
    ),
    (
        "fmt",
        &[
            "citc fmt                                    # catalog.cit, in place",
            "citc fmt --check --diff                     # CI: list and show what would change",
            "citc fmt - < catalog.cit                    # stdin to stdout, for editors",
            "citc fmt catalog.cit examples/vendor/catalog.cit",
        ],
    ),
    (
        "explain",
        &[
            "citc explain                                # every code",
            "citc explain E0201",
        ],
    ),
    (
        "doc",
        &[
            "citc doc std > STD.md",
            "citc doc readme --write README.md           # series diagram and table, \"## Resources\" tables",
            "citc doc readme --check README.md           # CI: exit 1 when stale",
            "citc doc labels --catalog catalog.cit",
            "citc doc html -o site                       # a page to choose from: open site/index.html",
            "citc doc html -o site --compare v1.7.0      # and what changed since v1.7.0",
        ],
    ),
    (
        "import",
        &[
            "citc import releases/v1.7.0 -o catalog.cit",
            "citc import common-instancetypes-all-bundle.yaml --literal",
            "citc import . -o catalog.cit --force        # a kustomize tree, built first",
        ],
    ),
    (
        "lsp",
        &["citc lsp                                    # started by an editor, on stdio"],
    ),
    (
        "completions",
        &[
            "citc completions bash > ~/.local/share/bash-completion/completions/citc",
            "citc completions zsh > \"${fpath[1]}/_citc\"",
            "citc completions fish > ~/.config/fish/completions/citc.fish",
        ],
    ),
    (
        "man",
        &[
            "citc man | man -l -",
            "citc man --output /usr/local/share/man/man1",
        ],
    ),
];

/// The help text after the options: "Examples:" and the lines.
pub fn text(lines: &[&str]) -> String {
    let mut text = String::from("Examples:\n");
    for line in lines {
        text.push_str("  ");
        text.push_str(line);
        text.push('\n');
    }
    text.pop();
    text
}

/// `command` with each subcommand's examples after its help.
pub fn add(mut command: clap::Command) -> clap::Command {
    for (name, lines) in EXAMPLES {
        command = command.mut_subcommand(*name, |sub| sub.after_help(text(lines)));
    }
    let all: Vec<&str> = [
        "citc check",
        "citc build --version v1.7.0",
        "citc diff v1.6.0",
    ]
    .into_iter()
    .collect();
    command.after_help(text(&all))
}
