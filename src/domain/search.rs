//! Full-text search in Danish: words, their stems, and the snippets that show where they were found.
//!
//! PostgreSQL indexes with its own `danish` configuration; SQLite indexes the stems made here
//! ([`stems`]). Both are the Snowball Danish stemmer, so "beslutninger", "beslutningen" and
//! "beslutning" meet on both, and both leave out the same stop words ("og", "om", "af"), which
//! PostgreSQL drops from every query. Snippets are made here for both, from the text the caller may
//! see.

use rust_stemmers::{Algorithm, Stemmer};

/// The longest query searched for, in words; more are ignored.
pub const MAX_QUERY_WORDS: usize = 12;

/// The words of a text, lower-cased, with their byte ranges in it.
pub fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(move |w| {
        // The offset of the slice within `text`: `split` yields sub-slices of it.
        (w.as_ptr() as usize - text.as_ptr() as usize, w)
    })
}

fn stemmer() -> Stemmer {
    Stemmer::create(Algorithm::Danish)
}

/// The stem of one word.
pub fn stem(stemmer: &Stemmer, word: &str) -> String {
    stemmer.stem(&word.to_lowercase()).into_owned()
}

/// The stems of a text, space-separated: what SQLite's index holds for it.
pub fn stems(text: &str) -> String {
    let stemmer = stemmer();
    words(text).map(|(_, w)| stem(&stemmer, w)).collect::<Vec<_>>().join(" ")
}

/// Whether a word is too common to search for (PostgreSQL's `danish` stop words).
pub fn is_stop_word(word: &str) -> bool {
    static STOP_WORDS: std::sync::LazyLock<std::collections::HashSet<&'static str>> = std::sync::LazyLock::new(|| {
        include_str!("danish.stop").lines().filter(|line| !line.is_empty() && !line.starts_with('#')).collect()
    });
    STOP_WORDS.contains(word.to_lowercase().as_str())
}

/// The distinct stems of a query's words that are not stop words, in order, at most
/// [`MAX_QUERY_WORDS`].
pub fn query_stems(query: &str) -> Vec<String> {
    let stemmer = stemmer();
    let mut stems: Vec<String> = Vec::new();
    for (_, word) in words(query).filter(|(_, word)| !is_stop_word(word)) {
        let stem = stem(&stemmer, word);
        if !stems.contains(&stem) {
            stems.push(stem);
        }
        if stems.len() == MAX_QUERY_WORDS {
            break;
        }
    }
    stems
}

/// An FTS5 query matching every stem, in `column` if given. Stems are quoted, so that no word of a
/// query is read as FTS5 syntax.
pub fn fts5_query(stems: &[String], column: Option<&str>) -> String {
    let prefix = column.map(|c| format!("{c} : ")).unwrap_or_default();
    stems.iter().map(|s| format!("{prefix}\"{}\"", s.replace('"', ""))).collect::<Vec<_>>().join(" AND ")
}

/// How much text a snippet shows around the first match, in words each side.
const CONTEXT_WORDS: usize = 12;

/// `text`, HTML-escaped.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape(text, &mut out);
    out
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Whether `word` has one of `stems` as its stem. The Danish stemmer only ever takes letters off the
/// end of the lower-cased word, so a word that does not begin with one of the stems cannot have it:
/// most words of a text are settled without stemming them.
fn has_stem(stemmer: &Stemmer, word: &str, stems: &[String]) -> bool {
    let lower = word.to_lowercase();
    if !stems.iter().any(|s| lower.starts_with(s.as_str())) {
        return false;
    }
    let stemmed = stemmer.stem(&lower);
    stems.iter().any(|s| *s == stemmed)
}

/// A short passage of `text` around its first word whose stem is one of `stems`, HTML-escaped, with
/// every such word in `<mark>`; `None` when no word matches. Only the words up to the first match
/// and the passage after it are looked at.
pub fn snippet(text: &str, stems: &[String]) -> Option<String> {
    let stemmer = stemmer();
    let words: Vec<(usize, &str)> = words(text).collect();
    let first = words.iter().position(|(_, w)| has_stem(&stemmer, w, stems))?;
    let from = first.saturating_sub(CONTEXT_WORDS);
    let to = (first + CONTEXT_WORDS).min(words.len() - 1);
    let start = words[from].0;
    let end = words[to].0 + words[to].1.len();
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    let mut at = start;
    for (index, (offset, word)) in words.iter().enumerate().take(to + 1).skip(from) {
        escape(&text[at..*offset], &mut out);
        // Nothing before the first match matches.
        if index == first || (index > first && has_stem(&stemmer, word, stems)) {
            out.push_str("<mark>");
            escape(word, &mut out);
            out.push_str("</mark>");
        } else {
            escape(word, &mut out);
        }
        at = offset + word.len();
    }
    escape(&text[at..end], &mut out);
    if to + 1 < words.len() {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_share_a_stem() {
        let forms = ["beslutning", "beslutninger", "beslutningen", "beslutningerne"];
        let stemmed: Vec<String> = forms.iter().map(|f| stems(f)).collect();
        assert!(stemmed.iter().all(|s| *s == stemmed[0]), "{stemmed:?}");
        assert_eq!(stems("Udvalgets BESLUTNING, 2021"), format!("{} {} 2021", stems("udvalget"), stemmed[0]));
    }

    #[test]
    fn queries_are_stems_quoted_for_fts5() {
        let stems = query_stems("Beslutninger om \"budget\" OR NEAR(x) beslutning");
        // "beslutninger" and "beslutning" are one stem, "om" a stop word; the quotes and operators
        // are words like any.
        assert_eq!(stems.len(), 5, "{stems:?}");
        let query = fts5_query(&stems, Some("title"));
        assert!(query.starts_with("title : \""), "{query}");
        assert_eq!(query.matches(" AND ").count(), 4);
        assert!(query_stems("  ,.; ").is_empty());
        assert_eq!(query_stems(&"ord ".repeat(40)).len(), 1);
    }

    #[test]
    fn stop_words_are_left_out_of_queries_as_postgresql_does() {
        assert!(is_stop_word("og") && is_stop_word("Om") && is_stop_word("sådan"));
        assert!(!is_stop_word("budget"));
        assert_eq!(query_stems("budget for og af kantinen"), query_stems("budget kantinen"));
        assert!(query_stems("og om af").is_empty(), "a query of stop words alone finds nothing");
        assert_eq!(include_str!("danish.stop").lines().filter(|l| !l.starts_with('#')).count(), 94);
    }

    #[test]
    fn snippets_mark_every_form_and_escape_the_rest() {
        let stems = query_stems("beslutning");
        let text = "Udvalget <b>træffer</b> beslutninger; beslutningen & det hele.";
        let snippet = snippet(text, &stems).unwrap();
        assert_eq!(
            snippet,
            "Udvalget &lt;b&gt;træffer&lt;/b&gt; <mark>beslutninger</mark>; <mark>beslutningen</mark> &amp; det hele"
        );
        assert_eq!(super::snippet("Intet her", &stems), None);
    }

    #[test]
    fn a_stem_begins_every_word_it_is_the_stem_of() {
        // What `has_stem` relies on, over every word of both seed minutes.
        let stemmer = stemmer();
        let seeds = [
            include_str!("../../tests/fixtures/seed-2021-04-26.json"),
            include_str!("../../tests/fixtures/seed-2022-04-25.json"),
        ];
        let mut checked = 0;
        for (_, word) in seeds.iter().flat_map(|seed| words(seed)) {
            let lower = word.to_lowercase();
            assert!(lower.starts_with(stem(&stemmer, word).as_str()), "{word}");
            checked += 1;
        }
        assert!(checked > 1000, "{checked} words");
    }

    #[test]
    fn long_texts_are_cut_around_the_first_match() {
        let text = format!("{} beslutningerne {}", "før ".repeat(50), "efter ".repeat(50));
        let snippet = snippet(&text, &query_stems("beslutning")).unwrap();
        assert!(snippet.starts_with('…') && snippet.ends_with('…'), "{snippet}");
        assert_eq!(snippet.matches("før").count(), CONTEXT_WORDS);
        assert!(snippet.contains("<mark>beslutningerne</mark>"));
    }
}
