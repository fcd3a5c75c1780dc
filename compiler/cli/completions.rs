//! `citc completions SHELL` and `citc man`: shell completions (clap_complete)
//! and manual pages (clap_mangen), made from the same command definition as
//! the parser, so they never disagree with it.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use clap_complete::Shell;

/// Print a completion script for a shell.
///
/// Bash: `citc completions bash > ~/.local/share/bash-completion/completions/citc`;
/// zsh: `citc completions zsh > "${fpath[1]}/_citc"`;
/// fish: `citc completions fish > ~/.config/fish/completions/citc.fish`;
/// PowerShell: `citc completions powershell >> $PROFILE`;
/// elvish: `citc completions elvish >> ~/.config/elvish/rc.elv`.
/// The release archives carry them in completions/.
#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn run(args: CompletionsArgs) -> ExitCode {
    let mut command = super::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "citc", &mut script);
    super::stdout::text(&String::from_utf8_lossy(&script));
    ExitCode::SUCCESS
}

/// Print the manual page citc(1), or write one page per command.
///
/// Without --output, citc(1) is printed (roff; `citc man | man -l -`).
/// With --output DIR, DIR/citc.1 and DIR/citc-COMMAND.1 for every command
/// are written, as the release archives carry them in man/.
#[derive(Args)]
pub struct ManArgs {
    /// Write citc.1 and citc-COMMAND.1 into this folder (created if missing).
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
}

pub fn run_man(args: ManArgs) -> ExitCode {
    let mut command = super::command();
    command.build();
    let Some(dir) = args.output else {
        return match page(&command) {
            Ok(page) => {
                super::stdout::text(&page);
                ExitCode::SUCCESS
            }
            Err(err) => failed(&err),
        };
    };
    let mut pages = vec![("citc.1".to_string(), command.clone())];
    for sub in command.get_subcommands().filter(|c| c.get_name() != "help") {
        let name = format!("citc-{}", sub.get_name());
        let usage = format!("citc {}", sub.get_name());
        pages.push((format!("{name}.1"), sub.clone().name(name).bin_name(usage)));
    }
    let written = std::fs::create_dir_all(&dir).and_then(|()| {
        for (file, command) in &pages {
            std::fs::write(dir.join(file), page(command)?)?;
        }
        Ok(())
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => failed(&err),
    }
}

fn page(command: &clap::Command) -> std::io::Result<String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command.clone())
        .date(crate::version::DATE)
        .source(format!("citc {}", env!("CARGO_PKG_VERSION")))
        .manual("citc manual")
        .render(&mut out)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn failed(err: &std::io::Error) -> ExitCode {
    eprintln!(
        "error: cannot write the manual pages: {}",
        crate::source::plain_io_error(err)
    );
    eprintln!("help: give --output a folder that can be created and written");
    ExitCode::from(2)
}
