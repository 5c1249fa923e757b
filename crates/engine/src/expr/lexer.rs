//! The expression lexer. DynamoDB's tokens are: names (a letter, then letters, digits and
//! `_`), `#name` and `:value` placeholders (then one or more letters, digits or `_`), list
//! indexes (digits), and the symbols `= <> < <= > >= ( ) [ ] , . + -`. Anything else is a
//! one-character token the parser refuses, which is how `SET _a = :v` fails on `"_"`. The
//! lexer never fails; the token list always ends with an end-of-input token, and every
//! token keeps its byte span so syntax errors can quote the source the way DynamoDB does.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bare name or keyword: `a`, `AND`, `size`.
    Ident,
    /// `#name`.
    Name,
    /// `:value`.
    Value,
    /// Digits, only meaningful as a list index.
    Number,
    Sym(Sym),
    /// A character no token starts with.
    Invalid,
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sym {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Plus,
    Minus,
}

/// One token: its kind and byte span in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token as DynamoDB quotes it in a syntax error.
    pub fn text<'s>(&self, source: &'s str) -> &'s str {
        match self.kind {
            Kind::Eof => "<EOF>",
            _ => &source[self.start..self.end],
        }
    }

    /// Whether this is the keyword `word` (keywords are case-insensitive).
    pub fn is_keyword(&self, source: &str, word: &str) -> bool {
        self.kind == Kind::Ident && source[self.start..self.end].eq_ignore_ascii_case(word)
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits `source` into tokens, ending with [`Kind::Eof`].
pub(crate) fn tokenize(source: &str) -> Vec<Token> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        let (kind, len) = scan(source, i);
        tokens.push(Token {
            kind,
            start: i,
            end: i + len,
        });
        i += len;
    }
    tokens.push(Token {
        kind: Kind::Eof,
        start: source.len(),
        end: source.len(),
    });
    tokens
}

/// The token starting at byte `i` (not whitespace): its kind and byte length.
fn scan(source: &str, i: usize) -> (Kind, usize) {
    let bytes = source.as_bytes();
    let run = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|&&b| is_word_byte(b))
            .count()
    };
    let b = bytes[i];
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => (Kind::Ident, 1 + run(i + 1)),
        b'0'..=b'9' => (
            Kind::Number,
            bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count(),
        ),
        b'#' | b':' => match run(i + 1) {
            0 => (Kind::Invalid, 1),
            n => (if b == b'#' { Kind::Name } else { Kind::Value }, 1 + n),
        },
        b'<' => match bytes.get(i + 1) {
            Some(b'>') => (Kind::Sym(Sym::Ne), 2),
            Some(b'=') => (Kind::Sym(Sym::Le), 2),
            _ => (Kind::Sym(Sym::Lt), 1),
        },
        b'>' => match bytes.get(i + 1) {
            Some(b'=') => (Kind::Sym(Sym::Ge), 2),
            _ => (Kind::Sym(Sym::Gt), 1),
        },
        _ => match single_symbol(b) {
            Some(sym) => (Kind::Sym(sym), 1),
            None => (
                Kind::Invalid,
                source[i..].chars().next().map_or(1, char::len_utf8),
            ),
        },
    }
}

fn single_symbol(b: u8) -> Option<Sym> {
    Some(match b {
        b'=' => Sym::Eq,
        b'(' => Sym::LParen,
        b')' => Sym::RParen,
        b'[' => Sym::LBracket,
        b']' => Sym::RBracket,
        b',' => Sym::Comma,
        b'.' => Sym::Dot,
        b'+' => Sym::Plus,
        b'-' => Sym::Minus,
        _ => return None,
    })
}

/// The source DynamoDB quotes as `near` for a syntax error at token `at`: from the start of
/// the token before it to the end of the token after it (end of input at the end).
pub(crate) fn near<'s>(source: &'s str, tokens: &[Token], at: usize) -> &'s str {
    let start = if at == 0 {
        tokens[at].start
    } else {
        tokens[at - 1].start
    };
    let end = tokens.get(at + 1).map_or(tokens[at].end, |t| t.end);
    &source[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<(Kind, &str)> {
        tokenize(source)
            .iter()
            .map(|t| (t.kind, t.text(source)))
            .collect()
    }

    #[test]
    fn names_start_with_a_letter_and_placeholders_take_any_word_characters() {
        assert_eq!(
            kinds("a_1 #1b :_x"),
            [
                (Kind::Ident, "a_1"),
                (Kind::Name, "#1b"),
                (Kind::Value, ":_x"),
                (Kind::Eof, "<EOF>")
            ]
        );
        assert_eq!(kinds("_a")[..2], [(Kind::Invalid, "_"), (Kind::Ident, "a")]);
        assert_eq!(
            kinds("# :")[..2],
            [(Kind::Invalid, "#"), (Kind::Invalid, ":")]
        );
    }

    #[test]
    fn two_character_comparators_are_single_tokens() {
        let k: Vec<Kind> = tokenize("<><=>=<>=").iter().map(|t| t.kind).collect();
        assert_eq!(
            k,
            [
                Kind::Sym(Sym::Ne),
                Kind::Sym(Sym::Le),
                Kind::Sym(Sym::Ge),
                Kind::Sym(Sym::Ne),
                Kind::Sym(Sym::Eq),
                Kind::Eof
            ]
        );
    }

    #[test]
    fn unknown_characters_are_whole_utf8_characters() {
        assert_eq!(
            kinds("é!")[..2],
            [(Kind::Invalid, "é"), (Kind::Invalid, "!")]
        );
    }

    #[test]
    fn near_spans_the_previous_and_next_tokens() {
        let src = "SET _123 = :v";
        let t = tokenize(src);
        assert_eq!(near(src, &t, 1), "SET _123");
        let src = "a,";
        let t = tokenize(src);
        assert_eq!(near(src, &t, 2), ",");
        let src = "SET a = ";
        let t = tokenize(src);
        assert_eq!(near(src, &t, 3), "= ");
    }
}
