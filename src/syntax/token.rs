//! Tokens: one logos enum serves as both the raw lexer output and the parser's terminals.
//! `Indent`, `Dedent` and the start markers are never produced by logos; the layout pass
//! (layout.rs) inserts them.

use logos::Logos;

use super::ast::Constant;
use super::lexer::{name, number, string, LexError};

#[derive(Logos, Clone, Debug)]
#[logos(error = LexError)]
#[logos(skip r"[ \t\x0C]+")]
#[logos(skip(r"#[^\r\n]*", allow_greedy = true))]
#[logos(skip r"\\\r?\n")]
pub enum Tok<'s> {
    #[regex(r"\r?\n")]
    #[token("\r")]
    Newline,
    Indent,
    Dedent,
    StartModule,
    StartExpr,
    StartFExpr,
    /// The soft keywords `match` and `case` where they start a match statement or a case
    /// block (layout.rs decides; elsewhere they stay names).
    Match,
    Case,

    #[regex(r"[A-Za-z_\u{80}-\u{10FFFF}][A-Za-z0-9_\u{80}-\u{10FFFF}]*", name)]
    Name(&'s str),
    #[regex(r"[0-9](_?[0-9])*", number)]
    #[regex(r"0[xX](_?[0-9a-fA-F])+", number)]
    #[regex(r"0[oO](_?[0-7])+", number)]
    #[regex(r"0[bB](_?[01])+", number)]
    #[regex(
        r"[0-9](_?[0-9])*\.([0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?",
        number
    )]
    #[regex(r"\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?", number)]
    #[regex(r"[0-9](_?[0-9])*[eE][+-]?[0-9](_?[0-9])*", number)]
    #[regex(r"[0-9](_?[0-9])*[jJ]", number)]
    #[regex(
        r"[0-9](_?[0-9])*\.([0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?[jJ]",
        number
    )]
    #[regex(r"\.[0-9](_?[0-9])*([eE][+-]?[0-9](_?[0-9])*)?[jJ]", number)]
    #[regex(r"[0-9](_?[0-9])*[eE][+-]?[0-9](_?[0-9])*[jJ]", number)]
    Num(Constant),
    /// A whole string literal including prefix and quotes; decoded by strings.rs.
    #[regex(r#"[rRbBuUfF]{0,2}["']"#, string)]
    Str(&'s str),

    #[token("False")]
    False,
    #[token("None")]
    None,
    #[token("True")]
    True,
    #[token("and")]
    And,
    #[token("as")]
    As,
    #[token("assert")]
    Assert,
    #[token("async")]
    Async,
    #[token("await")]
    Await,
    #[token("break")]
    Break,
    #[token("class")]
    Class,
    #[token("continue")]
    Continue,
    #[token("def")]
    Def,
    #[token("del")]
    Del,
    #[token("elif")]
    Elif,
    #[token("else")]
    Else,
    #[token("except")]
    Except,
    #[token("finally")]
    Finally,
    #[token("for")]
    For,
    #[token("from")]
    From,
    #[token("global")]
    Global,
    #[token("if")]
    If,
    #[token("import")]
    Import,
    #[token("in")]
    In,
    #[token("is")]
    Is,
    #[token("lambda")]
    Lambda,
    #[token("nonlocal")]
    Nonlocal,
    #[token("not")]
    Not,
    #[token("or")]
    Or,
    #[token("pass")]
    Pass,
    #[token("raise")]
    Raise,
    #[token("return")]
    Return,
    #[token("try")]
    Try,
    #[token("while")]
    While,
    #[token("with")]
    With,
    #[token("yield")]
    Yield,

    #[token("(")]
    LPar,
    /// A `(` right after `with` whose `)` is followed by `:` (parenthesized with-items).
    WithLPar,
    #[token(")")]
    RPar,
    #[token("[")]
    LSqb,
    #[token("]")]
    RSqb,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(",")]
    Comma,
    #[token(":")]
    Colon,
    #[token(";")]
    Semi,
    #[token(".")]
    Dot,
    #[token("...")]
    Ellipsis,
    #[token("->")]
    Arrow,
    #[token(":=")]
    ColonEq,
    #[token("=")]
    Assign,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("**")]
    DStar,
    #[token("/")]
    Slash,
    #[token("//")]
    DSlash,
    #[token("%")]
    Percent,
    #[token("@")]
    At,
    #[token("<<")]
    LShift,
    #[token(">>")]
    RShift,
    #[token("&")]
    Amp,
    #[token("|")]
    Pipe,
    #[token("^")]
    Caret,
    #[token("~")]
    Tilde,
    #[token("<")]
    Lt,
    #[token(">")]
    Gt,
    #[token("<=")]
    Le,
    #[token(">=")]
    Ge,
    #[token("==")]
    EqEq,
    #[token("!=")]
    #[token("<>", super::lexer::barry_not_equal)]
    NotEq,
    #[token("+=")]
    PlusEq,
    #[token("-=")]
    MinusEq,
    #[token("*=")]
    StarEq,
    #[token("/=")]
    SlashEq,
    #[token("//=")]
    DSlashEq,
    #[token("%=")]
    PercentEq,
    #[token("@=")]
    AtEq,
    #[token("&=")]
    AmpEq,
    #[token("|=")]
    PipeEq,
    #[token("^=")]
    CaretEq,
    #[token("<<=")]
    LShiftEq,
    #[token(">>=")]
    RShiftEq,
    #[token("**=")]
    DStarEq,
}

impl Tok<'_> {
    /// Opening bracket character, if this token is one.
    pub fn open_bracket(&self) -> Option<char> {
        match self {
            Tok::LPar | Tok::WithLPar => Some('('),
            Tok::LSqb => Some('['),
            Tok::LBrace => Some('{'),
            _ => None,
        }
    }
    pub fn close_bracket(&self) -> Option<char> {
        match self {
            Tok::RPar => Some(')'),
            Tok::RSqb => Some(']'),
            Tok::RBrace => Some('}'),
            _ => None,
        }
    }
    /// True for tokens that can end an expression (used for "Perhaps you forgot a comma?").
    pub fn ends_expr(&self) -> bool {
        matches!(
            self,
            Tok::Name(_)
                | Tok::Num(_)
                | Tok::Str(_)
                | Tok::RPar
                | Tok::RSqb
                | Tok::RBrace
                | Tok::None
                | Tok::True
                | Tok::False
                | Tok::Ellipsis
        )
    }
    /// True for tokens that can start an operand.
    pub fn starts_expr(&self) -> bool {
        matches!(
            self,
            Tok::Name(_)
                | Tok::Num(_)
                | Tok::Str(_)
                | Tok::LPar
                | Tok::LSqb
                | Tok::LBrace
                | Tok::None
                | Tok::True
                | Tok::False
                | Tok::Ellipsis
                | Tok::Lambda
                | Tok::Not
                | Tok::Tilde
                | Tok::Await
        )
    }
}
