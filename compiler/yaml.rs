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

/// A document as JSON, through serde_json: maps keep their order, and a
/// float that is not finite is `null`.
impl serde::Serialize for Yaml {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Yaml::Null => serializer.serialize_unit(),
            Yaml::Bool(b) => serializer.serialize_bool(*b),
            Yaml::Int(i) => serializer.serialize_i64(*i),
            Yaml::Float(f) if f.is_finite() => serializer.serialize_f64(*f),
            Yaml::Float(_) => serializer.serialize_unit(),
            Yaml::Str(s) => serializer.serialize_str(s),
            Yaml::Seq(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Yaml::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, item) in entries {
                    map.serialize_entry(key, item)?;
                }
                map.end()
            }
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
mod tests;
