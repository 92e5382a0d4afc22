//! What free text a client may store. Titles, names and labels are shown on one line in lists,
//! headings and published documents; sections are paragraphs. Neither may hold what a reader cannot
//! see but a screen or a parser acts on: control characters, and the Unicode directional embeddings,
//! overrides and isolates that make a title read differently from what it holds ("Trojan Source").
//! A required text must also show something: a title of only spaces is no title.
//!
//! The same character classes give the rule in code ([`refusal`]) and the pattern the OpenAPI
//! document states ([`pattern`]), so the two cannot disagree.

use std::ops::RangeInclusive;

/// The shape a text field has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// One line that shows something: a title, a name, a label.
    Line,
    /// Paragraphs (line breaks and tabs allowed) that may be empty: a section, a description.
    Text,
    /// Paragraphs that show something: a reason, a note.
    FilledText,
}

impl Shape {
    /// The name the OpenAPI document marks a field of this shape with (`x-text`).
    pub fn name(self) -> &'static str {
        match self {
            Shape::Line => "line",
            Shape::Text => "text",
            Shape::FilledText => "filled-text",
        }
    }

    pub fn from_name(name: &str) -> Option<Shape> {
        [Shape::Line, Shape::Text, Shape::FilledText].into_iter().find(|shape| shape.name() == name)
    }
}

/// Control characters (C0, DEL and C1) but the tab, line feed and carriage return of paragraphs.
const CONTROLS: [RangeInclusive<char>; 5] =
    ['\u{0}'..='\u{8}', '\u{B}'..='\u{C}', '\u{E}'..='\u{1F}', '\u{7F}'..='\u{9F}', '\u{FFF9}'..='\u{FFFB}'];

/// The characters that end a line, which a one-line text may not hold either.
const LINE_BREAKS: [RangeInclusive<char>; 4] = ['\t'..='\t', '\n'..='\n', '\r'..='\r', '\u{2028}'..='\u{2029}'];

/// Directional embeddings and overrides (LRE … RLO) and isolates (LRI … PDI). The marks LRM and RLM,
/// which right-to-left names legitimately carry, are allowed.
const DIRECTIONAL: [RangeInclusive<char>; 2] = ['\u{202A}'..='\u{202E}', '\u{2066}'..='\u{2069}'];

/// What shows nothing: spaces, and the zero-width characters and byte-order mark.
const BLANK: [RangeInclusive<char>; 8] = [
    ' '..=' ',
    '\u{A0}'..='\u{A0}',
    '\u{1680}'..='\u{1680}',
    '\u{180E}'..='\u{180E}',
    '\u{2000}'..='\u{200D}',
    '\u{202F}'..='\u{202F}',
    '\u{205F}'..='\u{2060}',
    '\u{3000}'..='\u{3000}',
];

const BYTE_ORDER_MARK: RangeInclusive<char> = '\u{FEFF}'..='\u{FEFF}';

fn forbidden(shape: Shape) -> Vec<RangeInclusive<char>> {
    let mut ranges: Vec<_> = CONTROLS.into_iter().chain(DIRECTIONAL).collect();
    if shape == Shape::Line {
        ranges.extend(LINE_BREAKS);
    }
    ranges
}

fn blank(shape: Shape) -> Vec<RangeInclusive<char>> {
    let mut ranges: Vec<_> = BLANK.into_iter().chain([BYTE_ORDER_MARK]).collect();
    if shape != Shape::Line {
        ranges.extend(LINE_BREAKS);
    }
    ranges
}

fn within(ranges: &[RangeInclusive<char>], c: char) -> bool {
    ranges.iter().any(|range| range.contains(&c))
}

/// Why `text` may not be stored as a field of this shape, or `None` if it may.
pub fn refusal(text: &str, shape: Shape) -> Option<&'static str> {
    let forbidden = forbidden(shape);
    if let Some(c) = text.chars().find(|&c| within(&forbidden, c)) {
        return Some(if within(&DIRECTIONAL, c) {
            "must not hold directional embeddings, overrides or isolates (U+202A–U+202E, U+2066–U+2069)"
        } else if shape == Shape::Line && within(&LINE_BREAKS, c) {
            "must be one line, without line breaks or tabs"
        } else {
            "must not hold control characters"
        });
    }
    let blank = blank(shape);
    if shape != Shape::Text && text.chars().all(|c| within(&blank, c)) {
        return Some("must show something, not only spaces");
    }
    None
}

/// The JSON Schema `pattern` (ECMA-262, also read by Python's `re` and Rust's `regex`) of the text a
/// field of this shape accepts.
pub fn pattern(shape: Shape) -> String {
    let forbidden = class(&forbidden(shape));
    match shape {
        Shape::Text => format!("^[^{forbidden}]*$"),
        Shape::Line | Shape::FilledText => {
            let shown = format!("[^{forbidden}{}]", class(&blank(shape)));
            format!("^[^{forbidden}]*{shown}[^{forbidden}]*$")
        }
    }
}

/// The members of a character class for these ranges, as `\uXXXX` escapes.
fn class(ranges: &[RangeInclusive<char>]) -> String {
    ranges
        .iter()
        .map(|range| {
            let (start, end) = (*range.start() as u32, *range.end() as u32);
            if start == end { format!("\\u{start:04X}") } else { format!("\\u{start:04X}-\\u{end:04X}") }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    const SAMPLES: [&str; 22] = [
        "Orientering",
        "Godkendelse af dagsorden",
        "  Eventuelt  ",
        "ØKONOMI – budget 2023",
        "مجلس البلدية\u{200F}",
        "",
        " ",
        "\u{A0}\u{2003}\u{200B}",
        "\u{FEFF}",
        "Tab\there",
        "Line\nbreak",
        "Line\r\nbreak",
        "Separator\u{2028}",
        "Bell\u{7}",
        "Null\u{0}",
        "Escape\u{1B}[31m",
        "C1\u{85}",
        "Evil\u{202E}txt.exe",
        "Isolate\u{2067}x\u{2069}",
        "\n\n",
        "Section\n\nwith paragraphs\tand tabs",
        "Annotation\u{FFF9}",
    ];

    #[test]
    fn titles_are_one_line_that_shows_something() {
        for ok in ["Orientering", "  Eventuelt  ", "ØKONOMI – budget 2023", "مجلس البلدية\u{200F}"] {
            assert_eq!(refusal(ok, Shape::Line), None, "{ok:?}");
        }
        for bad in ["", " ", "\u{A0}\u{2003}\u{200B}", "Tab\there", "Line\nbreak", "Separator\u{2028}", "Bell\u{7}"] {
            assert!(refusal(bad, Shape::Line).is_some(), "{bad:?}");
        }
        assert_eq!(
            refusal("Evil\u{202E}txt.exe", Shape::Line),
            Some("must not hold directional embeddings, overrides or isolates (U+202A–U+202E, U+2066–U+2069)")
        );
    }

    #[test]
    fn sections_are_paragraphs_without_controls() {
        assert_eq!(refusal("Section\n\nwith paragraphs\tand tabs", Shape::Text), None);
        assert_eq!(refusal("", Shape::Text), None);
        assert_eq!(refusal("\n\n", Shape::Text), None);
        assert_eq!(refusal("\n\n", Shape::FilledText), Some("must show something, not only spaces"));
        assert_eq!(refusal("Escape\u{1B}[31m", Shape::Text), Some("must not hold control characters"));
        assert!(refusal("Isolate\u{2067}x\u{2069}", Shape::Text).is_some());
    }

    /// The pattern the document states accepts exactly what the service accepts.
    #[test]
    fn the_pattern_agrees_with_the_rule() {
        for shape in [Shape::Line, Shape::Text, Shape::FilledText] {
            let pattern = Regex::new(&pattern(shape)).expect("a valid pattern");
            for sample in SAMPLES {
                assert_eq!(pattern.is_match(sample), refusal(sample, shape).is_none(), "{shape:?} {sample:?}");
            }
            assert_eq!(Shape::from_name(shape.name()), Some(shape));
        }
    }
}
