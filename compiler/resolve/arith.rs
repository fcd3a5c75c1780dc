//! Arithmetic in expressions: `cpu * 2Gi`, `memory / 2`, `a + b`, `a - b`.
//!
//! Integers give integers; a quantity times or divided by an integer, and
//! the sum or difference of two quantities, give a quantity. Everything is
//! exact: integers are checked for overflow, quantities are counted in
//! thousandths of their unit (as `Quantity` stores them), a division must
//! leave no remainder, and a result is written in the form a person would
//! write (`4Gi`, `1536Mi`, `3G`) — see [`canonical`].

use crate::diagnostic::Diagnostic;
use crate::syntax::ast::{BinOp, Binary};
use crate::value::{Node, Quantity, Value};

/// The largest quantity: 2^63 - 1 base units (bytes, cores), as Kubernetes
/// stores a quantity's value in 64 bits.
const MAX_QUANTITY_MILLIS: i128 = i64::MAX as i128 * 1000;

/// Applies `binary.op` to the already evaluated operands.
pub fn apply(binary: &Binary, lhs: &Node, rhs: &Node) -> Result<Node, Diagnostic> {
    let op = binary.op;
    let value = match (&lhs.value, &rhs.value) {
        (Value::Int(a), Value::Int(b)) => Value::Int(integer(binary, *a, *b)?),
        (Value::Quantity(q), Value::Int(n)) if matches!(op, BinOp::Mul | BinOp::Div) => {
            let millis = if op == BinOp::Mul {
                q.millis.checked_mul(i128::from(*n))
            } else {
                Some(divide_quantity(binary, q, *n)?)
            };
            quantity(binary, millis, &[q])?
        }
        (Value::Int(n), Value::Quantity(q)) if op == BinOp::Mul => {
            quantity(binary, q.millis.checked_mul(i128::from(*n)), &[q])?
        }
        (Value::Quantity(a), Value::Quantity(b)) if matches!(op, BinOp::Add | BinOp::Sub) => {
            let millis = if op == BinOp::Add {
                a.millis.checked_add(b.millis)
            } else {
                a.millis.checked_sub(b.millis)
            };
            quantity(binary, millis, &[a, b])?
        }
        (l, r) => return Err(type_error(binary, l, r)),
    };
    Ok(Node::new(value, binary.span))
}

fn integer(binary: &Binary, a: i64, b: i64) -> Result<i64, Diagnostic> {
    let result = match binary.op {
        BinOp::Add => a.checked_add(b),
        BinOp::Sub => a.checked_sub(b),
        BinOp::Mul => a.checked_mul(b),
        BinOp::Div => {
            if b == 0 {
                return Err(division_by_zero(binary));
            }
            if a % b != 0 {
                return Err(inexact(
                    binary,
                    format!("{a} / {b} is not a whole number"),
                    "integer division must be exact: divide a number that is a multiple, \
                     or work in a smaller unit (`2Gi / 4` is `512Mi`)",
                ));
            }
            a.checked_div(b)
        }
    };
    result.ok_or_else(|| {
        out_of_range(
            binary,
            format!("{a} {} {b} does not fit in 64 bits", binary.op.symbol()),
            "integers range from -9223372036854775808 to 9223372036854775807",
        )
    })
}

/// `q / n` in thousandths, exact: whole base units (bytes, cores) unless
/// `q` is itself written in thousandths (`500m`).
fn divide_quantity(binary: &Binary, q: &Quantity, n: i64) -> Result<i128, Diagnostic> {
    if n == 0 {
        return Err(division_by_zero(binary));
    }
    let n = i128::from(n);
    let step = if q.millis % 1000 != 0 || q.text.ends_with('m') {
        1
    } else {
        1000
    };
    if q.millis % (n * step) != 0 {
        let unit = if step == 1 {
            "thousandths"
        } else {
            "units (bytes, cores)"
        };
        // Rounded down to a whole Mi (binary) or M (decimal) when that big.
        let style = Style::of(&[q]);
        let grain: i128 = match style {
            Style::Binary => 1000 << 20,
            Style::Decimal => 1_000_000_000,
            Style::Plain => step,
        };
        let exact = q.millis / n;
        let rounded = canonical(
            exact / grain.min(exact.max(1)) * grain.min(exact.max(1)),
            style,
        );
        return Err(inexact(
            binary,
            format!("{} / {n} is not a whole number of {unit}", q.text),
            &format!(
                "a quantity is divided exactly or not at all: divide by a number that divides it \
                 (binary amounts always divide by a power of two: `* 29 / 32` is 90.6 %), or write \
                 the result yourself (rounded down: {rounded})"
            ),
        ));
    }
    Ok(q.millis / n)
}

/// A quantity result: in range, not negative, written canonically in the
/// style of `operands`.
fn quantity(
    binary: &Binary,
    millis: Option<i128>,
    operands: &[&Quantity],
) -> Result<Value, Diagnostic> {
    let Some(millis) = millis.filter(|m| m.abs() <= MAX_QUANTITY_MILLIS) else {
        return Err(out_of_range(
            binary,
            "this quantity is too large".to_string(),
            "quantities go up to 2^63 - 1 bytes (about 8Ei)",
        ));
    };
    if millis < 0 {
        return Err(out_of_range(
            binary,
            "this quantity is negative".to_string(),
            "a quantity cannot be below zero: subtract a smaller quantity",
        ));
    }
    let text = canonical(millis, Style::of(operands));
    debug_assert_eq!(Quantity::parse(&text).map(|q| q.millis), Some(millis));
    Ok(Value::Quantity(Box::new(Quantity { text, millis })))
}

/// How a result is written: with the suffixes the operands use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `Ki Mi Gi Ti Pi Ei`: an operand uses one.
    Binary,
    /// `k M G T P E`: an operand uses one, and none uses a binary suffix.
    Decimal,
    /// No suffix (or `m`).
    Plain,
}

impl Style {
    fn of(operands: &[&Quantity]) -> Style {
        let suffix = |q: &&Quantity| {
            q.text
                .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
                .to_string()
        };
        if operands.iter().any(|q| suffix(q).ends_with('i')) {
            Style::Binary
        } else if operands
            .iter()
            .any(|q| !suffix(q).is_empty() && suffix(q) != "m")
        {
            Style::Decimal
        } else {
            Style::Plain
        }
    }
}

/// The text of `millis` thousandths: `0`; `<n>m` when not a whole number of
/// units; else the largest suffix of `style` that writes it as a whole
/// number (`1536Mi`, not `1.5Gi`), or the plain number of units.
pub fn canonical(millis: i128, style: Style) -> String {
    if millis == 0 {
        return "0".to_string();
    }
    if millis % 1000 != 0 {
        return format!("{millis}m");
    }
    let units = millis / 1000;
    const BINARY: [(&str, i128); 6] = [
        ("Ei", 1 << 60),
        ("Pi", 1 << 50),
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    const DECIMAL: [(&str, i128); 6] = [
        ("E", 1_000_000_000_000_000_000),
        ("P", 1_000_000_000_000_000),
        ("T", 1_000_000_000_000),
        ("G", 1_000_000_000),
        ("M", 1_000_000),
        ("k", 1_000),
    ];
    let suffixes: &[(&str, i128)] = match style {
        Style::Binary => &BINARY,
        Style::Decimal => &DECIMAL,
        Style::Plain => &[],
    };
    for (suffix, size) in suffixes {
        if units % size == 0 {
            return format!("{}{suffix}", units / size);
        }
    }
    units.to_string()
}

fn type_error(binary: &Binary, lhs: &Value, rhs: &Value) -> Diagnostic {
    let op = binary.op;
    let is = |v: &Value, k: fn(&Value) -> bool| k(v);
    let quantity = |v: &Value| matches!(v, Value::Quantity(_));
    let int = |v: &Value| matches!(v, Value::Int(_));
    let fraction = match (lhs, rhs) {
        (Value::Quantity(_), Value::Float(f)) | (Value::Float(f), Value::Quantity(_))
            if op == BinOp::Mul =>
        {
            Some(share_help(*f))
        }
        _ => None,
    };
    let help = if let Some(help) = &fraction {
        help.as_str()
    } else if is(lhs, |v| matches!(v, Value::Str(_))) || is(rhs, |v| matches!(v, Value::Str(_))) {
        "text takes no arithmetic: to build text write `\"${name}Gi\"`; to compute a quantity, \
         use a quantity (`2Gi`) or an integer, not a word or a string"
    } else if matches!(lhs, Value::Float(_)) || matches!(rhs, Value::Float(_)) {
        "arithmetic is exact, on integers and quantities only: write `1500m` for 1.5, or scale \
         with integers (`memory * 3 / 2`)"
    } else if quantity(lhs) && quantity(rhs) {
        match op {
            BinOp::Mul => "a quantity times a quantity is not a quantity: multiply by an integer (`memory * 2`)",
            _ => "a quantity divided by a quantity is not a quantity: divide by an integer (`memory / 2`)",
        }
    } else if (int(lhs) && quantity(rhs)) || (quantity(lhs) && int(rhs)) {
        match op {
            BinOp::Div => "an integer cannot be divided by a quantity: write `memory / 2`, the quantity first",
            _ => "add or subtract quantities with quantities: give the integer a unit (`512Mi`), or multiply it by one (`n * 1Gi`)",
        }
    } else {
        "arithmetic works on integers and quantities"
    };
    let verb = match op {
        BinOp::Add => "add",
        BinOp::Sub => "subtract",
        BinOp::Mul => "multiply",
        BinOp::Div => "divide",
    };
    let message = match op {
        BinOp::Add => format!("cannot add {} and {}", lhs.kind_name(), rhs.kind_name()),
        BinOp::Sub => format!(
            "cannot subtract {} from {}",
            rhs.kind_name(),
            lhs.kind_name()
        ),
        BinOp::Mul => format!("cannot multiply {} by {}", lhs.kind_name(), rhs.kind_name()),
        BinOp::Div => format!("cannot divide {} by {}", lhs.kind_name(), rhs.kind_name()),
    };
    Diagnostic::new("E0123", binary.op_span, message)
        .label(format!("cannot {verb} these"))
        .with_secondary(binary.lhs.span(), lhs.kind_name())
        .with_secondary(binary.rhs.span(), rhs.kind_name())
        .help(help)
}

/// How to take a share `f` of a quantity with integers: the nearest
/// fraction over 32 (which binary amounts always divide), and the exact
/// decimal one.
fn share_help(f: f64) -> String {
    let over_32 = (f * 32.0).round() as i64;
    let (mut num, mut den) = (over_32, 32);
    while num % 2 == 0 && den > 1 {
        num /= 2;
        den /= 2;
    }
    let percent = over_32 as f64 * 100.0 / 32.0;
    let tenths = (f * 10.0).round() as i64;
    format!(
        "arithmetic is exact, on integers and quantities: take a share with integers, \
         `memory * {num} / {den}` ({percent:.1} %; binary amounts always divide by a power of two), \
         or `memory * {tenths} / 10` where every amount divides by 10"
    )
}

fn out_of_range(binary: &Binary, message: String, help: &str) -> Diagnostic {
    Diagnostic::new("E0124", binary.span, message)
        .label("out of range")
        .help(help)
}

fn division_by_zero(binary: &Binary) -> Diagnostic {
    Diagnostic::new("E0125", binary.rhs.span(), "division by zero")
        .label("this is zero")
        .help("divide by a number other than 0")
}

fn inexact(binary: &Binary, message: String, help: &str) -> Diagnostic {
    Diagnostic::new("E0126", binary.span, message)
        .label("leaves a remainder")
        .help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).expect(text)
    }

    #[test]
    fn results_use_the_largest_exact_suffix_of_the_operands_style() {
        let at = |text: &str| canonical(q(text).millis, Style::of(&[&q(text)]));
        assert_eq!(canonical(q("2Gi").millis * 2, Style::Binary), "4Gi");
        assert_eq!(canonical(q("512Mi").millis * 3, Style::Binary), "1536Mi");
        assert_eq!(
            canonical(q("1Gi").millis + q("512Mi").millis, Style::Binary),
            "1536Mi"
        );
        assert_eq!(canonical(q("1.5G").millis * 2, Style::Decimal), "3G");
        assert_eq!(canonical(q("500m").millis * 3, Style::Plain), "1500m");
        assert_eq!(canonical(q("500m").millis * 2, Style::Plain), "1");
        assert_eq!(canonical(0, Style::Binary), "0");
        assert_eq!(canonical(1000 * 1000, Style::Binary), "1000");
        assert_eq!(at("1024Ki"), "1Mi");
        assert_eq!(at("1000M"), "1G");
        assert_eq!(Style::of(&[&q("1Gi"), &q("1G")]), Style::Binary);
    }
}
