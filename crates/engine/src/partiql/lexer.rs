//! Tokens of DynamoDB's PartiQL dialect. Unquoted words come out as written (the parser
//! compares keywords case-insensitively and keeps names case-sensitive), `"quoted"` words
//! are always names, `'single-quoted'` text is a string literal, and numbers keep their
//! source text so they convert exactly. Every token records where it starts (1-based line
//! and column) and how many characters it spans, for the few messages that quote a
//! position. Text the lexer cannot read at all (a `#`, an unterminated string, an exponent
//! that does not fit 32 bits) is rejected the way DynamoDB rejects it: the "wasn't well
//! formed" envelope with nothing after the colon.

use crate::error::DynamoError;

use super::malformed;

/// Punctuation and operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sym {
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    /// `<<`, opening a bag.
    LBag,
    /// `>>`, closing a bag.
    RBag,
    Comma,
    Dot,
    Colon,
    Semicolon,
    Star,
    Eq,
    /// `<>` or `!=`.
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Slash,
    Percent,
    /// `||`, string concatenation.
    Concat,
}

impl Sym {
    /// Whether the symbol is an operator (as opposed to punctuation).
    pub fn is_operator(self) -> bool {
        matches!(
            self,
            Sym::Star
                | Sym::Eq
                | Sym::Ne
                | Sym::Lt
                | Sym::Le
                | Sym::Gt
                | Sym::Ge
                | Sym::Plus
                | Sym::Minus
                | Sym::Slash
                | Sym::Percent
                | Sym::Concat
        )
    }
}

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An unquoted identifier or keyword, exactly as written.
    Word(String),
    /// A `"double-quoted"` identifier, with `""` unescaped.
    Quoted(String),
    /// A `'single-quoted'` string literal, with `''` unescaped.
    Str(String),
    /// A numeric literal's source text: digits, an optional point and exponent.
    Num(String),
    /// `?`, a positional parameter.
    Param,
    Sym(Sym),
    Eof,
}

/// A token and where it is in the statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub line: u32,
    pub column: u32,
    /// Characters the token spans in the source.
    pub length: u32,
}

impl Token {
    /// Whether the token is the unquoted word `keyword`, in any case.
    pub fn is_word(&self, keyword: &str) -> bool {
        matches!(&self.kind, Kind::Word(w) if w.eq_ignore_ascii_case(keyword))
    }

    pub fn is_sym(&self, sym: Sym) -> bool {
        self.kind == Kind::Sym(sym)
    }
}

/// Splits a statement into tokens, ending with [`Kind::Eof`].
pub fn tokenize(source: &str) -> Result<Vec<Token>, DynamoError> {
    let mut lexer = Lexer {
        chars: source.chars().collect(),
        at: 0,
        line: 1,
        column: 1,
    };
    let mut tokens = Vec::new();
    loop {
        lexer.skip_blanks()?;
        let (line, column, start) = (lexer.line, lexer.column, lexer.at);
        let Some(c) = lexer.peek(0) else {
            tokens.push(Token {
                kind: Kind::Eof,
                line,
                column,
                length: 0,
            });
            return Ok(tokens);
        };
        let kind = lexer.token(c)?;
        let length = (lexer.at - start) as u32;
        tokens.push(Token {
            kind,
            line,
            column,
            length,
        });
    }
}

struct Lexer {
    chars: Vec<char>,
    at: usize,
    line: u32,
    column: u32,
}

fn is_word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '$'
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.at += 1;
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else {
            self.column = self.column.saturating_add(1);
        }
        Some(c)
    }

    /// Whitespace, `-- line comments` and `/* block comments */`.
    fn skip_blanks(&mut self) -> Result<(), DynamoError> {
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('-'), Some('-')) => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                (Some('/'), Some('*')) => {
                    self.bump();
                    self.bump();
                    loop {
                        match (self.peek(0), self.peek(1)) {
                            (Some('*'), Some('/')) => {
                                self.bump();
                                self.bump();
                                break;
                            }
                            (Some(_), _) => {
                                self.bump();
                            }
                            (None, _) => return Err(malformed("")),
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn token(&mut self, c: char) -> Result<Kind, DynamoError> {
        if is_word_start(c) {
            let mut word = String::new();
            while let Some(c) = self.peek(0).filter(|c| is_word_char(*c)) {
                word.push(c);
                self.bump();
            }
            return Ok(Kind::Word(word));
        }
        if c.is_ascii_digit() || (c == '.' && self.peek(1).is_some_and(|d| d.is_ascii_digit())) {
            return self.number();
        }
        match c {
            '\'' => return self.quoted('\'').map(Kind::Str),
            '"' => return self.quoted('"').map(Kind::Quoted),
            _ => {}
        }
        let two = (c, self.peek(1));
        let (sym, width) = match two {
            ('<', Some('<')) => (Sym::LBag, 2),
            ('>', Some('>')) => (Sym::RBag, 2),
            ('<', Some('>')) => (Sym::Ne, 2),
            ('!', Some('=')) => (Sym::Ne, 2),
            ('<', Some('=')) => (Sym::Le, 2),
            ('>', Some('=')) => (Sym::Ge, 2),
            ('|', Some('|')) => (Sym::Concat, 2),
            ('(', _) => (Sym::LParen, 1),
            (')', _) => (Sym::RParen, 1),
            ('[', _) => (Sym::LBracket, 1),
            (']', _) => (Sym::RBracket, 1),
            ('{', _) => (Sym::LBrace, 1),
            ('}', _) => (Sym::RBrace, 1),
            (',', _) => (Sym::Comma, 1),
            ('.', _) => (Sym::Dot, 1),
            (':', _) => (Sym::Colon, 1),
            (';', _) => (Sym::Semicolon, 1),
            ('*', _) => (Sym::Star, 1),
            ('=', _) => (Sym::Eq, 1),
            ('<', _) => (Sym::Lt, 1),
            ('>', _) => (Sym::Gt, 1),
            ('+', _) => (Sym::Plus, 1),
            ('-', _) => (Sym::Minus, 1),
            ('/', _) => (Sym::Slash, 1),
            ('%', _) => (Sym::Percent, 1),
            ('?', _) => {
                self.bump();
                return Ok(Kind::Param);
            }
            // `#`, backtick Ion literals, `@`, stray `!` and `|`, anything non-ASCII.
            _ => return Err(malformed("")),
        };
        for _ in 0..width {
            self.bump();
        }
        Ok(Kind::Sym(sym))
    }

    /// A quoted string or identifier; a doubled quote stands for one.
    fn quoted(&mut self, quote: char) -> Result<String, DynamoError> {
        self.bump();
        let mut text = String::new();
        loop {
            match self.bump() {
                Some(c) if c == quote => {
                    if self.peek(0) == Some(quote) {
                        self.bump();
                        text.push(quote);
                    } else {
                        return Ok(text);
                    }
                }
                Some(c) => text.push(c),
                None => return Err(malformed("")),
            }
        }
    }

    /// Digits, an optional fraction and an optional exponent. An `e` not followed by an
    /// exponent ends the number (`1 e5` is two tokens, `1e` a number then a word).
    fn number(&mut self) -> Result<Kind, DynamoError> {
        let mut text = String::new();
        let mut fraction_digits: i64 = 0;
        while let Some(c) = self.peek(0).filter(char::is_ascii_digit) {
            text.push(c);
            self.bump();
        }
        if self.peek(0) == Some('.') {
            text.push('.');
            self.bump();
            while let Some(c) = self.peek(0).filter(char::is_ascii_digit) {
                text.push(c);
                fraction_digits += 1;
                self.bump();
            }
        }
        let exponent_follows = match (self.peek(0), self.peek(1), self.peek(2)) {
            (Some('e' | 'E'), Some(d), _) if d.is_ascii_digit() => true,
            (Some('e' | 'E'), Some('+' | '-'), Some(d)) if d.is_ascii_digit() => true,
            _ => false,
        };
        if exponent_follows {
            text.push('e');
            self.bump();
            let negative = self.peek(0) == Some('-');
            if let Some(sign) = self.peek(0).filter(|c| *c == '+' || *c == '-') {
                text.push(sign);
                self.bump();
            }
            let mut digits = String::new();
            while let Some(c) = self.peek(0).filter(char::is_ascii_digit) {
                digits.push(c);
                self.bump();
            }
            // The exponent, and the scale it leaves, must each fit a 32-bit integer.
            let magnitude: i64 = match digits.trim_start_matches('0') {
                "" => 0,
                d if d.len() > 11 => return Err(malformed("")),
                d => d.parse().map_err(|_| malformed(""))?,
            };
            let exponent = if negative { -magnitude } else { magnitude };
            if i32::try_from(exponent).is_err()
                || i32::try_from(fraction_digits - exponent).is_err()
            {
                return Err(malformed(""));
            }
            text.push_str(&digits);
        }
        Ok(Kind::Num(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<Kind> {
        tokenize(source)
            .unwrap()
            .into_iter()
            .map(|t| t.kind)
            .collect()
    }

    fn word(w: &str) -> Kind {
        Kind::Word(w.into())
    }

    #[test]
    fn words_keep_their_case_and_quoted_names_unescape_doubled_quotes() {
        assert_eq!(
            kinds(r#"SeLeCt "a ""b""" x_1$"#),
            [
                word("SeLeCt"),
                Kind::Quoted("a \"b\"".into()),
                word("x_1$"),
                Kind::Eof
            ]
        );
    }

    #[test]
    fn string_literals_unescape_doubled_single_quotes() {
        assert_eq!(kinds("'it''s'"), [Kind::Str("it's".into()), Kind::Eof]);
        assert_eq!(kinds("''"), [Kind::Str(String::new()), Kind::Eof]);
    }

    #[test]
    fn numbers_keep_their_text_including_fractions_and_exponents() {
        assert_eq!(
            kinds("1 2.50 .5 1E3 1.5e-3 7e+2"),
            [
                Kind::Num("1".into()),
                Kind::Num("2.50".into()),
                Kind::Num(".5".into()),
                Kind::Num("1e3".into()),
                Kind::Num("1.5e-3".into()),
                Kind::Num("7e+2".into()),
                Kind::Eof
            ]
        );
    }

    #[test]
    fn an_e_without_exponent_digits_ends_the_number() {
        assert_eq!(
            kinds("1 e5"),
            [Kind::Num("1".into()), word("e5"), Kind::Eof]
        );
        assert_eq!(kinds("1e"), [Kind::Num("1".into()), word("e"), Kind::Eof]);
    }

    #[test]
    fn two_character_operators_and_bags_are_single_tokens() {
        use Sym::*;
        let expected: Vec<Kind> = [LBag, RBag, Ne, Ne, Le, Ge, Concat, Lt, Gt, Eq]
            .into_iter()
            .map(Kind::Sym)
            .chain([Kind::Eof])
            .collect();
        assert_eq!(kinds("<< >> <> != <= >= || < > ="), expected);
    }

    #[test]
    fn comments_are_skipped() {
        assert_eq!(
            kinds("a -- note\n /* block\n */ b"),
            [word("a"), word("b"), Kind::Eof]
        );
    }

    #[test]
    fn unreadable_text_gets_the_envelope_with_no_detail() {
        let envelope = "Statement wasn't well formed, can't be processed: ";
        for bad in [
            "a # b",
            "'open",
            "\"open",
            "a /* open",
            "1e2147483648",
            "1e99999999999",
            "1.5e-2147483647",
            "`ion`",
            "é",
            "a ! b",
        ] {
            let e = tokenize(bad).unwrap_err();
            assert_eq!(e.message, envelope, "{bad}");
        }
        assert!(tokenize("1e2147483647").is_ok());
    }

    #[test]
    fn tokens_record_line_column_and_length() {
        let t = tokenize("a\n  'xy' ?").unwrap();
        assert_eq!((t[1].line, t[1].column, t[1].length), (2, 3, 4));
        assert_eq!((t[2].line, t[2].column, t[2].length), (2, 8, 1));
        assert_eq!(t[3].kind, Kind::Eof);
    }
}
