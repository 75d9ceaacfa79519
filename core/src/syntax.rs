//! The shape of a content pattern, as far as the literal prefilter and the
//! linter need it: literals, word boundaries, repetition, alternation.
//!
//! The matching engine (regex-lite) validates every pattern first, so this
//! reader only ever sees valid syntax. It follows regex-lite's grammar: no
//! nested classes but POSIX ones (`[[:alpha:]]`), `{` always opens a counted
//! repetition (or `\b{start}`), and so on. Anything it does not know, or the
//! whitespace-insensitive `x` flag, makes it give up (`None`); the pattern is
//! then simply run on every text, never skipped.

/// One piece of a pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// Matches the empty string: flags, anchors, the empty pattern.
    Empty,
    /// `\b`.
    WordBoundary,
    /// Another ASCII word assertion: `\B`, `\<`, `\>`, `\b{start}` ...
    WordAssertion,
    /// One character, as written (case flags are not applied).
    Char(char),
    /// Any other single-position item: a class, `.`, `\d`.
    Class,
    /// A repeated item, with its least number of repetitions.
    Repeat(u32, Box<Node>),
    /// Branches, at least two.
    Alternation(Vec<Node>),
    /// Items in sequence, at least two.
    Concat(Vec<Node>),
}

/// Deepest group or repetition nesting read; regex-lite's own limit is lower.
const MAX_DEPTH: u32 = 256;

/// Reads a pattern regex-lite accepted; `None` when it cannot tell the shape.
pub(crate) fn parse(pattern: &str) -> Option<Node> {
    let mut r = Reader { rest: pattern };
    let node = r.alternation(0)?;
    r.rest.is_empty().then_some(node)
}

struct Reader<'a> {
    rest: &'a str,
}

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.rest = &self.rest[c.len_utf8()..];
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.next();
        }
        hit
    }

    /// Branches up to the end of the pattern or of the enclosing group (the
    /// `)` is left for the caller).
    fn alternation(&mut self, depth: u32) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut branches = Vec::new();
        let mut items: Vec<Node> = Vec::new();
        loop {
            match self.peek() {
                None => break,
                Some(')') if depth > 0 => break,
                Some(')') => return None,
                Some('|') => {
                    self.next();
                    branches.push(seq(std::mem::take(&mut items)));
                }
                Some('(') => {
                    self.next();
                    if let Some(node) = self.group(depth)? {
                        items.push(node);
                    }
                    if !self.eat(')') {
                        return None;
                    }
                }
                Some('[') => {
                    self.class()?;
                    items.push(Node::Class);
                }
                Some(c @ ('*' | '+' | '?')) => {
                    self.next();
                    self.eat('?');
                    repeat(&mut items, u32::from(c == '+'))?;
                }
                Some('{') => {
                    let min = self.counted()?;
                    self.eat('?');
                    repeat(&mut items, min)?;
                }
                Some('\\') => {
                    self.next();
                    items.push(self.escape()?);
                }
                Some(_) => items.push(match self.next()? {
                    '.' => Node::Class,
                    '^' | '$' => Node::Empty,
                    c => Node::Char(c),
                }),
            }
        }
        branches.push(seq(items));
        Some(if branches.len() == 1 { branches.pop()? } else { Node::Alternation(branches) })
    }

    /// After `(`: a group's contents (`Some(node)`), or a flag directive such
    /// as `(?i)` (`None`, nothing to add). The closing `)` is left.
    fn group(&mut self, depth: u32) -> Option<Option<Node>> {
        if self.eat('?') {
            if self.rest.starts_with("P<") || self.rest.starts_with('<') {
                let end = self.rest.find('>')?;
                self.rest = &self.rest[end + 1..];
            } else {
                let end = self.rest.find([':', ')'])?;
                // `x` ignores whitespace and reads `#` as a comment: give up.
                if self.rest[..end].contains('x') {
                    return None;
                }
                self.rest = &self.rest[end..];
                if self.peek() == Some(')') {
                    return Some(None);
                }
                self.next();
            }
        }
        self.alternation(depth + 1).map(Some)
    }

    /// Skips a bracketed class, from its `[` to its `]`.
    fn class(&mut self) -> Option<()> {
        self.next();
        self.eat('^');
        // A `]` first is a literal; so is any `-` first, and then a `]` closes.
        let mut dashes = false;
        while self.eat('-') {
            dashes = true;
        }
        if !dashes {
            self.eat(']');
        }
        loop {
            match self.next()? {
                ']' => return Some(()),
                '[' => {
                    // Only POSIX classes nest: `[:alpha:]`.
                    let end = self.rest.find(":]")?;
                    self.rest = &self.rest[end + 2..];
                }
                '\\' => {
                    let escaped = self.next()?;
                    if matches!(escaped, 'x' | 'u' | 'U') && self.peek() == Some('{') {
                        let end = self.rest.find('}')?;
                        self.rest = &self.rest[end + 1..];
                    }
                }
                _ => {}
            }
        }
    }

    /// `{n}`, `{n,}` or `{n,m}`, with optional spaces: the least count.
    fn counted(&mut self) -> Option<u32> {
        self.next();
        let end = self.rest.find('}')?;
        let inside = &self.rest[..end];
        self.rest = &self.rest[end + 1..];
        let (min, max) = inside.split_once(',').unwrap_or((inside, "0"));
        let max = max.trim();
        if !max.is_empty() && max.parse::<u32>().is_err() {
            return None;
        }
        min.trim().parse().ok()
    }

    /// After `\`.
    fn escape(&mut self) -> Option<Node> {
        let c = self.next()?;
        Some(match c {
            'd' | 's' | 'w' | 'D' | 'S' | 'W' => Node::Class,
            'x' | 'u' | 'U' => Node::Char(self.hex(c)?),
            'b' => {
                // `\b{start}` and friends; `\b{2}` is a repeated `\b`.
                if self.rest.starts_with('{')
                    && self.rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '-')
                {
                    let end = self.rest.find('}')?;
                    self.rest = &self.rest[end + 1..];
                    Node::WordAssertion
                } else {
                    Node::WordBoundary
                }
            }
            'B' | '<' | '>' => Node::WordAssertion,
            'A' | 'z' => Node::Empty,
            'a' => Node::Char('\x07'),
            'f' => Node::Char('\x0C'),
            't' => Node::Char('\t'),
            'n' => Node::Char('\n'),
            'r' => Node::Char('\r'),
            'v' => Node::Char('\x0B'),
            c if c.is_ascii() && !c.is_ascii_alphanumeric() => Node::Char(c),
            _ => return None,
        })
    }

    /// After `\x`, `\u` or `\U`: the character a hex escape stands for.
    fn hex(&mut self, kind: char) -> Option<char> {
        let digits = if self.eat('{') {
            let end = self.rest.find('}')?;
            let digits = &self.rest[..end];
            self.rest = &self.rest[end + 1..];
            digits
        } else {
            let n = match kind {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let digits = self.rest.get(..n)?;
            self.rest = &self.rest[n..];
            digits
        };
        char::from_u32(u32::from_str_radix(digits.trim(), 16).ok()?)
    }
}

/// Repeats the last item in place.
fn repeat(items: &mut Vec<Node>, min: u32) -> Option<()> {
    let last = items.pop()?;
    items.push(Node::Repeat(min, Box::new(last)));
    Some(())
}

fn seq(mut items: Vec<Node>) -> Node {
    match items.len() {
        0 => Node::Empty,
        1 => items.pop().unwrap_or(Node::Empty),
        _ => Node::Concat(items),
    }
}

#[cfg(test)]
mod tests {
    use super::Node::*;
    use super::*;

    #[test]
    fn reads_the_shapes_the_prefilter_needs() {
        assert_eq!(parse("ab"), Some(Concat(vec![Char('a'), Char('b')])));
        assert_eq!(parse("a|b"), Some(Alternation(vec![Char('a'), Char('b')])));
        assert_eq!(parse("ab*"), Some(Concat(vec![Char('a'), Repeat(0, Box::new(Char('b')))])));
        assert_eq!(parse("a+?"), Some(Repeat(1, Box::new(Char('a')))));
        assert_eq!(parse("a{ 2 , 3 }"), Some(Repeat(2, Box::new(Char('a')))));
        assert_eq!(parse("a{3,}?"), Some(Repeat(3, Box::new(Char('a')))));
        assert_eq!(parse("a**"), Some(Repeat(0, Box::new(Repeat(0, Box::new(Char('a')))))));
        assert_eq!(parse(r"\bx\B"), Some(Concat(vec![WordBoundary, Char('x'), WordAssertion])));
        assert_eq!(parse(r"\b{2}"), Some(Repeat(2, Box::new(WordBoundary))));
        assert_eq!(parse(r"\b{start-half}x"), Some(Concat(vec![WordAssertion, Char('x')])));
        assert_eq!(parse(r"(?i)a(?:b)(?P<n>c)(?<m>d)"), Some(Concat(vec![Char('a'), Char('b'), Char('c'), Char('d')])));
        assert_eq!(parse(r"(?i:ab)"), Some(Concat(vec![Char('a'), Char('b')])));
        assert_eq!(parse(r"()"), Some(Empty));
        assert_eq!(
            parse(r"[]a][^]b][--x][[:alpha:]\]][a\x{5D}]c"),
            Some(Concat(vec![Class, Class, Class, Class, Class, Char('c')]))
        );
        assert_eq!(parse(r"[-]]"), Some(Concat(vec![Class, Char(']')])));
        assert_eq!(parse(r"\x41\x{42}\u0043\U00000044\.\%\ "), Some(Concat("ABCD.% ".chars().map(Char).collect())));
        assert_eq!(parse(r"\d.\w^$\A\z"), Some(Concat(vec![Class, Class, Class, Empty, Empty, Empty, Empty])));
        assert_eq!(parse("订单"), Some(Concat(vec![Char('订'), Char('单')])));
    }

    #[test]
    fn gives_up_on_what_it_cannot_read() {
        assert_eq!(parse(r"(?x) a b # c"), None);
        assert_eq!(parse(r"(?ix:a b)"), None);
        assert_eq!(parse(r"a)"), None);
        assert_eq!(parse(r"(a"), None);
        assert_eq!(parse(r"*a"), None);
        assert_eq!(parse(r"\q"), None);
        assert_eq!(parse(r"[abc"), None);
        assert_eq!(parse(r"a{x}"), None);
        assert_eq!(parse(r"\xZZ"), None);
    }
}
