//! The query language, parsed into a small syntax tree. Parsing never fails: anything that is
//! not syntax is a word, and over-long input is cut with a notice.
//!
//! ```text
//! query   = item*
//! item    = clause | "OR"
//! clause  = ["-"] [scope ":"] (phrase | word)
//! scope   = title | abstract | author | cat        (also: authors, category)
//! phrase  = '"' words '"'                          (an unclosed quote runs to the end)
//! word    = any run without spaces or quotes; a trailing '*' makes it a wildcard; '*' or '?'
//!           inside make it a pattern over the vocabulary (`prun*`, `optimi?ation`)
//! ```
//!
//! `a OR b` joins the clauses on both sides into one group: a paper needs one of them. Without
//! OR, every clause is its own group; papers matching every group rank first. `-clause`
//! excludes papers that match it. `cat:` filters by category (`cat:cs.CL`, `cat:cs.*`).

/// Longest query text considered, in characters.
pub const MAX_QUERY_CHARS: usize = 400;
/// Most clauses considered.
pub const MAX_CLAUSES: usize = 24;

/// Where a clause must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Any text field.
    All,
    /// Titles only.
    Title,
    /// Abstracts only.
    Abstract,
    /// Author names only.
    Author,
}

/// What a clause looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClauseKind {
    /// A word as typed. `prefix` when it may be completed (the word being typed, or `word*`).
    Word {
        /// The word as typed (without a trailing `*`).
        text: String,
        /// Whether completions of the word match too.
        prefix: bool,
    },
    /// A wildcard pattern with `*` or `?` inside.
    Pattern(String),
    /// An exact phrase (the words between quotes).
    Phrase(String),
    /// A category filter (`cat:`), matched against category codes.
    Category(String),
}

/// One clause of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// What to look for.
    pub kind: ClauseKind,
    /// Where.
    pub scope: Scope,
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Groups of alternatives: a paper matches a group when it matches one of its clauses.
    pub groups: Vec<Vec<Clause>>,
    /// Clauses whose matches are removed.
    pub excluded: Vec<Clause>,
    /// Category filters from `cat:` (a paper needs one of them).
    pub categories: Vec<String>,
    /// Whether the text or the clause list was cut.
    pub truncated: bool,
}

impl Query {
    /// Whether the query has nothing to match (an empty query lists everything).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// Parses `input`. With `as_you_type`, the last word (when the input does not end in a space)
/// is a prefix.
pub fn parse(input: &str, as_you_type: bool) -> Query {
    let mut query = Query::default();
    let text: String = if input.chars().count() > MAX_QUERY_CHARS {
        query.truncated = true;
        input.chars().take(MAX_QUERY_CHARS).collect()
    } else {
        input.to_string()
    };
    let ends_open = !text.ends_with(char::is_whitespace);

    // First pass: raw items with their flags.
    enum Item {
        Or,
        Clause { negated: bool, clause: Clause, last_word: bool },
    }
    let mut items: Vec<Item> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut negated = false;
        if chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace() && *c != '-') {
            negated = true;
            i += 1;
        }
        // Optional scope.
        let mut scope = Scope::All;
        let mut is_cat = false;
        let word_end = chars[i..].iter().position(|c| c.is_whitespace() || *c == '"').map_or(chars.len(), |p| i + p);
        if let Some(colon) = chars[i..word_end].iter().position(|&c| c == ':') {
            let name = crate::engine::text::lower_case(&chars[i..i + colon].iter().collect::<String>());
            let known = match name.as_str() {
                "title" => Some(Scope::Title),
                "abstract" | "abs" => Some(Scope::Abstract),
                "author" | "authors" | "by" => Some(Scope::Author),
                "cat" | "category" => {
                    is_cat = true;
                    Some(Scope::All)
                }
                _ => None,
            };
            if let Some(s) = known {
                scope = s;
                i += colon + 1;
            }
        }
        if chars.get(i) == Some(&'"') {
            let close = chars[i + 1..].iter().position(|&c| c == '"').map(|p| i + 1 + p);
            let end = close.unwrap_or(chars.len());
            let phrase: String = chars[i + 1..end].iter().collect();
            i = close.map_or(chars.len(), |c| c + 1);
            if phrase.trim().is_empty() {
                continue;
            }
            let kind =
                if is_cat { ClauseKind::Category(phrase.trim().to_string()) } else { ClauseKind::Phrase(phrase) };
            items.push(Item::Clause { negated, clause: Clause { kind, scope }, last_word: false });
            continue;
        }
        let end = chars[i..].iter().position(|c| c.is_whitespace() || *c == '"').map_or(chars.len(), |p| i + p);
        let word: String = chars[i..end].iter().collect();
        let at_end = end == chars.len();
        i = end.max(start + 1);
        if !word.chars().any(char::is_alphanumeric) {
            // Punctuation alone ("-", "**", "&") searches nothing.
            continue;
        }
        if word == "OR" && !negated && scope == Scope::All && !is_cat {
            items.push(Item::Or);
            continue;
        }
        let kind = if is_cat {
            ClauseKind::Category(word)
        } else if let Some(stem) = word.strip_suffix('*').filter(|s| !s.contains(['*', '?'])) {
            if stem.chars().any(char::is_alphanumeric) {
                ClauseKind::Word { text: stem.to_string(), prefix: true }
            } else {
                continue;
            }
        } else if word.contains(['*', '?']) && word.chars().any(char::is_alphanumeric) {
            ClauseKind::Pattern(word)
        } else {
            ClauseKind::Word { text: word, prefix: false }
        };
        items.push(Item::Clause { negated, clause: Clause { kind, scope }, last_word: at_end && ends_open });
    }

    // Second pass: OR joins neighbours; negations and categories go aside.
    let mut join_next = false;
    let mut clause_count = 0usize;
    for item in items {
        match item {
            Item::Or => join_next = !query.groups.is_empty(),
            Item::Clause { negated, mut clause, last_word } => {
                clause_count += 1;
                if clause_count > MAX_CLAUSES {
                    query.truncated = true;
                    break;
                }
                if as_you_type && last_word {
                    if let ClauseKind::Word { prefix, .. } = &mut clause.kind {
                        *prefix = true;
                    }
                }
                if let ClauseKind::Category(c) = &clause.kind {
                    if !negated {
                        query.categories.push(c.clone());
                        join_next = false;
                        continue;
                    }
                }
                if negated {
                    query.excluded.push(clause);
                    join_next = false;
                } else if join_next {
                    query.groups.last_mut().expect("join_next implies a group").push(clause);
                    join_next = false;
                } else {
                    query.groups.push(vec![clause]);
                }
            }
        }
    }
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, prefix: bool) -> Clause {
        Clause { kind: ClauseKind::Word { text: text.into(), prefix }, scope: Scope::All }
    }

    #[test]
    fn free_words_and_as_you_type_prefix() {
        let q = parse("scaling laws", true);
        assert_eq!(q.groups, vec![vec![word("scaling", false)], vec![word("laws", true)]]);
        let q = parse("scaling laws ", true);
        assert_eq!(q.groups[1], vec![word("laws", false)], "a trailing space ends the word");
        let q = parse("scaling laws", false);
        assert_eq!(q.groups[1], vec![word("laws", false)]);
    }

    #[test]
    fn phrases_scopes_exclusion_or_and_categories() {
        let q = parse(r#""scaling laws" title:lora -vision a OR b cat:cs.CL author:"Tri Dao""#, false);
        assert_eq!(q.groups.len(), 4);
        assert_eq!(q.groups[0][0].kind, ClauseKind::Phrase("scaling laws".into()));
        assert_eq!(
            q.groups[1][0],
            Clause { kind: ClauseKind::Word { text: "lora".into(), prefix: false }, scope: Scope::Title }
        );
        assert_eq!(q.groups[2], vec![word("a", false), word("b", false)]);
        assert_eq!(q.groups[3][0], Clause { kind: ClauseKind::Phrase("Tri Dao".into()), scope: Scope::Author });
        assert_eq!(q.excluded, vec![word("vision", false)]);
        assert_eq!(q.categories, vec!["cs.CL".to_string()]);
    }

    #[test]
    fn wildcards_and_patterns() {
        let q = parse("prun* optimi?ation", false);
        assert_eq!(q.groups[0][0].kind, ClauseKind::Word { text: "prun".into(), prefix: true });
        assert_eq!(q.groups[1][0].kind, ClauseKind::Pattern("optimi?ation".into()));
        assert!(parse("* ** -", false).is_empty());
    }

    #[test]
    fn unknown_scopes_are_words_and_hyphens_are_not_negation() {
        let q = parse("http://x pre-training - x", false);
        assert_eq!(q.groups[0], vec![word("http://x", false)]);
        assert_eq!(q.groups[1], vec![word("pre-training", false)]);
        assert!(q.excluded.is_empty());
    }

    #[test]
    fn bounds() {
        let long = "word ".repeat(200);
        let q = parse(&long, false);
        assert!(q.truncated);
        assert_eq!(q.groups.len(), MAX_CLAUSES);
        assert!(parse(&"x".repeat(10_000), false).truncated);
        assert!(!parse("OR OR", false).truncated);
        assert!(parse("OR OR", false).is_empty());
        assert!(parse("\"", false).is_empty());
    }
}
