//! A YAML emitter that writes what go-yaml v2 writes, byte for byte.
//!
//! kustomize prints its output through sigs.k8s.io/yaml: JSON, then go-yaml v2
//! `Marshal`. Matching upstream bundles therefore means making go-yaml v2's
//! choices (design/YAML.md): which strings are quoted and how, when a line
//! is folded at 80 columns, how blocks and lists are laid out, and in which
//! order map keys come.
//!
//! The code follows go-yaml's own structure so the two can be read side by
//! side: `resolve.go` (would a plain string read back as a non-string?),
//! `sorter.go` (key order), `encode.go` (the style asked for) and
//! `emitterc.go` (analysis of the scalar, the style actually used, and the
//! writer state machine with its `column`, `whitespace` and `indention`
//! flags). Only the block-style subset kustomize reaches is implemented:
//! no anchors, tags, comments or flow collections other than `{}` and `[]`.

use std::cmp::Ordering;

/// An ordered YAML value. Maps keep insertion order; the emitter never sorts.
#[derive(Debug, Clone, PartialEq)]
pub enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Yaml>),
    Map(Vec<(String, Yaml)>),
}

/// go-yaml's `best_indent`.
const INDENT: usize = 2;
/// go-yaml's `best_width`: plain and quoted scalars fold once a line is longer.
const WIDTH: usize = 80;
/// Longest key, in bytes, that go-yaml still writes as a simple `key: value`.
const MAX_SIMPLE_KEY: usize = 128;

/// go-yaml v2's map key order (YAML.md section 2.2). Used by lowering to sort keys.
///
/// Port of `keyList.Less` in sorter.go for string keys: letters compare by
/// code point, a non-letter sorts before a letter, and runs of digits compare
/// as numbers. Letters and digits follow Unicode only approximately (Rust has
/// no `L`/`Nd` category test); for ASCII keys the order is exact.
pub fn go_yaml_key_cmp(a: &str, b: &str) -> Ordering {
    // Kubernetes keys are ASCII: compare their bytes without allocating.
    if a.is_ascii() && b.is_ascii() {
        return ordering(a.as_bytes(), b.as_bytes());
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    ordering(&a, &b)
}

fn ordering<T: KeyChar>(a: &[T], b: &[T]) -> Ordering {
    // Most keys first differ at two letters, which compare as code points
    // (what `key_less` decides there, one scan instead of two).
    if let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) {
        if a[i].char().is_alphabetic() && b[i].char().is_alphabetic() {
            return if a[i] < b[i] {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
    }
    if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

/// A character of a key: a byte of an ASCII key, or a `char`.
trait KeyChar: Copy + PartialOrd {
    fn char(self) -> char;
}

impl KeyChar for u8 {
    fn char(self) -> char {
        char::from(self)
    }
}

impl KeyChar for char {
    fn char(self) -> char {
        self
    }
}

/// Appends one document: "---\n" followed by the body, ending in "\n".
/// The top-level value is normally a Map.
pub fn write_document(out: &mut String, doc: &Yaml) {
    // go-yaml writes no `---` for the first (implicit) document; kustomize
    // puts one before every document itself, so the emitter starts on a
    // fresh line exactly as go-yaml does.
    out.push_str("---\n");
    let mut emitter = Emitter {
        out,
        indent: None,
        column: 0,
        whitespace: true,
        indention: true,
    };
    emitter.emit_node(doc, Ctx::Root);
    // Document end (implicit, so no `...`): terminate the last line.
    emitter.write_indent();
}

/// A value as JSON (for `--format json` outputs): maps keep their order.
pub fn write_json(out: &mut String, value: &Yaml) {
    match value {
        Yaml::Null => out.push_str("null"),
        Yaml::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Yaml::Int(i) => out.push_str(&i.to_string()),
        Yaml::Float(f) if f.is_finite() => out.push_str(&f.to_string()),
        Yaml::Float(_) => out.push_str("null"),
        Yaml::Str(s) => out.push_str(&crate::diagnostic::json_string(s)),
        Yaml::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Yaml::Map(entries) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&crate::diagnostic::json_string(key));
                out.push_str(": ");
                write_json(out, item);
            }
            out.push('}');
        }
    }
}

// ---------------------------------------------------------------- key order

fn key_less<T: KeyChar>(a: &[T], b: &[T]) -> bool {
    for i in 0..a.len().min(b.len()) {
        if a[i] == b[i] {
            continue;
        }
        let (a_letter, b_letter) = (a[i].char().is_alphabetic(), b[i].char().is_alphabetic());
        if a_letter && b_letter {
            return a[i] < b[i];
        }
        if a_letter || b_letter {
            return b_letter;
        }
        // go-yaml: when a run of digits differs at a '0' after a non-zero
        // digit of `a`, both numbers get a leading 1 so that zeros count.
        let mut seed = 0;
        if a[i].char() == '0' || b[i].char() == '0' {
            let before = a[..i].iter().rev().take_while(|c| is_digit(c.char()));
            if before.clone().any(|c| c.char() != '0') {
                seed = 1;
            }
        }
        let (a_num, a_end) = digit_run(a, i, seed);
        let (b_num, b_end) = digit_run(b, i, seed);
        if a_num != b_num {
            return a_num < b_num;
        }
        if a_end != b_end {
            return a_end < b_end;
        }
        return a[i] < b[i];
    }
    a.len() < b.len()
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric())
}

/// The value of the digit run starting at `start` and where it ends. Go
/// computes it in an int64 that silently wraps, so this wraps too.
fn digit_run<T: KeyChar>(s: &[T], start: usize, seed: i64) -> (i64, usize) {
    let mut value = seed;
    let mut end = start;
    while end < s.len() && is_digit(s[end].char()) {
        let digit = i64::from(u32::from(s[end].char())) - i64::from(u32::from('0'));
        value = value.wrapping_mul(10).wrapping_add(digit);
        end += 1;
    }
    (value, end)
}

// ------------------------------------------------- resolve: plain reads back as?

/// Plain forms go-yaml v2 reads as bool, null, float or infinity (resolve.go's
/// table). `<<` is in that table too but never reached: '<' has no hint.
const SPECIAL_WORDS: &[&str] = &[
    "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", //
    "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", //
    "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", //
    "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
];

/// encode.go `stringv`: a string is double-quoted when, written plain, it
/// would read back as something else, or as a YAML 1.1 base-60 float.
fn needs_quotes(s: &str) -> bool {
    resolves_to_non_string(s) || is_base60_float(s)
}

/// resolve.go `resolve("", s) != !!str`. The first byte picks the candidates.
fn resolves_to_non_string(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return true; // the empty string is null
    };
    let special = || SPECIAL_WORDS.contains(&s);
    match first {
        b'+' | b'-' | b'0'..=b'9' => special() || is_timestamp(s) || is_number(s),
        b'.' => special() || go_parse_float_dotted(s),
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => special(),
        _ => false,
    }
}

/// The int and float branch of `resolve`, run on the string without `_`.
fn is_number(s: &str) -> bool {
    let plain = s.replace('_', "");
    go_parse_int_base0(&plain)
        || (is_yaml_style_float(&plain) && parses_finite(&plain))
        || is_signed_binary(&plain)
}

/// `strconv.ParseInt(s, 0, 64)` or `strconv.ParseUint(s, 0, 64)` succeeds.
fn go_parse_int_base0(s: &str) -> bool {
    let (sign, body) = split_sign(s);
    let bytes = body.as_bytes();
    let prefixed = |letter: u8| bytes.len() >= 3 && bytes[1].eq_ignore_ascii_case(&letter);
    let (radix, digits) = match bytes.first() {
        None => return false,
        Some(b'0') if prefixed(b'b') => (2, &body[2..]),
        Some(b'0') if prefixed(b'o') => (8, &body[2..]),
        Some(b'0') if prefixed(b'x') => (16, &body[2..]),
        Some(b'0') => (8, &body[1..]),
        Some(_) => (10, body),
    };
    parse_digits(digits, radix).is_some_and(|n| fits_go_int(sign, n))
}

/// resolve.go's extra `0b` branch, `ParseInt(plain[2:], 2, 64)`, which unlike
/// base 0 accepts a sign after the prefix (`0b-101`).
fn is_signed_binary(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("0b") else {
        return false;
    };
    let (sign, body) = split_sign(rest);
    !body.is_empty() && parse_digits(body, 2).is_some_and(|n| fits_go_int(sign, n))
}

fn split_sign(s: &str) -> (Option<u8>, &str) {
    match s.as_bytes().first() {
        Some(&sign @ (b'+' | b'-')) => (Some(sign), &s[1..]),
        _ => (None, s),
    }
}

/// A magnitude is accepted by ParseInt (with its sign) or, unsigned, by ParseUint.
fn fits_go_int(sign: Option<u8>, magnitude: u64) -> bool {
    match sign {
        None => true,
        Some(b'-') => magnitude <= i64::MIN.unsigned_abs(),
        Some(_) => magnitude <= i64::MAX.unsigned_abs(),
    }
}

/// Digits in `radix` (Go accepts letters as digits up to base 36), `None` on
/// a bad digit or on overflow. An empty string is 0, as after Go's `0` prefix.
fn parse_digits(digits: &str, radix: u32) -> Option<u64> {
    digits.chars().try_fold(0u64, |n, c| {
        let digit = c.to_digit(36).filter(|d| *d < radix)?;
        n.checked_mul(u64::from(radix))?
            .checked_add(u64::from(digit))
    })
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (resolve.go).
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let whole = count_digits(&b[i..]);
    i += whole;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let fraction = count_digits(&b[i..]);
        if whole == 0 && fraction == 0 {
            return false;
        }
        i += fraction;
    } else if whole == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1 + usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        let exponent = count_digits(&b[i..]);
        if exponent == 0 {
            return false;
        }
        i += exponent;
    }
    i == b.len()
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// Go's ParseFloat fails with ErrRange on overflow; the string stays a string.
fn parses_finite(s: &str) -> bool {
    s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// `strconv.ParseFloat(s, 64)` succeeds, for `s` starting with '.' (resolve.go
/// tries it on the raw string, so `_` between digits is allowed here).
fn go_parse_float_dotted(s: &str) -> bool {
    let b = s.as_bytes();
    let digits_or_underscores = |from: usize| {
        let run = b[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == b'_');
        from + run.count()
    };
    let mantissa_end = digits_or_underscores(1);
    if !b[1..mantissa_end].iter().any(u8::is_ascii_digit) {
        return false;
    }
    let mut i = mantissa_end;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1 + usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return false;
        }
        i = digits_or_underscores(i);
    }
    i == b.len() && go_underscores_ok(b) && parses_finite(&s.replace('_', ""))
}

/// strconv's `underscoreOK` for a number with no sign or base prefix: every
/// `_` must sit between two digits.
fn go_underscores_ok(b: &[u8]) -> bool {
    let mut previous = b'^'; // '^' start, '0' digit, '_' underscore, '!' other
    for &c in b {
        previous = match c {
            b'0'..=b'9' => b'0',
            b'_' if previous != b'0' => return false,
            b'_' => b'_',
            _ if previous == b'_' => return false,
            _ => b'!',
        };
    }
    previous != b'_'
}

/// encode.go `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let skip_digits_or_underscores = |from: usize| {
        let run = b[from..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == b'_');
        from + run.count()
    };
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i = skip_digits_or_underscores(i + 1);
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        // Greedy is safe: a digit can never follow a group.
        i += match (b.get(i + 1), b.get(i + 2)) {
            (Some(b'0'..=b'5'), Some(b'0'..=b'9')) => 3,
            (Some(b'0'..=b'9'), _) => 2,
            _ => return false,
        };
        groups += 1;
    }
    if b.get(i) == Some(&b'.') {
        i = skip_digits_or_underscores(i + 1);
    }
    groups > 0 && i == b.len()
}

/// resolve.go `parseTimestamp`: `time.Parse` with the layouts
/// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`),
/// `2006-1-2 15:4:5.999999999` and `2006-1-2`.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if count_digits(b) != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    let year = b[..4].iter().fold(0, |n, c| n * 10 + u32::from(c - b'0'));
    let mut p = Cursor { b, i: 5 };
    let date_ok = match (p.number(), p.eat(b'-'), p.number()) {
        (Some(month), true, Some(day)) => {
            (1..=12).contains(&month) && day >= 1 && day <= days_in(month, year)
        }
        _ => false,
    };
    date_ok
        && match p.peek() {
            None => true,
            Some(b'T' | b't') => {
                p.i += 1;
                p.clock() && p.zone() && p.at_end()
            }
            Some(b' ') => {
                // A space in a Go layout matches one or more spaces.
                while p.eat(b' ') {}
                p.clock() && p.at_end()
            }
            Some(_) => false,
        }
}

fn days_in(month: u32, year: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Reads a timestamp the way Go's `time.Parse` does.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        let found = self.peek() == Some(c);
        self.i += usize::from(found);
        found
    }

    fn at_end(&self) -> bool {
        self.i == self.b.len()
    }

    /// Go's `getnum(s, false)`: one or two digits.
    fn number(&mut self) -> Option<u32> {
        let digits = count_digits(&self.b[self.i..]).min(2);
        let value = self.b[self.i..self.i + digits]
            .iter()
            .fold(0, |n, c| n * 10 + u32::from(c - b'0'));
        self.i += digits;
        (digits > 0).then_some(value)
    }

    /// `15:4:5.999999999`: the fraction is optional and takes any number of
    /// digits; Go accepts ',' as well as '.' before it.
    fn clock(&mut self) -> bool {
        let valid = |n: Option<u32>, limit| n.is_some_and(|n| n < limit);
        let ok = valid(self.number(), 24)
            && self.eat(b':')
            && valid(self.number(), 60)
            && self.eat(b':')
            && valid(self.number(), 60);
        let fraction = matches!(self.peek(), Some(b'.' | b','))
            && self.b.get(self.i + 1).is_some_and(u8::is_ascii_digit);
        if ok && fraction {
            self.i += 1 + count_digits(&self.b[self.i + 1..]);
        }
        ok
    }

    /// `Z07:00`: `Z`, or a sign, two hour digits, ':' and two minute digits.
    fn zone(&mut self) -> bool {
        if self.eat(b'Z') {
            return true;
        }
        let rest = &self.b[self.i..];
        let two = |d: &[u8]| {
            (d.len() == 2 && d.iter().all(u8::is_ascii_digit))
                .then(|| u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0'))
        };
        let ok = rest.len() >= 6
            && matches!(rest[0], b'+' | b'-')
            && rest[3] == b':'
            && two(&rest[1..3]).is_some_and(|h| h <= 24)
            && two(&rest[4..6]).is_some_and(|m| m <= 60);
        self.i += if ok { 6 } else { 0 };
        ok
    }
}

// ------------------------------------------------------------ number formats

/// A float as kustomize prints it. The value went through JSON first: Go's
/// encoding/json writes a whole float below 1e21 as an integer literal, which
/// go-yaml then reads back as an int when it fits in int64 or uint64.
/// Everything else is go-yaml's `FormatFloat(f, 'g', -1, 64)`.
fn format_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.into();
    }
    if f == f.trunc() && f.abs() < 1e21 {
        // Rust's Display, like Go's 'f' with precision -1, prints the
        // shortest round-trip digits padded with zeros and no exponent.
        let json = format!("{f}");
        if let Ok(int) = json.parse::<i64>() {
            return int.to_string(); // also turns "-0" into "0"
        }
        if let Ok(uint) = json.parse::<u64>() {
            return uint.to_string();
        }
    }
    format_go_g(f)
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` for a finite `f`: shortest
/// digits, exponent form when the exponent is below -4 or at least 6.
fn format_go_g(f: f64) -> String {
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let scientific = format!("{:e}", f.abs()); // e.g. "1.2345675e6"
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let digits = mantissa.replace('.', "");
    if !(-4..6).contains(&exponent) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        return format!(
            "{sign}{first}{dot}{rest}e{exp_sign}{:02}",
            exponent.unsigned_abs()
        );
    }
    if exponent < 0 {
        let zeros = "0".repeat(exponent.unsigned_abs() as usize - 1);
        return format!("{sign}0.{zeros}{digits}");
    }
    let whole_len = exponent as usize + 1;
    if digits.len() <= whole_len {
        format!("{sign}{digits:0<whole_len$}")
    } else {
        let (whole, fraction) = digits.split_at(whole_len);
        format!("{sign}{whole}.{fraction}")
    }
}

// ------------------------------------------------------- scalar analysis

/// The scalar styles go-yaml v2 writes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// What emitterc.go `yaml_emitter_analyze_scalar` learns about a scalar
/// (only the block-context half: no flow collection ever holds a scalar here).
#[derive(Debug, PartialEq)]
struct Analysis {
    multiline: bool,
    plain_allowed: bool,
    single_allowed: bool,
    block_allowed: bool,
}

/// Characters go-yaml writes as they are: TAB, other controls, U+FEFF,
/// U+FFFE/U+FFFF and everything beyond U+FFFF (emoji) are not.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        && c != '\u{FEFF}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn analyze(value: &str) -> Analysis {
    // Most scalars of a catalog are words like `instancetype.kubevirt.io/cpu`
    // or `16Gi`: nothing in them can need quoting, so skip the scan.
    let bytes = value.as_bytes();
    let word = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'/' | b'-');
    if bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'/')
        && bytes.iter().all(word)
    {
        return Analysis {
            multiline: false,
            plain_allowed: true,
            single_allowed: true,
            block_allowed: true,
        };
    }
    scan(value)
}

/// emitterc.go `yaml_emitter_analyze_scalar`: what styles `value` allows.
fn scan(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            plain_allowed: true,
            single_allowed: true,
            block_allowed: false,
        };
    }
    let mut indicators = value.starts_with("---") || value.starts_with("...");
    let (mut leading_space, mut trailing_space) = (false, false);
    let (mut leading_break, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut line_breaks, mut special) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let mut chars = value.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let followed_by_whitespace = next.is_none_or(is_blank);
        indicators |= match (i, c) {
            (0, '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>') => true,
            (0, '\'' | '"' | '%' | '@' | '`') => true,
            (0, '?' | ':' | '-') | (_, ':') => followed_by_whitespace,
            (_, '#') => preceded_by_whitespace,
            _ => false,
        };
        special |= !is_printable(c);
        let (first, last) = (i == 0, next.is_none());
        if c == ' ' {
            leading_space |= first;
            trailing_space |= last;
            break_space |= previous_break;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= first;
            trailing_break |= last;
            space_break |= previous_space;
        }
        previous_space = c == ' ';
        previous_break = is_break(c);
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
    }
    let edges = leading_space || leading_break || trailing_space || trailing_break;
    Analysis {
        multiline: line_breaks,
        plain_allowed: !(edges
            || break_space
            || space_break
            || special
            || line_breaks
            || indicators),
        single_allowed: !(break_space || space_break || special),
        block_allowed: !(trailing_space || space_break || special),
    }
}

/// emitterc.go `yaml_emitter_select_scalar_style`, block context.
fn select_style(requested: Style, value: &str, analysis: &Analysis, simple_key: bool) -> Style {
    let mut style = requested;
    if simple_key && analysis.multiline {
        style = Style::Double;
    }
    if style == Style::Plain && (!analysis.plain_allowed || (value.is_empty() && simple_key)) {
        style = Style::Single;
    }
    if style == Style::Single && !analysis.single_allowed {
        style = Style::Double;
    }
    if style == Style::Literal && (!analysis.block_allowed || simple_key) {
        style = Style::Double;
    }
    style
}

/// The block header after `|`: an indentation digit when the text starts
/// with a space or a break, then the chomping mark.
fn block_header(value: &str) -> String {
    let mut header = String::new();
    if value.starts_with(|c| c == ' ' || is_break(c)) {
        header.push(char::from(b'0' + INDENT as u8));
    }
    let mut from_end = value.chars().rev();
    match (from_end.next(), from_end.next()) {
        (Some(last), _) if !is_break(last) => header.push('-'),
        (None, _) => header.push('-'),
        (Some(_), None) => header.push('+'), // the text is a single break
        (Some(_), Some(before)) if is_break(before) => header.push('+'),
        _ => {} // exactly one final break: clip, the default
    }
    header
}

/// The escape written after `\` in a double-quoted scalar.
fn escape(c: char) -> String {
    let short = match c {
        '\0' => '0',
        '\u{7}' => 'a',
        '\u{8}' => 'b',
        '\t' => 't',
        '\n' => 'n',
        '\u{B}' => 'v',
        '\u{C}' => 'f',
        '\r' => 'r',
        '\u{1B}' => 'e',
        '"' => '"',
        '\\' => '\\',
        '\u{85}' => 'N',
        '\u{A0}' => '_',
        '\u{2028}' => 'L',
        '\u{2029}' => 'P',
        _ => {
            let code = u32::from(c);
            return match code {
                0..=0xFF => format!("x{code:02X}"),
                0x100..=0xFFFF => format!("u{code:04X}"),
                _ => format!("U{code:08X}"),
            };
        }
    };
    short.to_string()
}

// ------------------------------------------------------------------ writer

/// Where a node is emitted (emitterc.go `emit_node`'s context flags).
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Root,
    SeqItem,
    /// A mapping value, or a key written after `? `.
    MapEntry,
    /// A key written inline as `key:`: no folding, no multi-line style.
    SimpleKey,
}

impl Ctx {
    /// In a mapping, a list is not indented: its dashes stay in the key's column.
    fn mapping(self) -> bool {
        matches!(self, Ctx::MapEntry | Ctx::SimpleKey)
    }
}

/// go-yaml's emitter state, the part that decides spaces and line breaks.
struct Emitter<'a> {
    out: &'a mut String,
    /// Indentation of the current block; `None` before the root (go's -1).
    indent: Option<usize>,
    /// Characters (not bytes) on the current line.
    column: usize,
    /// The last thing written was whitespace, so no separating space is needed.
    whitespace: bool,
    /// The line holds only indentation and indicators such as `- ` so far.
    indention: bool,
}

impl Emitter<'_> {
    fn emit_node(&mut self, node: &Yaml, ctx: Ctx) {
        match node {
            Yaml::Null => self.emit_scalar("null", Style::Plain, ctx),
            Yaml::Bool(b) => self.emit_scalar(if *b { "true" } else { "false" }, Style::Plain, ctx),
            Yaml::Int(i) => self.emit_scalar(&i.to_string(), Style::Plain, ctx),
            Yaml::Float(f) => self.emit_scalar(&format_float(*f), Style::Plain, ctx),
            Yaml::Str(s) => self.emit_string(s, ctx),
            Yaml::Seq(items) if items.is_empty() => self.emit_empty("[", "]"),
            Yaml::Seq(items) => self.emit_sequence(items, ctx),
            Yaml::Map(entries) if entries.is_empty() => self.emit_empty("{", "}"),
            Yaml::Map(entries) => self.emit_mapping(entries),
        }
    }

    /// encode.go `stringv`: the style asked for; the emitter may refuse it.
    /// (No string holding a `\n` would read back as a non-string.)
    fn emit_string(&mut self, s: &str, ctx: Ctx) {
        let requested = if s.contains('\n') {
            Style::Literal
        } else if needs_quotes(s) {
            Style::Double
        } else {
            Style::Plain
        };
        self.emit_scalar(s, requested, ctx);
    }

    fn emit_scalar(&mut self, value: &str, requested: Style, ctx: Ctx) {
        let simple_key = ctx == Ctx::SimpleKey;
        let style = select_style(requested, value, &analyze(value), simple_key);
        let saved = self.increase_indent(true, false);
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::Single => self.write_single_quoted(value, allow_breaks),
            Style::Double => self.write_double_quoted(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
        self.indent = saved;
    }

    /// Empty collections are the only flow collections go-yaml writes here.
    fn emit_empty(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn emit_sequence(&mut self, items: &[Yaml], ctx: Ctx) {
        // Under `key:` the dashes stay in the key's column (compact lists);
        // after `? ` or `: ` (still on the indicator's line) they do not.
        let saved = self.increase_indent(false, ctx.mapping() && !self.indention);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.emit_node(item, Ctx::SeqItem);
        }
        self.indent = saved;
    }

    fn emit_mapping(&mut self, entries: &[(String, Yaml)]) {
        let saved = self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            if is_simple_key(key) {
                self.emit_string(key, Ctx::SimpleKey);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.emit_string(key, Ctx::MapEntry);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.emit_node(value, Ctx::MapEntry);
        }
        self.indent = saved;
    }

    /// Returns the indentation to restore when the node is done.
    fn increase_indent(&mut self, flow: bool, indentless: bool) -> Option<usize> {
        let saved = self.indent;
        self.indent = match self.indent {
            None => Some(if flow { INDENT } else { 0 }),
            Some(indent) if !indentless => Some(indent + INDENT),
            unchanged => unchanged,
        };
        saved
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_str(&mut self, s: &str) {
        self.out.push_str(s);
        self.column += if s.is_ascii() {
            s.len()
        } else {
            s.chars().count()
        };
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// A break from the text: `\n` becomes a newline, U+2028/U+2029 are
    /// written as they are, and both start a new line for the column count.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    /// Goes to the current indentation, on a new line unless the line holds
    /// only indentation short of it.
    fn write_indent(&mut self) {
        let indent = self.indent.unwrap_or(0);
        let at_indent_after_text = self.column == indent && !self.whitespace;
        if !self.indention || self.column > indent || at_indent_after_text {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        indicator: &str,
        need_space: bool,
        is_space: bool,
        is_indention: bool,
    ) {
        if need_space && !self.whitespace {
            self.put(' ');
        }
        self.put_str(indicator);
        self.whitespace = is_space;
        self.indention &= is_indention;
    }

    /// Whether a space in the text may become a line break: the line is
    /// already past the width and the previous character was not a space.
    /// Each style adds its own conditions on the next character.
    fn may_fold(&self, allow_breaks: bool, after_space: bool) -> bool {
        allow_breaks && !after_space && self.column > WIDTH
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        // Most values cannot fold: no space, or the line stays short.
        if !value.contains(' ') || self.column + value.len() <= WIDTH {
            self.put_str(value);
            self.whitespace = false;
            self.indention = false;
            return;
        }
        let mut spaces = false;
        let mut chars = value.chars().peekable();
        while let Some(c) = chars.next() {
            // Plain text never holds a break: the analysis refuses it.
            if c == ' ' {
                if self.may_fold(allow_breaks, spaces) && chars.peek() != Some(&' ') {
                    self.write_indent();
                } else {
                    self.put(c);
                }
            } else {
                self.put(c);
                self.indention = false;
            }
            spaces = c == ' ';
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            if c == ' ' {
                let inner = i > 0 && next.is_some_and(|n| n != ' ');
                if self.may_fold(allow_breaks, spaces) && inner {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                // Only U+2028/U+2029 get here: a `\n` asks for a literal block
                // and, refused, falls back to double quotes.
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                (spaces, breaks) = (false, false);
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let mut spaces = false;
        let mut chars = value.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let next = chars.peek().map(|&(_, n)| n);
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                self.put_str(&escape(c));
                spaces = false;
            } else if c == ' ' {
                if self.may_fold(allow_breaks, spaces) && i > 0 && next.is_some() {
                    self.write_indent();
                    // The fold eats this space; a following one would be
                    // eaten as indentation, so it is escaped.
                    if next == Some(' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// Literal blocks are never folded; empty lines get no indentation.
    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        let header = block_header(value);
        if !header.is_empty() {
            self.write_indicator(&header, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        // Line by line: a break, or the text up to the next one.
        let mut breaks = true;
        let mut rest = value;
        while let Some(c) = rest.chars().next() {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
                rest = &rest[c.len_utf8()..];
            } else {
                let end = rest.find(is_break).unwrap_or(rest.len());
                if breaks {
                    self.write_indent();
                }
                self.put_str(&rest[..end]);
                self.indention = false;
                breaks = false;
                rest = &rest[end..];
            }
        }
    }
}

/// emitterc.go `yaml_emitter_check_simple_key`: otherwise `? key` / `: value`.
fn is_simple_key(key: &str) -> bool {
    key.len() <= MAX_SIMPLE_KEY && !analyze(key).multiline
}

#[cfg(test)]
mod tests {
    //! Every expected text below is written out by hand from design/YAML.md
    //! and go-yaml v2's source, never produced by the emitter.
    use super::*;

    #[test]
    fn the_fast_path_for_words_agrees_with_the_full_scan() {
        for word in [
            "a",
            "16Gi",
            "instancetype.kubevirt.io/cpu",
            "2xlarge",
            "v1.7.0",
            "_x",
            "/a",
            "a-b_c.d",
            "Z9",
        ] {
            assert_eq!(analyze(word), scan(word), "{word}");
        }
    }

    fn doc(node: &Yaml) -> String {
        let mut out = String::new();
        write_document(&mut out, node);
        out
    }

    fn s(text: &str) -> Yaml {
        Yaml::Str(text.to_string())
    }

    fn map(entries: Vec<(&str, Yaml)>) -> Yaml {
        Yaml::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// Asserts how the string `value` is written after `k:`.
    fn assert_value(value: &str, written: &str) {
        let expected = format!("---\nk: {written}\n");
        assert_eq!(
            doc(&map(vec![("k", s(value))])),
            expected,
            "value {value:?}"
        );
    }

    fn assert_float(f: f64, written: &str) {
        assert_eq!(
            doc(&Yaml::Float(f)),
            format!("---\n{written}\n"),
            "float {f:?}"
        );
    }

    // 2.3.1: strings that would read back as something else are double-quoted.

    #[test]
    fn null_and_bool_words_are_double_quoted() {
        assert_value("", r#""""#);
        assert_value("~", r#""~""#);
        assert_value("null", r#""null""#);
        assert_value("Null", r#""Null""#);
        assert_value("NULL", r#""NULL""#);
        assert_value("true", r#""true""#);
        assert_value("True", r#""True""#);
        assert_value("FALSE", r#""FALSE""#);
        assert_value("yes", r#""yes""#);
        assert_value("Yes", r#""Yes""#);
        assert_value("no", r#""no""#);
        assert_value("on", r#""on""#);
        assert_value("OFF", r#""OFF""#);
        assert_value("y", r#""y""#);
        assert_value("Y", r#""Y""#);
        assert_value("n", r#""n""#);
        assert_value("N", r#""N""#);
    }

    #[test]
    fn mixed_case_words_stay_plain() {
        assert_value("nULL", "nULL");
        assert_value("yES", "yES");
        assert_value("tRUE", "tRUE");
        assert_value("yes please", "yes please");
    }

    #[test]
    fn infinity_and_nan_words_are_double_quoted() {
        assert_value(".inf", r#"".inf""#);
        assert_value("-.Inf", r#""-.Inf""#);
        assert_value("+.INF", r#""+.INF""#);
        assert_value(".nan", r#"".nan""#);
        assert_value(".NaN", r#"".NaN""#);
    }

    #[test]
    fn integers_in_go_syntax_are_double_quoted() {
        assert_value("8", r#""8""#);
        assert_value("0", r#""0""#);
        assert_value("-1", r#""-1""#);
        assert_value("+1", r#""+1""#);
        assert_value("017", r#""017""#);
        assert_value("0x1F", r#""0x1F""#);
        assert_value("0X1f", r#""0X1f""#);
        assert_value("0o17", r#""0o17""#);
        assert_value("0b101", r#""0b101""#);
        assert_value("-0b101", r#""-0b101""#);
        assert_value("0b-101", r#""0b-101""#);
        assert_value("1_000", r#""1_000""#);
        assert_value("9223372036854775807", r#""9223372036854775807""#);
        assert_value("-9223372036854775808", r#""-9223372036854775808""#);
        assert_value("18446744073709551615", r#""18446744073709551615""#);
    }

    #[test]
    fn integers_go_cannot_parse_stay_plain() {
        // Too big for uint64 and not decimal, so not a float either.
        assert_value("0x1FFFFFFFFFFFFFFFF", "0x1FFFFFFFFFFFFFFFF");
        assert_value("0x", "0x");
        assert_value("0b", "0b");
        assert_value("09x", "09x");
        assert_value("-", "'-'");
        assert_value("+", "+");
    }

    #[test]
    fn floats_are_double_quoted() {
        assert_value("1.5", r#""1.5""#);
        assert_value("1e3", r#""1e3""#);
        assert_value("1E+3", r#""1E+3""#);
        assert_value(".5", r#"".5""#);
        assert_value("-.5", r#""-.5""#);
        assert_value("08", r#""08""#);
        assert_value("1.", r#""1.""#);
        assert_value("1_0.5", r#""1_0.5""#);
        assert_value(".5_0", r#"".5_0""#);
        // Too big for int64 and uint64, but a float.
        assert_value("99999999999999999999", r#""99999999999999999999""#);
    }

    #[test]
    fn floats_go_cannot_parse_stay_plain() {
        assert_value("1e999", "1e999"); // ParseFloat: value out of range
        assert_value(".5e999", ".5e999");
        assert_value("._5", "._5"); // '_' must sit between digits
        assert_value("1e", "1e");
        assert_value(".", ".");
        assert_value("0.1.2", "0.1.2");
    }

    #[test]
    fn timestamps_are_double_quoted() {
        assert_value("2024-01-01", r#""2024-01-01""#);
        assert_value("2024-1-2", r#""2024-1-2""#);
        assert_value("2024-02-29", r#""2024-02-29""#);
        assert_value("2024-1-2T15:04:05Z", r#""2024-1-2T15:04:05Z""#);
        assert_value(
            "2024-01-01t10:00:00.5+02:00",
            r#""2024-01-01t10:00:00.5+02:00""#,
        );
        assert_value("2024-01-01 10:00:00", r#""2024-01-01 10:00:00""#);
        assert_value("2024-01-01  1:2:3.123", r#""2024-01-01  1:2:3.123""#);
    }

    #[test]
    fn near_timestamps_stay_plain() {
        assert_value("2024-13-01", "2024-13-01");
        assert_value("2023-02-29", "2023-02-29");
        assert_value("2024-04-31", "2024-04-31");
        assert_value("20240-01-01", "20240-01-01");
        assert_value("2024-01-01T10:00:00", "2024-01-01T10:00:00"); // no zone
        assert_value("2024-01-01T24:00:00Z", "2024-01-01T24:00:00Z");
        assert_value("2024-01-01x", "2024-01-01x");
        assert_value("2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43.10 -5");
    }

    #[test]
    fn base_60_numbers_are_double_quoted() {
        assert_value("1:20", r#""1:20""#);
        assert_value("12:30:45", r#""12:30:45""#);
        assert_value("-1:20.5", r#""-1:20.5""#);
        assert_value("1:2:3", r#""1:2:3""#);
        assert_value("1:60", "1:60");
        assert_value("1:", "'1:'");
    }

    // 2.3.3: plain, unless an indicator or an edge space forbids it.

    #[test]
    fn plain_strings_stay_plain() {
        for text in [
            "16Gi",
            "1.5Gi",
            "0.1.2",
            "v1.7.0",
            "2xlarge",
            "<<",
            "a:b",
            "a#b",
            "-x",
            "--",
            "?x",
            ":x",
            "x,y",
            "x'y",
            "x\"y",
            "a\\b",
            "é",
            "日本",
            "a - b",
            "x!",
            "compute.exclusive",
            "hidden,kubevirt,alpine",
            "Microsoft Windows Server 2008/2008 R2 (virtio)",
        ] {
            assert_value(text, text);
        }
    }

    #[test]
    fn indicators_and_edge_spaces_are_single_quoted() {
        assert_value("a: b", "'a: b'");
        assert_value("x:", "'x:'");
        assert_value("x: ", "'x: '");
        assert_value("a #b", "'a #b'");
        assert_value("#x", "'#x'");
        assert_value("- x", "'- x'");
        assert_value("-", "'-'");
        assert_value("? x", "'? x'");
        assert_value("?", "'?'");
        assert_value(":", "':'");
        assert_value(" lead", "' lead'");
        assert_value("trail ", "'trail '");
        assert_value("{x", "'{x'");
        assert_value("[a]", "'[a]'");
        assert_value("---", "'---'");
        assert_value("...x", "'...x'");
        assert_value("'x", "'''x'");
        assert_value("\"x", "'\"x'");
        for first in [",", "]", "}", "&", "*", "!", "|", ">", "%", "@", "`"] {
            assert_value(&format!("{first}x"), &format!("'{first}x'"));
        }
    }

    // 2.3.4 and 2.3.6: double quotes and their escapes.

    #[test]
    fn tab_emoji_and_controls_are_double_quoted_and_escaped() {
        assert_value("a\tb", r#""a\tb""#);
        assert_value("\u{1F600}", r#""\U0001F600""#);
        assert_value("\u{1}", r#""\x01""#);
        assert_value("\u{7F}", r#""\x7F""#);
        assert_value("\u{9F}", r#""\x9F""#);
        assert_value("x\u{FEFF}", r#""x\uFEFF""#);
        assert_value("\u{FFFE}", r#""\uFFFE""#);
    }

    #[test]
    fn double_quoted_escapes() {
        let text = "\0\u{7}\u{8}\t\u{B}\u{C}\r\u{1B}\"\\\u{85}\u{2028}\u{2029}";
        assert_value(text, r#""\0\a\b\t\v\f\r\e\"\\\N\L\P""#);
    }

    #[test]
    fn printable_unicode_is_raw_even_in_double_quotes() {
        assert_value("\té日本\u{A0}", "\"\\té日本\u{A0}\"");
        assert_value("a\u{A0}b", "a\u{A0}b");
    }

    #[test]
    fn line_break_followed_by_space_is_double_quoted_without_a_block() {
        assert_value("a\u{2028} b", r#""a\L b""#);
        assert_value("a \n b", r#""a \n b""#);
    }

    #[test]
    fn unicode_line_separator_alone_is_single_quoted_as_go_yaml_does() {
        // U+2028 is a printable line break: plain is refused, single quotes
        // are not, and go-yaml restarts the indentation after it.
        assert_value("a\u{2028}b", "'a\u{2028}  b'");
    }

    // 2.4: literal blocks.

    #[test]
    fn literal_block_headers() {
        assert_value("a\nb", "|-\n  a\n  b");
        assert_value("x\n", "|\n  x");
        assert_value("x\n\n", "|+\n  x\n");
        assert_value("\n", "|2+\n");
        assert_value("  a\nb", "|2-\n    a\n  b");
        assert_value("\na", "|2-\n\n  a");
        assert_value(" a\n", "|2\n   a");
    }

    #[test]
    fn literal_block_lines() {
        assert_value("a\n\nb", "|-\n  a\n\n  b"); // empty lines have no indentation
        assert_value("x\n y", "|-\n  x\n   y");
        assert_value("- one\n- two\n", "|\n  - one\n  - two");
        assert_value("a: b\n#c", "|-\n  a: b\n  #c");
        assert_value("\"q\"\n", "|\n  \"q\"");
    }

    #[test]
    fn literal_block_is_never_folded() {
        let text = format!("{} {}\nz", "x".repeat(50), "y".repeat(50));
        let written = format!("|-\n  {} {}\n  z", "x".repeat(50), "y".repeat(50));
        assert_value(&text, &written);
    }

    #[test]
    fn literal_block_is_followed_by_the_next_key() {
        let node = map(vec![
            ("a", s("x\n")),
            ("b", s("x\n\n")),
            ("c", s("x")),
            ("d", s("y\nz")),
        ]);
        assert_eq!(
            doc(&node),
            "---\na: |\n  x\nb: |+\n  x\n\nc: x\nd: |-\n  y\n  z\n"
        );
    }

    #[test]
    fn literal_block_indents_under_its_key() {
        let node = map(vec![("a", map(vec![("k", s("x\ny"))]))]);
        assert_eq!(doc(&node), "---\na:\n  k: |-\n    x\n    y\n");
    }

    #[test]
    fn literal_block_refused_goes_double_quoted() {
        assert_value("trailing space \nx", r#""trailing space \nx""#);
        assert_value("a\nb ", r#""a\nb ""#);
        assert_value("a\tb\nc", r#""a\tb\nc""#);
        assert_value("a\nb\u{1}", r#""a\nb\x01""#);
        assert_value("a\r\nb", r#""a\r\nb""#);
    }

    // 2.4: folding at 80 columns.

    #[test]
    fn long_plain_line_folds_after_column_80() {
        let text = "This is a long description that goes on and on so that it will exceed the eighty column limit of go-yaml v2";
        let node = map(vec![("desc", s(text))]);
        let expected = "---\ndesc: This is a long description that goes on and on so that it will exceed the eighty\n  column limit of go-yaml v2\n";
        assert_eq!(doc(&node), expected);
    }

    #[test]
    fn plain_folds_only_once_more_than_80_characters_are_on_the_line() {
        // "k: " + 77 characters reach column 80 exactly: that space stays.
        let x77 = "x".repeat(77);
        assert_value(&format!("{x77} b c"), &format!("{x77} b\n  c"));
    }

    #[test]
    fn plain_never_folds_at_a_double_space() {
        let x78 = "x".repeat(78);
        assert_value(&format!("{x78}  c d"), &format!("{x78}  c\n  d"));
    }

    #[test]
    fn folded_lines_indent_at_key_column_plus_two() {
        let words = "aaaaaaaaa ".repeat(10);
        let node = map(vec![("spec", map(vec![("k", s(words.trim_end()))]))]);
        let first = "aaaaaaaaa ".repeat(8);
        let expected = format!(
            "---\nspec:\n  k: {}\n    aaaaaaaaa aaaaaaaaa\n",
            first.trim_end()
        );
        assert_eq!(doc(&node), expected);
    }

    #[test]
    fn folded_list_items_indent_at_dash_column_plus_two() {
        let words = "aaaaaaaaa ".repeat(10);
        let node = map(vec![("k", Yaml::Seq(vec![s(words.trim_end())]))]);
        let first = "aaaaaaaaa ".repeat(8);
        let expected = format!("---\nk:\n- {}\n  aaaaaaaaa aaaaaaaaa\n", first.trim_end());
        assert_eq!(doc(&node), expected);
    }

    #[test]
    fn double_quoted_folds() {
        // `k: "\t` is 6 columns; 74 more reach 80, so the first space stays.
        let x74 = "x".repeat(74);
        assert_value(&format!("\t{x74} y z"), &format!("\"\\t{x74} y\n  z\""));
    }

    #[test]
    fn double_quoted_fold_escapes_a_following_space() {
        let x75 = "x".repeat(75);
        assert_value(&format!("\t{x75}  z"), &format!("\"\\t{x75}\n  \\ z\""));
    }

    #[test]
    fn double_quoted_never_folds_at_the_last_character() {
        let x76 = "x".repeat(76);
        assert_value(&format!("\t{x76} "), &format!("\"\\t{x76} \""));
    }

    #[test]
    fn single_quoted_folds() {
        let x76 = "x".repeat(76);
        assert_value(&format!("#{x76} y z"), &format!("'#{x76}\n  y z'"));
    }

    #[test]
    fn single_quoted_never_folds_at_the_first_or_last_character() {
        let key = "k".repeat(90);
        let first = map(vec![(key.as_str(), s(" lead x"))]);
        assert_eq!(doc(&first), format!("---\n{key}: ' lead\n  x'\n"));
        let last = map(vec![(key.as_str(), s("ab "))]);
        assert_eq!(doc(&last), format!("---\n{key}: 'ab '\n"));
    }

    // 2.4: keys.

    #[test]
    fn simple_keys_are_never_folded() {
        let key = "abcdefghi ".repeat(12); // 119 bytes once trimmed
        let node = map(vec![(key.trim_end(), s("v"))]);
        assert_eq!(doc(&node), format!("---\n{}: v\n", key.trim_end()));
    }

    #[test]
    fn keys_needing_quotes() {
        let node = map(vec![
            ("8", Yaml::Int(1)),
            ("a: b", Yaml::Int(2)),
            ("", Yaml::Int(3)),
            ("true", Yaml::Int(4)),
            ("- x", Yaml::Int(5)),
            ("a\tb", Yaml::Int(6)),
        ]);
        let expected = "---\n\"8\": 1\n'a: b': 2\n\"\": 3\n\"true\": 4\n'- x': 5\n\"a\\tb\": 6\n";
        assert_eq!(doc(&node), expected);
    }

    #[test]
    fn key_over_128_bytes_is_explicit() {
        let long = "a".repeat(129);
        assert_eq!(
            doc(&map(vec![(long.as_str(), s("v"))])),
            format!("---\n? {long}\n: v\n")
        );
        let at_limit = "a".repeat(128);
        assert_eq!(
            doc(&map(vec![(at_limit.as_str(), s("v"))])),
            format!("---\n{at_limit}: v\n")
        );
        // Bytes count, not characters: 65 × 'é' is 130 bytes.
        let accents = "é".repeat(65);
        assert_eq!(
            doc(&map(vec![(accents.as_str(), s("v"))])),
            format!("---\n? {accents}\n: v\n")
        );
    }

    #[test]
    fn explicit_key_is_folded_like_a_value() {
        // go-yaml writes the `? ` key outside the simple-key context, so it
        // folds: 8 words reach column 81.
        let key = "abcdefghi ".repeat(13);
        let node = map(vec![(key.trim_end(), s("v"))]);
        let line1 = "abcdefghi ".repeat(8);
        let line2 = "abcdefghi ".repeat(5);
        let expected = format!("---\n? {}\n  {}\n: v\n", line1.trim_end(), line2.trim_end());
        assert_eq!(doc(&node), expected);
    }

    #[test]
    fn key_with_newline_is_explicit() {
        assert_eq!(
            doc(&map(vec![("a\nb", s("v"))])),
            "---\n? |-\n  a\n  b\n: v\n"
        );
        assert_eq!(doc(&map(vec![("a\n", s("v"))])), "---\n? |\n  a\n: v\n");
    }

    #[test]
    fn explicit_key_with_collection_values() {
        let long = "a".repeat(129);
        let nested = map(vec![(
            long.as_str(),
            map(vec![("x", Yaml::Int(1)), ("z", Yaml::Int(2))]),
        )]);
        assert_eq!(doc(&nested), format!("---\n? {long}\n: x: 1\n  z: 2\n"));
        let list = map(vec![(
            long.as_str(),
            Yaml::Seq(vec![Yaml::Int(1), Yaml::Int(2)]),
        )]);
        assert_eq!(doc(&list), format!("---\n? {long}\n: - 1\n  - 2\n"));
    }

    // 2.1: layout.

    #[test]
    fn nested_maps_and_empty_collections() {
        let node = map(vec![
            ("a", map(vec![])),
            ("b", Yaml::Seq(vec![])),
            (
                "c",
                map(vec![("d", map(vec![])), ("e", map(vec![("f", s("g"))]))]),
            ),
        ]);
        assert_eq!(
            doc(&node),
            "---\na: {}\nb: []\nc:\n  d: {}\n  e:\n    f: g\n"
        );
    }

    #[test]
    fn sequence_of_scalars_is_compact() {
        let items = vec![
            s("a"),
            s("8"),
            Yaml::Int(1),
            Yaml::Bool(true),
            Yaml::Null,
            s("x\ny"),
        ];
        let node = map(vec![("k", Yaml::Seq(items))]);
        assert_eq!(
            doc(&node),
            "---\nk:\n- a\n- \"8\"\n- 1\n- true\n- null\n- |-\n  x\n  y\n"
        );
    }

    #[test]
    fn sequence_of_maps_puts_the_first_key_after_the_dash() {
        let gpu =
            |device: &str, name: &str| map(vec![("deviceName", s(device)), ("name", s(name))]);
        let gpus = Yaml::Seq(vec![gpu("x", "v"), gpu("z", "w")]);
        let node = map(vec![("spec", map(vec![("gpus", gpus)]))]);
        let expected =
            "---\nspec:\n  gpus:\n  - deviceName: x\n    name: v\n  - deviceName: z\n    name: w\n";
        assert_eq!(doc(&node), expected);
    }

    #[test]
    fn nested_sequences() {
        let inner = Yaml::Seq(vec![s("a"), s("b")]);
        let items = vec![
            inner,
            Yaml::Seq(vec![s("c")]),
            Yaml::Seq(vec![]),
            map(vec![]),
        ];
        let node = map(vec![("k", Yaml::Seq(items))]);
        assert_eq!(doc(&node), "---\nk:\n- - a\n  - b\n- - c\n- []\n- {}\n");
    }

    #[test]
    fn sequence_inside_a_map_inside_a_sequence() {
        let item = map(vec![
            ("a", Yaml::Seq(vec![Yaml::Int(1), Yaml::Int(2)])),
            ("b", map(vec![("c", Yaml::Int(3))])),
        ]);
        let node = map(vec![("k", Yaml::Seq(vec![item]))]);
        assert_eq!(doc(&node), "---\nk:\n- a:\n  - 1\n  - 2\n  b:\n    c: 3\n");
    }

    #[test]
    fn top_level_values() {
        assert_eq!(doc(&s("x")), "---\nx\n");
        assert_eq!(doc(&s("8")), "---\n\"8\"\n");
        assert_eq!(doc(&s("a\nb")), "---\n|-\n  a\n  b\n");
        assert_eq!(doc(&Yaml::Null), "---\nnull\n");
        assert_eq!(doc(&Yaml::Bool(false)), "---\nfalse\n");
        assert_eq!(doc(&Yaml::Int(-42)), "---\n-42\n");
        assert_eq!(doc(&map(vec![])), "---\n{}\n");
        assert_eq!(doc(&Yaml::Seq(vec![])), "---\n[]\n");
        let list = Yaml::Seq(vec![s("a"), map(vec![("b", s("c")), ("d", s("e"))])]);
        assert_eq!(doc(&list), "---\n- a\n- b: c\n  d: e\n");
    }

    #[test]
    fn documents_are_appended() {
        let mut out = String::new();
        write_document(&mut out, &map(vec![("a", Yaml::Int(1))]));
        write_document(&mut out, &map(vec![("b", Yaml::Int(2))]));
        assert_eq!(out, "---\na: 1\n---\nb: 2\n");
    }

    #[test]
    fn scalars_other_than_strings() {
        let node = map(vec![
            ("nil", Yaml::Null),
            ("t", Yaml::Bool(true)),
            ("f", Yaml::Bool(false)),
            ("i", Yaml::Int(8191)),
            ("min", Yaml::Int(i64::MIN)),
        ]);
        assert_eq!(
            doc(&node),
            "---\nnil: null\nt: true\nf: false\ni: 8191\nmin: -9223372036854775808\n"
        );
    }

    #[test]
    fn floats_use_go_shortest_g_format() {
        assert_float(1.5, "1.5");
        assert_float(-2.5, "-2.5");
        assert_float(0.1, "0.1");
        assert_float(100.25, "100.25");
        assert_float(123456.7, "123456.7");
        assert_float(1234567.5, "1.2345675e+06");
        assert_float(0.0001, "0.0001");
        assert_float(0.00001, "1e-05");
        assert_float(1.5e-7, "1.5e-07");
        assert_float(5e-324, "5e-324");
        assert_float(f64::INFINITY, ".inf");
        assert_float(f64::NEG_INFINITY, "-.inf");
        assert_float(f64::NAN, ".nan");
    }

    #[test]
    fn whole_floats_are_written_as_ints_like_json_does() {
        assert_float(5.0, "5");
        assert_float(1e6, "1000000");
        assert_float(-0.0, "0");
        assert_float(-3.0, "-3");
        assert_float(123456789012345680.0, "123456789012345680");
        assert_float(1e19, "10000000000000000000"); // fits uint64
                                                    // Beyond int64/uint64 go-yaml reads a float back, or JSON wrote an exponent.
        assert_float(2e19, "2e+19");
        assert_float(-1e19, "-1e+19");
        assert_float(1e20, "1e+20");
        assert_float(1e21, "1e+21");
        assert_float(1e100, "1e+100");
    }

    // 2.2: key order.

    #[test]
    fn key_order_cases() {
        assert_eq!(go_yaml_key_cmp("a9", "a10"), Ordering::Less);
        assert_eq!(go_yaml_key_cmp("a10", "a9"), Ordering::Greater);
        assert_eq!(go_yaml_key_cmp("a_b", "aB"), Ordering::Less);
        assert_eq!(go_yaml_key_cmp("v10", "v1alpha2"), Ordering::Less);
        assert_eq!(go_yaml_key_cmp("B", "a"), Ordering::Less);
        assert_eq!(go_yaml_key_cmp("a", "ab"), Ordering::Less);
        assert_eq!(
            go_yaml_key_cmp("centos.stream10", "centos.stream9"),
            Ordering::Greater
        );
        assert_eq!(go_yaml_key_cmp("a1", "a01"), Ordering::Less);
        assert_eq!(go_yaml_key_cmp("2_", "20"), Ordering::Less);
        assert_eq!(go_yaml_key_cmp("same", "same"), Ordering::Equal);
    }

    #[test]
    fn key_order_of_a_list() {
        let mut keys = vec!["A", "10", "_x", "9"];
        keys.sort_by(|a, b| go_yaml_key_cmp(a, b));
        assert_eq!(keys, ["_x", "9", "10", "A"]);
    }

    // 1: documents from the v1.7.0 all-bundle, copied verbatim.

    const CX1_2XLARGE: &str = r#"---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterInstancetype
metadata:
  annotations:
    instancetype.kubevirt.io/description: |-
      The CX Series provides exclusive compute resources for compute
      intensive applications.

      *CX* is the abbreviation of "Compute Exclusive".

      The exclusive resources are given to the compute threads of the
      VM. In order to ensure this, some additional cores (depending
      on the number of disks and NICs) will be requested to offload
      the IO threading from cores dedicated to the workload.
      In addition, in this series, the NUMA topology of the used
      cores is provided to the VM.

      The amount of spec.cpu.maxSockets is set to the same as
      guest cpus. This avoids KubeVirt's default behavior of
      providing extra CPUs for hotplugging, which can exceed the
      amount of available CPUs on a node and cause the VM to fail.

      Requirements for CX series instance types:
      - CPU manager has to be enabled.
      - Huge pages have to be available on the nodes.
    instancetype.kubevirt.io/displayName: Compute Exclusive
  labels:
    instancetype.kubevirt.io/class: compute.exclusive
    instancetype.kubevirt.io/cpu: "8"
    instancetype.kubevirt.io/dedicatedCPUPlacement: "true"
    instancetype.kubevirt.io/hugepages: 2Mi
    instancetype.kubevirt.io/icon-pf: pficon-registry
    instancetype.kubevirt.io/isolateEmulatorThread: "true"
    instancetype.kubevirt.io/memory: 16Gi
    instancetype.kubevirt.io/numa: "true"
    instancetype.kubevirt.io/size: 2xlarge
    instancetype.kubevirt.io/vendor: kubevirt.io
    instancetype.kubevirt.io/version: "1"
    instancetype.kubevirt.io/common-instancetypes-version: v1.7.0
  name: cx1.2xlarge
spec:
  cpu:
    dedicatedCPUPlacement: true
    guest: 8
    isolateEmulatorThread: true
    maxSockets: 8
    numa:
      guestMappingPassthrough: {}
  ioThreadsPolicy: auto
  memory:
    guest: 16Gi
    hugepages:
      pageSize: 2Mi
"#;

    const CX_DESCRIPTION: &str = "The CX Series provides exclusive compute resources for compute
intensive applications.

*CX* is the abbreviation of \"Compute Exclusive\".

The exclusive resources are given to the compute threads of the
VM. In order to ensure this, some additional cores (depending
on the number of disks and NICs) will be requested to offload
the IO threading from cores dedicated to the workload.
In addition, in this series, the NUMA topology of the used
cores is provided to the VM.

The amount of spec.cpu.maxSockets is set to the same as
guest cpus. This avoids KubeVirt's default behavior of
providing extra CPUs for hotplugging, which can exceed the
amount of available CPUs on a node and cause the VM to fail.

Requirements for CX series instance types:
- CPU manager has to be enabled.
- Huge pages have to be available on the nodes.";

    #[test]
    fn reemits_cx1_2xlarge_from_the_v1_7_0_bundle() {
        let prefix = "instancetype.kubevirt.io/";
        let label = |name: &str, value: &str| (format!("{prefix}{name}"), s(value));
        let labels = Yaml::Map(vec![
            label("class", "compute.exclusive"),
            label("cpu", "8"),
            label("dedicatedCPUPlacement", "true"),
            label("hugepages", "2Mi"),
            label("icon-pf", "pficon-registry"),
            label("isolateEmulatorThread", "true"),
            label("memory", "16Gi"),
            label("numa", "true"),
            label("size", "2xlarge"),
            label("vendor", "kubevirt.io"),
            label("version", "1"),
            label("common-instancetypes-version", "v1.7.0"),
        ]);
        let annotations = Yaml::Map(vec![
            label("description", CX_DESCRIPTION),
            label("displayName", "Compute Exclusive"),
        ]);
        let cpu = map(vec![
            ("dedicatedCPUPlacement", Yaml::Bool(true)),
            ("guest", Yaml::Int(8)),
            ("isolateEmulatorThread", Yaml::Bool(true)),
            ("maxSockets", Yaml::Int(8)),
            ("numa", map(vec![("guestMappingPassthrough", map(vec![]))])),
        ]);
        let memory = map(vec![
            ("guest", s("16Gi")),
            ("hugepages", map(vec![("pageSize", s("2Mi"))])),
        ]);
        let document = map(vec![
            ("apiVersion", s("instancetype.kubevirt.io/v1beta1")),
            ("kind", s("VirtualMachineClusterInstancetype")),
            (
                "metadata",
                map(vec![
                    ("annotations", annotations),
                    ("labels", labels),
                    ("name", s("cx1.2xlarge")),
                ]),
            ),
            (
                "spec",
                map(vec![
                    ("cpu", cpu),
                    ("ioThreadsPolicy", s("auto")),
                    ("memory", memory),
                ]),
            ),
        ]);
        assert_eq!(doc(&document), CX1_2XLARGE);
    }

    const ALPINE: &str = r#"---
apiVersion: instancetype.kubevirt.io/v1beta1
kind: VirtualMachineClusterPreference
metadata:
  annotations:
    iconClass: icon-alpine
    openshift.io/display-name: Alpine
    openshift.io/documentation-url: |
      "https://github.com/kubevirt/common-instancetypes"
    openshift.io/provider-display-name: KubeVirt
    openshift.io/support-url: |
      "https://github.com/kubevirt/common-instancetypes/issues"
    tags: hidden,kubevirt,alpine
  labels:
    instancetype.kubevirt.io/os-type: linux
    instancetype.kubevirt.io/required-cpu: "1"
    instancetype.kubevirt.io/required-memory: 512Mi
    instancetype.kubevirt.io/vendor: kubevirt.io
    instancetype.kubevirt.io/common-instancetypes-version: v1.7.0
  name: alpine
spec:
  annotations:
    vm.kubevirt.io/os: linux
  devices:
    preferredDiskBus: virtio
    preferredInterfaceModel: virtio
    preferredRng: {}
  requirements:
    cpu:
      guest: 1
    memory:
      guest: 512Mi
"#;

    #[test]
    fn reemits_alpine_from_the_v1_7_0_bundle() {
        let annotations = map(vec![
            ("iconClass", s("icon-alpine")),
            ("openshift.io/display-name", s("Alpine")),
            (
                "openshift.io/documentation-url",
                s("\"https://github.com/kubevirt/common-instancetypes\"\n"),
            ),
            ("openshift.io/provider-display-name", s("KubeVirt")),
            (
                "openshift.io/support-url",
                s("\"https://github.com/kubevirt/common-instancetypes/issues\"\n"),
            ),
            ("tags", s("hidden,kubevirt,alpine")),
        ]);
        let labels = map(vec![
            ("instancetype.kubevirt.io/os-type", s("linux")),
            ("instancetype.kubevirt.io/required-cpu", s("1")),
            ("instancetype.kubevirt.io/required-memory", s("512Mi")),
            ("instancetype.kubevirt.io/vendor", s("kubevirt.io")),
            (
                "instancetype.kubevirt.io/common-instancetypes-version",
                s("v1.7.0"),
            ),
        ]);
        let devices = map(vec![
            ("preferredDiskBus", s("virtio")),
            ("preferredInterfaceModel", s("virtio")),
            ("preferredRng", map(vec![])),
        ]);
        let requirements = map(vec![
            ("cpu", map(vec![("guest", Yaml::Int(1))])),
            ("memory", map(vec![("guest", s("512Mi"))])),
        ]);
        let spec = map(vec![
            ("annotations", map(vec![("vm.kubevirt.io/os", s("linux"))])),
            ("devices", devices),
            ("requirements", requirements),
        ]);
        let document = map(vec![
            ("apiVersion", s("instancetype.kubevirt.io/v1beta1")),
            ("kind", s("VirtualMachineClusterPreference")),
            (
                "metadata",
                map(vec![
                    ("annotations", annotations),
                    ("labels", labels),
                    ("name", s("alpine")),
                ]),
            ),
            ("spec", spec),
        ]);
        assert_eq!(doc(&document), ALPINE);
    }
}
