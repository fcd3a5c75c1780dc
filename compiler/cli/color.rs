//! When output is coloured: `--color auto|always|never`, then the
//! environment's conventions, then whether the stream is a terminal.
//!
//! - `--color always` / `--color never` decide, whatever the environment;
//! - `NO_COLOR` set and not empty turns colour off (no-color.org: an empty
//!   value does not count);
//! - `FORCE_COLOR` or `CLICOLOR_FORCE`, set and neither empty nor `0`, turn
//!   it on where the output is not a terminal: a CI log that shows colours
//!   (GitHub's does) asks for them this way;
//! - `CLICOLOR=0` turns it off; otherwise a terminal (not `TERM=dumb`) is
//!   coloured.
//!
//! The decision is anstream's global choice, so clap's help follows it
//! too; styles are anstyle's, and streams that are not coloured get none.

use std::ffi::OsString;

use anstream::ColorChoice;
use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum When {
    /// Colour a terminal, following NO_COLOR, FORCE_COLOR and CLICOLOR_FORCE.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `--color WHEN` / `--color=WHEN` among the raw arguments, read before
/// clap parses them so that `--help` is coloured as asked. An invalid
/// value is left for clap to report.
pub fn from_args(args: &[OsString]) -> Option<When> {
    let mut args = args.iter().skip(1).map(|a| a.to_string_lossy());
    let mut found = None;
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        let value = if arg == "--color" {
            args.next().map(|v| v.into_owned())
        } else {
            arg.strip_prefix("--color=").map(str::to_string)
        };
        if let Some(when) = value.and_then(|v| When::from_str(&v, false).ok()) {
            found = Some(when);
        }
    }
    found
}

/// What the environment asks when the command line does not say.
fn from_env(var: impl Fn(&str) -> Option<OsString>) -> ColorChoice {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    let on = |name: &str| var(name).is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    if set("NO_COLOR") {
        ColorChoice::Never
    } else if on("FORCE_COLOR") || on("CLICOLOR_FORCE") {
        ColorChoice::Always
    } else {
        ColorChoice::Auto
    }
}

/// The choice for `when` (`None`: not given) in an environment.
fn choice(when: Option<When>, var: impl Fn(&str) -> Option<OsString>) -> ColorChoice {
    match when {
        Some(When::Always) => ColorChoice::Always,
        Some(When::Never) => ColorChoice::Never,
        Some(When::Auto) | None => from_env(var),
    }
}

/// Sets the process's colour choice (anstream's global, which clap and
/// [`stdout`]/[`stderr`] read).
pub fn init(when: Option<When>) {
    choice(when, |name| std::env::var_os(name)).write_global();
}

/// Whether text written to stdout is coloured.
pub fn stdout() -> bool {
    // Only asks whether stdout is a terminal; nothing is written here.
    #[allow(clippy::disallowed_methods)]
    let out = std::io::stdout();
    anstream::AutoStream::choice(&out) != ColorChoice::Never
}

/// Whether text written to stderr is coloured.
pub fn stderr() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != ColorChoice::Never
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn the_command_line_wins_over_the_environment() {
        let forced = [("FORCE_COLOR", "1")];
        assert_eq!(choice(Some(When::Never), env(&forced)), ColorChoice::Never);
        let off = [("NO_COLOR", "1")];
        assert_eq!(choice(Some(When::Always), env(&off)), ColorChoice::Always);
    }

    #[test]
    fn no_color_counts_only_when_not_empty() {
        assert_eq!(choice(None, env(&[("NO_COLOR", "1")])), ColorChoice::Never);
        assert_eq!(choice(None, env(&[("NO_COLOR", "")])), ColorChoice::Auto);
        // NO_COLOR wins over a forcing variable, as anstream has it.
        let both = [("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")];
        assert_eq!(choice(None, env(&both)), ColorChoice::Never);
    }

    #[test]
    fn force_color_and_clicolor_force_colour_any_stream() {
        for name in ["FORCE_COLOR", "CLICOLOR_FORCE"] {
            assert_eq!(choice(None, env(&[(name, "1")])), ColorChoice::Always);
            assert_eq!(choice(None, env(&[(name, "3")])), ColorChoice::Always);
            assert_eq!(choice(None, env(&[(name, "0")])), ColorChoice::Auto);
            assert_eq!(choice(None, env(&[(name, "")])), ColorChoice::Auto);
        }
    }

    #[test]
    fn the_flag_is_read_before_parsing() {
        let args = |v: &[&str]| v.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            from_args(&args(&["citc", "--color", "never", "--help"])),
            Some(When::Never)
        );
        assert_eq!(
            from_args(&args(&["citc", "check", "--color=always"])),
            Some(When::Always)
        );
        assert_eq!(from_args(&args(&["citc", "--color", "blue"])), None);
        assert_eq!(
            from_args(&args(&["citc", "fmt", "--", "--color=always"])),
            None
        );
    }
}
