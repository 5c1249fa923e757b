//! DynamoDB's Number: an exact decimal of up to 38 significant digits with a magnitude from
//! 1E-130 to below 1E+126, positive or negative. Held as a sign, a coefficient without
//! trailing zeros and a power of ten, so equal numbers are equal structurally, ordering is
//! numeric, and nothing ever passes through a float. Text goes out in DynamoDB's normalised
//! form: plain digits, no exponent, no leading or trailing zeros (`0042.1200` is `42.12`).

use std::cmp::Ordering;
use std::fmt;

use crate::error::DynamoError;

/// Most significant digits a Number may hold.
pub const MAX_DIGITS: u32 = 38;
/// Largest allowed decimal exponent of the leading digit (9.99…E+125).
const MAX_LEADING_EXPONENT: i32 = 125;
/// Smallest allowed decimal exponent of the leading digit (1E-130).
const MIN_LEADING_EXPONENT: i32 = -130;

/// An exact DynamoDB number: `(-1)^negative × coefficient × 10^exponent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Number {
    negative: bool,
    /// No trailing decimal zeros; zero is coefficient 0 with exponent 0.
    coefficient: u128,
    exponent: i32,
}

/// Why a text is not a DynamoDB number. Each maps to DynamoDB's own ValidationException.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    NotANumber,
    TooManyDigits,
    Overflow,
    Underflow,
}

impl NumberError {
    pub fn message(self) -> &'static str {
        match self {
            NumberError::NotANumber => "A value provided cannot be converted into a number",
            NumberError::TooManyDigits => {
                "Attempting to store more than 38 significant digits in a Number"
            }
            NumberError::Overflow => {
                "Number overflow. Attempting to store a number with magnitude larger than supported range"
            }
            NumberError::Underflow => {
                "Number underflow. Attempting to store a number with magnitude smaller than supported range"
            }
        }
    }
}

impl From<NumberError> for DynamoError {
    fn from(e: NumberError) -> Self {
        DynamoError::validation(e.message())
    }
}

fn digit_count(mut n: u128) -> u32 {
    let mut count = 1;
    while n >= 10 {
        n /= 10;
        count += 1;
    }
    count
}

impl Number {
    pub const ZERO: Number = Number {
        negative: false,
        coefficient: 0,
        exponent: 0,
    };

    /// Parses DynamoDB number text: an optional sign, digits with an optional point, and an
    /// optional exponent (`-12.5`, `.5`, `1e3`, `1E-130`).
    pub fn parse(text: &str) -> Result<Number, NumberError> {
        let bytes = text.as_bytes();
        let mut i = 0;
        let negative = match bytes.first() {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let mut coefficient: u128 = 0;
        let mut significant = 0u32;
        let mut exponent: i64 = 0;
        let mut seen_digit = false;
        let mut seen_point = false;
        // Digits beyond 38 are only allowed if they are zeros that a later non-zero does not
        // follow; track pending zeros instead of multiplying them in straight away.
        let mut pending_zeros: u32 = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'0'..=b'9' => {
                    seen_digit = true;
                    let d = (bytes[i] - b'0') as u128;
                    if seen_point {
                        exponent -= 1;
                    }
                    if d == 0 {
                        if significant > 0 {
                            pending_zeros += 1;
                        }
                    } else {
                        if significant + pending_zeros + 1 > MAX_DIGITS {
                            return Err(NumberError::TooManyDigits);
                        }
                        for _ in 0..pending_zeros {
                            coefficient *= 10;
                        }
                        significant += pending_zeros + 1;
                        pending_zeros = 0;
                        coefficient = coefficient * 10 + d;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                b'e' | b'E' => break,
                _ => return Err(NumberError::NotANumber),
            }
            i += 1;
        }
        if !seen_digit {
            return Err(NumberError::NotANumber);
        }
        if i < bytes.len() {
            // Exponent part.
            i += 1;
            let rest = &text[i..];
            let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(NumberError::NotANumber);
            }
            let magnitude: i64 = digits.parse().unwrap_or(i64::MAX / 4).min(i64::MAX / 4);
            exponent += if rest.starts_with('-') {
                -magnitude
            } else {
                magnitude
            };
        }
        // The trailing zeros we held back belong in the exponent.
        exponent += pending_zeros as i64;
        if coefficient == 0 {
            return Ok(Number::ZERO);
        }
        Number::from_parts(negative, coefficient, exponent)
    }

    /// Builds a number, normalising trailing zeros and checking DynamoDB's range.
    fn from_parts(
        negative: bool,
        mut coefficient: u128,
        mut exponent: i64,
    ) -> Result<Number, NumberError> {
        if coefficient == 0 {
            return Ok(Number::ZERO);
        }
        while coefficient.is_multiple_of(10) {
            coefficient /= 10;
            exponent += 1;
        }
        if digit_count(coefficient) > MAX_DIGITS {
            return Err(NumberError::TooManyDigits);
        }
        let leading = exponent + digit_count(coefficient) as i64 - 1;
        if leading > MAX_LEADING_EXPONENT as i64 {
            return Err(NumberError::Overflow);
        }
        if leading < MIN_LEADING_EXPONENT as i64 {
            return Err(NumberError::Underflow);
        }
        Ok(Number {
            negative,
            coefficient,
            exponent: exponent as i32,
        })
    }

    pub fn from_i64(value: i64) -> Number {
        Number::from_parts(value < 0, value.unsigned_abs() as u128, 0)
            .expect("every i64 is a DynamoDB number")
    }

    pub fn is_zero(&self) -> bool {
        self.coefficient == 0
    }

    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// Significant digits before and after the decimal point, leading and trailing zeros of
    /// the whole value trimmed (zeros inside the number count).
    fn digit_split(&self) -> (u32, u32) {
        let digits = digit_count(self.coefficient);
        if self.exponent >= 0 {
            (digits + self.exponent as u32, 0)
        } else {
            let fraction = (-self.exponent) as u32;
            if digits <= fraction {
                (0, digits)
            } else {
                (digits - fraction, fraction)
            }
        }
    }

    /// Bytes this number adds to an item's size, as DynamoDB measures it:
    /// `1 + ceil(int digits / 2) + ceil(fraction digits / 2) + 1 if negative`, zero is 1.
    pub fn size(&self) -> usize {
        if self.is_zero() {
            return 1;
        }
        let (int_digits, frac_digits) = self.digit_split();
        // Integer digits count from the trimmed coefficient only: trailing zeros of an
        // integer (100 -> "1") are not stored.
        let int_digits = if self.exponent > 0 {
            int_digits - self.exponent as u32
        } else {
            int_digits
        };
        1 + int_digits.div_ceil(2) as usize
            + frac_digits.div_ceil(2) as usize
            + self.negative as usize
    }

    /// Compares magnitudes, ignoring signs.
    fn cmp_magnitude(&self, other: &Number) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let (da, db) = (
            digit_count(self.coefficient),
            digit_count(other.coefficient),
        );
        let lead_a = self.exponent as i64 + da as i64;
        let lead_b = other.exponent as i64 + db as i64;
        lead_a.cmp(&lead_b).then_with(|| {
            // Same leading position: compare coefficients scaled to 38 digits.
            let a = self.coefficient * 10u128.pow(MAX_DIGITS - da);
            let b = other.coefficient * 10u128.pow(MAX_DIGITS - db);
            a.cmp(&b)
        })
    }
}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = |n: &Number| {
            if n.is_zero() {
                0
            } else if n.negative {
                -1
            } else {
                1
            }
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal if sign(self) < 0 => other.cmp_magnitude(self),
            Ordering::Equal => self.cmp_magnitude(other),
            unequal => unequal,
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Number {
    /// DynamoDB's normalised text: no exponent, no superfluous zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0");
        }
        let digits = self.coefficient.to_string();
        let mut out = String::with_capacity(digits.len() + 4);
        if self.negative {
            out.push('-');
        }
        if self.exponent >= 0 {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', self.exponent as usize));
        } else {
            let fraction = (-self.exponent) as usize;
            if digits.len() > fraction {
                let (int, frac) = digits.split_at(digits.len() - fraction);
                out.push_str(int);
                out.push('.');
                out.push_str(frac);
            } else {
                out.push_str("0.");
                out.extend(std::iter::repeat_n('0', fraction - digits.len()));
                out.push_str(&digits);
            }
        }
        f.write_str(&out)
    }
}

/// Exact addition and subtraction, as UpdateExpression's `+`, `-` and `ADD` need them.
/// DynamoDB never rounds: a result that does not fit 38 significant digits is refused, and
/// it refuses it with its overflow message (Scylla's alternator suite records `1e50 + 1`
/// failing with "Number overflow. Attempting to store a number with magnitude larger than
/// supported range"), so `NumberError::Overflow` is returned for an inexact result too.
/// A result that shrinks below 1E-130 is `NumberError::Underflow`.
impl Number {
    pub fn checked_add(&self, other: &Number) -> Result<Number, NumberError> {
        if other.is_zero() {
            return Ok(*self);
        }
        if self.is_zero() {
            return Ok(*other);
        }
        let exponent = self.exponent.min(other.exponent);
        let a = scaled_digits(self.coefficient, (self.exponent - exponent) as usize);
        let b = scaled_digits(other.coefficient, (other.exponent - exponent) as usize);
        let (negative, digits) = if self.negative == other.negative {
            (self.negative, add_digits(&a, &b))
        } else {
            match compare_digits(&a, &b) {
                Ordering::Equal => return Ok(Number::ZERO),
                Ordering::Greater => (self.negative, subtract_digits(&a, &b)),
                Ordering::Less => (other.negative, subtract_digits(&b, &a)),
            }
        };
        Number::from_digits(negative, digits, exponent as i64)
    }

    pub fn checked_sub(&self, other: &Number) -> Result<Number, NumberError> {
        self.checked_add(&other.negated())
    }

    fn negated(&self) -> Number {
        if self.is_zero() {
            *self
        } else {
            Number {
                negative: !self.negative,
                ..*self
            }
        }
    }

    /// Builds a number from little-endian decimal digits times `10^exponent`.
    fn from_digits(
        negative: bool,
        mut digits: Vec<u8>,
        mut exponent: i64,
    ) -> Result<Number, NumberError> {
        let zeros = digits.iter().take_while(|&&d| d == 0).count();
        digits.drain(..zeros);
        exponent += zeros as i64;
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Ok(Number::ZERO);
        }
        if digits.len() > MAX_DIGITS as usize {
            return Err(NumberError::Overflow);
        }
        let coefficient = digits
            .iter()
            .rev()
            .fold(0u128, |acc, &d| acc * 10 + d as u128);
        Number::from_parts(negative, coefficient, exponent)
    }
}

/// `coefficient × 10^shift` as little-endian decimal digits.
fn scaled_digits(mut coefficient: u128, shift: usize) -> Vec<u8> {
    let mut digits = vec![0u8; shift];
    while coefficient > 0 {
        digits.push((coefficient % 10) as u8);
        coefficient /= 10;
    }
    digits
}

fn add_digits(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
    let mut carry = 0u8;
    for i in 0..a.len().max(b.len()) {
        let sum = a.get(i).copied().unwrap_or(0) + b.get(i).copied().unwrap_or(0) + carry;
        out.push(sum % 10);
        carry = sum / 10;
    }
    if carry > 0 {
        out.push(carry);
    }
    out
}

/// `a - b` for magnitudes with `a >= b`.
fn subtract_digits(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i8;
    for (i, &digit) in a.iter().enumerate() {
        let mut d = digit as i8 - b.get(i).copied().unwrap_or(0) as i8 - borrow;
        borrow = if d < 0 { 1 } else { 0 };
        if d < 0 {
            d += 10;
        }
        out.push(d as u8);
    }
    out
}

/// Compares little-endian digit magnitudes (leading zeros allowed).
fn compare_digits(a: &[u8], b: &[u8]) -> Ordering {
    let significant = |d: &[u8]| d.len() - d.iter().rev().take_while(|&&x| x == 0).count();
    let (la, lb) = (significant(a), significant(b));
    la.cmp(&lb)
        .then_with(|| a[..la].iter().rev().cmp(b[..lb].iter().rev()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Number {
        Number::parse(text).unwrap()
    }

    #[test]
    fn numbers_are_returned_in_normalised_form() {
        assert_eq!(n("0042.1200").to_string(), "42.12");
        assert_eq!(n("-0").to_string(), "0");
        assert_eq!(n("+5").to_string(), "5");
        assert_eq!(n(".5").to_string(), "0.5");
        assert_eq!(n("1e3").to_string(), "1000");
        assert_eq!(n("1.5E-3").to_string(), "0.0015");
        assert_eq!(n("1E125").to_string(), format!("1{}", "0".repeat(125)));
    }

    #[test]
    fn number_size_follows_the_measured_rule() {
        let cases = [
            ("0", 1),
            ("1", 2),
            ("12", 2),
            ("123", 3),
            ("1234", 3),
            ("0042", 2),
            ("100", 2),
            ("1010", 3),
            ("1E125", 2),
            ("1E-100", 2),
            ("1.5", 3),
            ("15", 2),
            ("1.2", 3),
            ("1.200", 3),
            ("1.234", 4),
            ("3.14159", 5),
            ("123456", 4),
            ("100.5", 4),
            ("0.15", 2),
            ("0.0000001", 2),
            ("-42", 3),
            ("-0", 1),
        ];
        for (text, size) in cases {
            assert_eq!(n(text).size(), size, "size of {text}");
        }
        assert_eq!(n(&"9".repeat(38)).size(), 20);
    }

    #[test]
    fn numbers_order_numerically() {
        let mut v: Vec<Number> = ["10", "-1", "2", "-10", "0", "1.5", "0.001", "-0.5"]
            .iter()
            .map(|t| n(t))
            .collect();
        crate::sorting::sort(&mut v);
        let text: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(text, ["-10", "-1", "-0.5", "0", "0.001", "1.5", "2", "10"]);
    }

    #[test]
    fn more_than_38_significant_digits_are_rejected() {
        assert_eq!(
            Number::parse(&"1".repeat(39)),
            Err(NumberError::TooManyDigits)
        );
        // Trailing zeros are not significant.
        assert!(Number::parse(&format!("{}{}", "1".repeat(38), "0".repeat(10))).is_ok());
    }

    #[test]
    fn magnitudes_outside_the_range_overflow_or_underflow() {
        assert_eq!(Number::parse("1E126"), Err(NumberError::Overflow));
        assert_eq!(Number::parse("1E-131"), Err(NumberError::Underflow));
        assert!(Number::parse("9.9999999999999999999999999999999999999E+125").is_ok());
        assert!(Number::parse("1E-130").is_ok());
    }

    #[test]
    fn malformed_numbers_are_rejected() {
        for text in [
            "", "-", "abc", "1.2.3", "1e", "1e+", "--1", " 1", "0x10", "1_000",
        ] {
            assert_eq!(
                Number::parse(text),
                Err(NumberError::NotANumber),
                "{text:?}"
            );
        }
    }
}

#[cfg(test)]
mod arithmetic_tests {
    use super::*;

    fn n(text: &str) -> Number {
        Number::parse(text).unwrap()
    }

    fn add(a: &str, b: &str) -> Result<String, NumberError> {
        n(a).checked_add(&n(b)).map(|x| x.to_string())
    }

    fn sub(a: &str, b: &str) -> Result<String, NumberError> {
        n(a).checked_sub(&n(b)).map(|x| x.to_string())
    }

    #[test]
    fn addition_and_subtraction_are_exact() {
        assert_eq!(
            add("1", "10000000000000000000000"),
            Ok("10000000000000000000001".into())
        );
        assert_eq!(
            sub("10000000000000000000000", "1"),
            Ok("9999999999999999999999".into())
        );
        assert_eq!(add("0.1", "0.2"), Ok("0.3".into()));
        assert_eq!(add("-5", "3"), Ok("-2".into()));
        assert_eq!(sub("3", "5"), Ok("-2".into()));
        assert_eq!(add("1.5", "-1.5"), Ok("0".into()));
        assert_eq!(add("0", "-7.25"), Ok("-7.25".into()));
        assert_eq!(sub("0", "7.25"), Ok("-7.25".into()));
        assert_eq!(add("999", "1"), Ok("1000".into()));
        assert_eq!(sub("1000", "0.001"), Ok("999.999".into()));
        assert_eq!(add("-0.5", "-0.25"), Ok("-0.75".into()));
    }

    #[test]
    fn a_result_beyond_38_significant_digits_is_refused_with_the_overflow_message() {
        assert_eq!(add("1e50", "1"), Err(NumberError::Overflow));
        assert_eq!(sub("1e50", "1"), Err(NumberError::Overflow));
        assert_eq!(add("1E125", "1E-130"), Err(NumberError::Overflow));
        // 38 digits exactly is fine.
        assert_eq!(
            add(&"9".repeat(37), "1"),
            Ok(format!("1{}", "0".repeat(37)))
        );
        assert_eq!(add(&"1".repeat(38), "0"), Ok("1".repeat(38)));
    }

    #[test]
    fn a_result_outside_the_range_overflows_or_underflows() {
        assert_eq!(add("9e125", "9e125"), Err(NumberError::Overflow));
        assert_eq!(sub("9e125", "-9e125"), Err(NumberError::Overflow));
        assert_eq!(sub("1.1e-130", "1e-130"), Err(NumberError::Underflow));
        assert!(add("9.9999999999999999999999999999999999999E+125", "-1E+88").is_ok());
    }
}
