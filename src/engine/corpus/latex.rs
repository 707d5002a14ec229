//! Turns the LaTeX fragments found in scraped titles and abstracts into readable text.
//!
//! Listings copy titles like `$\textit{Trans-LoRA}$: towards …` and abstracts with inline math
//! (`$\mathcal{O}(n \log n)$`, `$\alpha$-divergence`). Researchers want to read and search the
//! words, so math delimiters and formatting commands go, Greek letters and common operators become
//! their Unicode characters, and anything unknown keeps its name without the backslash. The
//! function never fails: unbalanced `$` or braces are left as written.

/// Formatting commands whose single argument is kept as plain text.
const TEXT_COMMANDS: &[&str] = &[
    "text",
    "textit",
    "textbf",
    "textrm",
    "texttt",
    "textsf",
    "textsc",
    "textnormal",
    "emph",
    "mathrm",
    "mathbf",
    "mathit",
    "mathcal",
    "mathbb",
    "mathsf",
    "mathtt",
    "mathfrak",
    "mathscr",
    "operatorname",
    "boldsymbol",
    "bm",
    "underline",
    "mbox",
    "hbox",
    "textup",
    "texttt",
    "url",
];

/// Commands written as a single Unicode character (or short string).
const SYMBOLS: &[(&str, &str)] = &[
    ("alpha", "α"),
    ("beta", "β"),
    ("gamma", "γ"),
    ("delta", "δ"),
    ("epsilon", "ε"),
    ("varepsilon", "ε"),
    ("zeta", "ζ"),
    ("eta", "η"),
    ("theta", "θ"),
    ("vartheta", "ϑ"),
    ("iota", "ι"),
    ("kappa", "κ"),
    ("lambda", "λ"),
    ("mu", "μ"),
    ("nu", "ν"),
    ("xi", "ξ"),
    ("pi", "π"),
    ("rho", "ρ"),
    ("sigma", "σ"),
    ("tau", "τ"),
    ("upsilon", "υ"),
    ("phi", "φ"),
    ("varphi", "φ"),
    ("chi", "χ"),
    ("psi", "ψ"),
    ("omega", "ω"),
    ("Gamma", "Γ"),
    ("Delta", "Δ"),
    ("Theta", "Θ"),
    ("Lambda", "Λ"),
    ("Xi", "Ξ"),
    ("Pi", "Π"),
    ("Sigma", "Σ"),
    ("Phi", "Φ"),
    ("Psi", "Ψ"),
    ("Omega", "Ω"),
    ("cdot", "·"),
    ("times", "×"),
    ("div", "÷"),
    ("pm", "±"),
    ("mp", "∓"),
    ("leq", "≤"),
    ("le", "≤"),
    ("geq", "≥"),
    ("ge", "≥"),
    ("neq", "≠"),
    ("ne", "≠"),
    ("approx", "≈"),
    ("sim", "~"),
    ("simeq", "≃"),
    ("equiv", "≡"),
    ("propto", "∝"),
    ("infty", "∞"),
    ("to", "→"),
    ("rightarrow", "→"),
    ("leftarrow", "←"),
    ("Rightarrow", "⇒"),
    ("leftrightarrow", "↔"),
    ("mapsto", "↦"),
    ("in", "∈"),
    ("notin", "∉"),
    ("subset", "⊂"),
    ("subseteq", "⊆"),
    ("cup", "∪"),
    ("cap", "∩"),
    ("forall", "∀"),
    ("exists", "∃"),
    ("ell", "ℓ"),
    ("partial", "∂"),
    ("nabla", "∇"),
    ("sum", "∑"),
    ("prod", "∏"),
    ("int", "∫"),
    ("sqrt", "√"),
    ("ldots", "…"),
    ("cdots", "⋯"),
    ("dots", "…"),
    ("prime", "′"),
    ("langle", "⟨"),
    ("rangle", "⟩"),
    ("mid", "|"),
    ("circ", "∘"),
    ("star", "⋆"),
    ("ast", "*"),
    ("log", "log"),
    ("exp", "exp"),
    ("max", "max"),
    ("min", "min"),
    ("arg", "arg"),
    ("lfloor", "⌊"),
    ("rfloor", "⌋"),
    ("lceil", "⌈"),
    ("rceil", "⌉"),
    ("degree", "°"),
    ("ll", "≪"),
    ("gg", "≫"),
    ("top", "⊤"),
    ("perp", "⊥"),
    ("emptyset", "∅"),
    ("oplus", "⊕"),
    ("otimes", "⊗"),
    ("%", "%"),
    ("&", "&"),
    ("_", "_"),
    ("#", "#"),
    ("$", "$"),
    ("{", "{"),
    ("}", "}"),
];

/// Commands that produce nothing but spacing.
const SPACES: &[&str] = &[
    ",",
    ";",
    ":",
    "!",
    " ",
    "quad",
    "qquad",
    "left",
    "right",
    "big",
    "Big",
    "bigl",
    "bigr",
    "displaystyle",
    "textstyle",
    "limits",
];

/// Removes inline-math delimiters and LaTeX formatting from `input`, keeping its words readable.
///
/// `$\textit{Trans-LoRA}$: towards` becomes `Trans-LoRA: towards`; `$\alpha$-divergence`
/// becomes `α-divergence`; `$O(n^{2})$` becomes `O(n^2)`.
pub fn clean_markup(input: &str) -> String {
    if !input.contains(['$', '\\']) {
        return input.to_string();
    }
    let chars: Vec<char> = input.chars().collect();
    let mut out = String::with_capacity(input.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '$' {
            let double = chars.get(i + 1) == Some(&'$');
            let open = if double { 2 } else { 1 };
            if let Some(close) = find_math_close(&chars, i + open, double) {
                let inner: String = chars[i + open..close].iter().collect();
                convert(&inner, true, &mut out);
                i = close + open;
                continue;
            }
            out.push('$');
            i += 1;
            continue;
        }
        // Outside math only commands are converted; ordinary braces may be meaningful.
        let start = i;
        while i < chars.len() && chars[i] != '$' {
            i += 1;
        }
        let segment: String = chars[start..i].iter().collect();
        convert(&segment, false, &mut out);
    }
    out
}

/// Finds the `$` (or `$$`) closing a math span that opened just before `from`.
fn find_math_close(chars: &[char], from: usize, double: bool) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 2,
            '$' if !double => return (j > from).then_some(j),
            '$' if chars.get(j + 1) == Some(&'$') => return (j > from).then_some(j),
            _ => j += 1,
        }
    }
    None
}

/// Converts one span; `math` says whether braces and `~` are TeX syntax there.
fn convert(text: &str, math: bool, out: &mut String) {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => {
                let (name, next) = command_name(&chars, i + 1);
                i = next;
                if name.is_empty() {
                    continue;
                }
                if TEXT_COMMANDS.contains(&name.as_str()) || name == "frac" || name == "sqrt" {
                    let (arg, after) = braced_arg(&chars, i);
                    match arg {
                        Some(arg) if name == "frac" => {
                            let (den, after_den) = braced_arg(&chars, after);
                            convert(&arg, math, out);
                            out.push('/');
                            if let Some(den) = den {
                                convert(&den, math, out);
                            }
                            i = after_den;
                        }
                        Some(arg) => {
                            if name == "sqrt" {
                                out.push('√');
                            }
                            convert(&arg, math, out);
                            i = after;
                        }
                        None if name == "sqrt" => out.push('√'),
                        None => {}
                    }
                } else if SPACES.contains(&name.as_str()) {
                    if name == " " || name == "quad" || name == "qquad" {
                        out.push(' ');
                    }
                } else if let Some((_, sym)) = SYMBOLS.iter().find(|(n, _)| *n == name) {
                    out.push_str(sym);
                } else if math || name.chars().all(|ch| ch.is_ascii_alphabetic()) {
                    // Unknown command: keep its name so the word stays searchable.
                    out.push_str(&name);
                } else {
                    out.push('\\');
                    out.push_str(&name);
                }
            }
            '{' | '}' if math => i += 1,
            '~' if math => {
                out.push(' ');
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// Reads a command name after a backslash: a run of ASCII letters, or one other character.
fn command_name(chars: &[char], from: usize) -> (String, usize) {
    let mut j = from;
    while j < chars.len() && chars[j].is_ascii_alphabetic() {
        j += 1;
    }
    if j > from {
        return (chars[from..j].iter().collect(), j);
    }
    match chars.get(from) {
        Some(&c) => (c.to_string(), from + 1),
        None => (String::new(), from),
    }
}

/// Reads `{…}` (balanced) starting at `from`, skipping spaces; returns the inside and the index
/// after the closing brace. An unclosed brace takes the rest of the text.
fn braced_arg(chars: &[char], from: usize) -> (Option<String>, usize) {
    let mut j = from;
    while j < chars.len() && chars[j] == ' ' {
        j += 1;
    }
    if chars.get(j) != Some(&'{') {
        return (None, from);
    }
    let mut depth = 0usize;
    let start = j + 1;
    while j < chars.len() {
        match chars[j] {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return (Some(chars[start..j].iter().collect()), j + 1);
                }
            }
            '\\' => j += 1,
            _ => {}
        }
        j += 1;
    }
    (Some(chars[start.min(chars.len())..].iter().collect()), chars.len())
}

#[cfg(test)]
mod tests {
    use super::clean_markup;

    #[test]
    fn seed_title_with_textit_in_math() {
        assert_eq!(
            clean_markup(r"$\textit{Trans-LoRA}$: towards data-free Transferable Parameter Efficient Finetuning"),
            "Trans-LoRA: towards data-free Transferable Parameter Efficient Finetuning"
        );
    }

    #[test]
    fn greek_operators_and_scripts_become_readable() {
        assert_eq!(clean_markup(r"$\alpha$-divergence"), "α-divergence");
        assert_eq!(clean_markup(r"cost $\mathcal{O}(n \log n)$ time"), "cost O(n log n) time");
        assert_eq!(clean_markup(r"$O(n^{2})$"), "O(n^2)");
        assert_eq!(clean_markup(r"a $\frac{1}{2}$ share"), "a 1/2 share");
        assert_eq!(clean_markup(r"up to $4\times$ faster"), "up to 4× faster");
    }

    #[test]
    fn text_commands_outside_math_and_escapes() {
        assert_eq!(clean_markup(r"\textbf{Bold} claim of 50\% gain"), "Bold claim of 50% gain");
    }

    #[test]
    fn unbalanced_dollars_and_braces_are_left_alone() {
        assert_eq!(clean_markup("costs $5 per run"), "costs $5 per run");
        assert_eq!(clean_markup(r"broken \textit{unclosed"), "broken unclosed");
        assert_eq!(clean_markup("plain {braces} stay"), "plain {braces} stay");
        assert_eq!(clean_markup("$$"), "$$");
        assert_eq!(clean_markup("\\"), "");
    }

    #[test]
    fn seed_math_with_lost_backslashes_stays_readable() {
        // The seed's scrape lost some backslashes; the text must survive unchanged in meaning.
        let got = clean_markup("$L(s) = L_0 + Acdot S_1^{-alpha} - Ccdot S_2 Where S_1$ is");
        assert_eq!(got, "L(s) = L_0 + Acdot S_1^-alpha - Ccdot S_2 Where S_1 is");
    }
}
