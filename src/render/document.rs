//! A published agenda or minutes as people read it, in the shape of the seed documents: the
//! heading "Referat Direktionen d. 25-04-2022", date, place and participants, a table of contents,
//! then "Punkt N: title" with its sections, and a closed item as "Lukket: title" (or "Lukket punkt"
//! where the title is withheld) with its legal basis and the decision as far as it is public.
//!
//! The document is rendered as the reader may see it (see `Document::as_seen_by`): what is not in it
//! cannot be rendered. Titles and names are plain text and are escaped; the sections are Markdown
//! (CommonMark), rendered to HTML without raw HTML, scripts or images.

use askama::Template;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::danish;
use crate::domain::agenda::AgendaSection;
use crate::domain::closing::{LegalBasis, WITHHELD_TITLE};
use crate::domain::document::{Document, DocumentEntry, DocumentItem, DocumentPosition, DocumentRouteStep};
use crate::domain::lifecycle::number_ranges;
use crate::domain::protocol::{RaisedBy, Stance, joined, with_party};

/// Where an attachment of the rendered version is downloaded, by attachment id.
pub type AttachmentLink<'a> = &'a dyn Fn(i64) -> String;

/// The document laid out, shared by the Markdown and the HTML rendering.
struct Page {
    title: String,
    /// An extraordinary meeting (ekstraordinært møde).
    extraordinary: bool,
    when: String,
    location: Option<String>,
    participants: String,
    /// For a correction: "Version 2, rettet den 26-04-2022 kl. 10:15: <reason>".
    version: Option<String>,
    items: Vec<PageItem>,
    /// Minutes: "Jan Lysgaard Thomsen, 26-04-2022 kl. 10:15".
    signed: Vec<String>,
}

struct PageItem {
    /// The agenda section this item opens: "Til behandling – for åbne døre".
    opens_section: Option<String>,
    anchor: String,
    /// "Decentrale direktionsmøder" or "Lukket: Status, Økonomiudvalget".
    toc: String,
    /// "Punkt 1: Decentrale direktionsmøder".
    heading: String,
    /// Added after the agenda was first published (tillægsdagsorden).
    supplementary: bool,
    /// "Sagsnr.: 22-003462 J.nr.: 00.22.04 Dokumentnr.: …".
    references: Option<String>,
    /// "Malene Goth deltager i behandlingen af punktet."
    attendance: Vec<String>,
    sections: Vec<Section>,
    attachments: Vec<(String, String)>,
}

struct Section {
    heading: &'static str,
    /// 3 for a section of the item, 4 for a part of its case presentation.
    level: usize,
    markdown: String,
}

fn references(item: &DocumentItem) -> Option<String> {
    let parts: Vec<String> =
        [("Sagsnr.", &item.case_number), ("J.nr.", &item.journal_number), ("Dokumentnr.", &item.document_number)]
            .into_iter()
            .filter_map(|(label, value)| value.as_ref().map(|v| format!("{label}: {v}")))
            .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// The free text, then the amounts as a table.
fn financial_consequences(item: &DocumentItem) -> Option<String> {
    let mut parts: Vec<String> = item.financial_consequences.iter().cloned().collect();
    if !item.amounts.is_empty() {
        let mut table = String::from("| Post | Art | Beløb |\n| --- | --- | ---: |\n");
        for amount in &item.amounts {
            let mut kind = format!(
                "{}, {}",
                danish::amount_kind(amount.kind),
                danish::recurrence(amount.recurrence).to_lowercase()
            );
            if let Some(year) = amount.price_year {
                kind.push_str(&format!(" ({year}-priser)"));
            }
            let label = amount.label.replace('|', "\\|").replace(['\n', '\r'], " ");
            table.push_str(&format!("| {label} | {kind} | {} |\n", danish::kroner(amount.amount_ore)));
        }
        parts.push(table);
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// The decision, then each vote as minutes write it ("For stemte: A, V og O (9). Imod stemte: Ø (2).")
/// and the dissents entered against them.
fn decision(item: &DocumentItem) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    if let Some(decision) = &item.decision {
        parts.extend(decision.text.clone().or_else(|| decision.outcome.map(|o| danish::outcome(o).to_owned())));
    }
    for vote in &item.votes {
        let subject = danish::vote_subject(vote.subject);
        parts.push(format!("{subject}: {}", escape_markdown(&vote.motion)));
        let mut line = Vec::new();
        for stance in [Stance::For, Stance::Against, Stance::Abstain] {
            let here: Vec<&DocumentPosition> = vote.positions.iter().filter(|p| p.stance == stance).collect();
            if here.is_empty() {
                continue;
            }
            let labels: Vec<String> = here.iter().map(|p| escape_markdown(&position_label(p))).collect();
            let count: i32 = here.iter().map(|p| p.count).sum();
            line.push(format!("{}: {} ({count}).", danish::stance(stance), joined(&labels)));
        }
        parts.push(line.join(" "));
        parts.push(format!("{subject} blev {}.", danish::vote_result(vote.result)));
    }
    for dissent in &item.dissents {
        let who = escape_markdown(&with_party(&dissent.name, dissent.party.as_deref()));
        parts.push(format!("Mindretalsudtalelse fra {who}: {}", escape_markdown(&dissent.text)));
    }
    for referral in &item.referrals {
        let who = escape_markdown(&with_party(&referral.name, referral.party.as_deref()));
        parts.push(format!("{who} begærede sagen indbragt for kommunalbestyrelsen, jf. kommunestyrelseslovens § 23."));
        parts.extend(referral.note.as_deref().map(escape_markdown));
    }
    let overridden = item.decision.as_ref().and_then(|d| d.quorum_override.as_deref());
    if let (Some(quorum), Some(reason)) = (item.quorum, overridden) {
        parts.push(format!(
            "Udvalget var ikke beslutningsdygtigt under punktet ({} af {} medlemmer deltog). Beslutningen er ført \
             til protokol med begrundelsen: {}",
            quorum.present,
            quorum.members,
            escape_markdown(reason)
        ));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// The earlier bodies' decisions on the case: "Beslutning i Økonomiudvalget den 08-08-2022:
/// Godkendt."
fn earlier_decisions(item: &DocumentItem) -> Option<String> {
    let lines: Vec<String> = item
        .earlier_decisions
        .iter()
        .map(|earlier| {
            let decided = earlier.text.clone().or_else(|| earlier.outcome.map(|o| danish::outcome(o).to_owned()));
            let body = escape_markdown(&earlier.committee);
            format!("**Beslutning i {body} den {}:** {}", danish::date(&earlier.date), decided.unwrap_or_default())
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n\n"))
}

/// Each disqualification as the minutes record it (§ 14): who raised it, the ruling, whether the
/// member left the room, and the substitute called in.
fn disqualifications(item: &DocumentItem) -> Option<String> {
    let parts: Vec<String> =
        item.exclusions
            .iter()
            .map(|e| {
                let who = escape_markdown(&with_party(&e.name, e.party.as_deref()));
                let mut lines = vec![match e.raised_by {
                    Some(RaisedBy::Member) => format!("{who} erklærede sig inhabil."),
                    Some(RaisedBy::Committee) => format!("Udvalget behandlede spørgsmålet om {who}s habilitet."),
                    None => format!("{who} var inhabil."),
                }];
                lines.extend(e.ruling.as_deref().map(escape_markdown));
                match e.left_room {
                    Some(true) => {
                        lines.push(format!("{} forlod mødet under behandlingen af punktet.", escape_markdown(&e.name)))
                    }
                    Some(false) => lines
                        .push(format!("{} forlod ikke mødet under behandlingen af punktet.", escape_markdown(&e.name))),
                    None => {}
                }
                if let Some(substitute) = &e.substitute {
                    lines.push(format!("{} deltog som stedfortræder.", escape_markdown(substitute)));
                }
                lines.join(" ")
            })
            .collect();
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

/// A participant by name and party (roll call), a party group by its letter.
fn position_label(position: &DocumentPosition) -> String {
    match &position.name {
        Some(name) => with_party(name, position.party.as_deref()),
        None => position.party.clone().unwrap_or_default(),
    }
}

/// Why a closed item is closed: "Punktet behandles for lukkede døre, jf. Offentlighedsloven § 30,
/// nr. 1." with the grounds, for those who read them.
fn closing(closed: bool, basis: Option<LegalBasis>, grounds: Option<&str>) -> Option<String> {
    if !closed {
        return None;
    }
    let mut text = match basis.and_then(LegalBasis::citation) {
        Some(citation) => format!("Punktet behandles for lukkede døre, jf. {citation}."),
        None => "Punktet behandles for lukkede døre.".to_owned(),
    };
    if let Some(grounds) = grounds {
        text.push_str(&format!(" Begrundelse: {}", escape_markdown(grounds)));
    }
    Some(text)
}

/// The case's route: "Udvalget for Klima og Miljø, Økonomiudvalget, Byrådet (1. behandling) og Byrådet
/// (2. behandling). Sagen afgøres i Byrådet."
fn route(item: &DocumentItem) -> Option<String> {
    let named = |step: &DocumentRouteStep| {
        let body = escape_markdown(step.committee.as_deref()?);
        Some(match step.reading {
            Some(reading) => format!("{body} ({reading}. behandling)"),
            None => body,
        })
    };
    let steps: Vec<String> = item.route.iter().filter_map(named).collect();
    if steps.is_empty() {
        return None;
    }
    let mut text = format!("{}.", joined(&steps));
    if let Some(decides) = item.route.iter().find(|s| s.decides).and_then(named) {
        text.push_str(&format!(" Sagen afgøres i {decides}."));
    }
    Some(text)
}

/// For those who read a closed item in full: what the public reads of its decision, and from when.
fn public_decision(item: &DocumentItem) -> Option<String> {
    let decision = item.decision.as_ref()?;
    let text = decision.public_text.clone()?;
    Some(match decision.public_from {
        Some(day) => format!("Offentliggøres fra {}: {text}", day.format("%d-%m-%Y")),
        None => text,
    })
}

fn sections(item: &DocumentItem) -> Vec<Section> {
    let mut sections = Vec::new();
    let mut add = |heading, level, text: Option<String>| {
        if let Some(markdown) = text.filter(|t| !t.trim().is_empty()) {
            sections.push(Section { heading, level, markdown });
        }
    };
    let withheld = item.title_withheld.then(|| "Titlen offentliggøres ikke.".to_owned());
    let closed = closing(item.closed, item.legal_basis, item.closed_grounds.as_deref());
    add(
        "Lukket punkt",
        3,
        closed.map(|text| match withheld {
            Some(withheld) => format!("{text} {withheld}"),
            None => text,
        }),
    );
    add("Sagsgang", 3, route(item));
    add("Sagens forløb", 3, earlier_decisions(item));
    add("Inhabilitet", 3, disqualifications(item));
    add("Beslutning", 3, decision(item));
    add("Offentliggjort beslutning", 3, public_decision(item));
    add("Sagstype", 4, item.case_type.map(|t| danish::case_type(t).to_owned()));
    add("Resume og sagens baggrund", 4, item.summary.clone());
    add("Indstillinger", 4, item.recommendation.clone());
    add("Behandling", 4, item.handled_by.clone());
    add("Sagsfremstilling", 4, item.presentation.clone());
    add("Økonomiske konsekvenser", 3, financial_consequences(item));
    // The case presentation's parts stand under one heading, as in the minutes.
    if let Some(first) = sections.iter().position(|s| s.level == 4) {
        sections.insert(first, Section { heading: "Sagsfremstilling", level: 3, markdown: String::new() });
    }
    sections
}

fn page(document: &Document, attachment_link: AttachmentLink<'_>) -> Page {
    let meeting = &document.meeting;
    let absences = document.absences_by_participant();
    let participants = document
        .participants
        .iter()
        .map(|p| {
            let mut notes: Vec<String> = danish::absence(p.attendance).map(str::to_owned).into_iter().collect();
            if let Some(member) = p.substitute_for.and_then(|id| document.participants.iter().find(|m| m.id == id)) {
                notes.push(format!("stedfortræder for {}", member.name));
            }
            if let Some(numbers) = absences.get(&p.id) {
                notes.push(format!("deltog ikke under punkt {}", number_ranges(numbers)));
            }
            if let Some(number) = p.arrived_at_item {
                notes.push(format!("ankom under punkt {number}"));
            }
            if let Some(number) = p.left_after_item {
                notes.push(format!("forlod mødet efter punkt {number}"));
            }
            let name = with_party(&p.name, p.party.as_deref());
            if notes.is_empty() { name } else { format!("{name} ({})", notes.join(", ")) }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let items = document
        .items
        .iter()
        .map(|entry| {
            let number = entry.number();
            let toc = match entry {
                DocumentEntry::TitleOnly(closed) if closed.title == WITHHELD_TITLE => WITHHELD_TITLE.to_owned(),
                _ if entry_closed(entry) => format!("Lukket: {}", entry.title()),
                _ => entry.title().to_owned(),
            };
            let mut item = PageItem {
                opens_section: None,
                anchor: format!("punkt-{number}"),
                heading: format!("Punkt {number}: {toc}"),
                toc,
                supplementary: entry.full().is_some_and(|item| item.supplementary),
                references: None,
                attendance: Vec::new(),
                sections: Vec::new(),
                attachments: Vec::new(),
            };
            if let DocumentEntry::Full(full) = entry {
                item.references = references(full);
                item.attendance = full
                    .guests
                    .iter()
                    .map(|g| match &g.note {
                        Some(note) => format!("{} ({note}) deltager i behandlingen af punktet.", g.name),
                        None => format!("{} deltager i behandlingen af punktet.", g.name),
                    })
                    .chain(full.absent.iter().map(|a| format!("{} deltog ikke i behandlingen af punktet.", a.name)))
                    .collect();
                item.sections = sections(full);
                item.attachments = full.attachments.iter().map(|a| (a.title.clone(), attachment_link(a.id))).collect();
            }
            if let DocumentEntry::TitleOnly(closed) = entry {
                let basis = closing(true, closed.legal_basis, None);
                item.sections.extend(basis.map(|markdown| Section { heading: "Lukket punkt", level: 3, markdown }));
                item.sections.extend(closed.public_decision.as_ref().map(|text| Section {
                    heading: "Beslutning",
                    level: 3,
                    markdown: text.clone(),
                }));
            }
            item
        })
        .collect();
    let mut items: Vec<PageItem> = items;
    for (item, opens) in items.iter_mut().zip(section_openings(&document.items)) {
        item.opens_section = opens;
    }
    Page {
        title: format!(
            "{} {} d. {}",
            danish::document_kind(document.kind),
            meeting.committee.name,
            danish::date(&meeting.starts_at)
        ),
        extraordinary: meeting.extraordinary,
        when: danish::meeting_time(&meeting.starts_at, meeting.ends_at.as_ref()),
        location: meeting.location.clone(),
        participants,
        version: (document.number > 1).then(|| {
            let at = danish::date_time(&document.published_at);
            match &document.reason {
                Some(reason) => format!("Version {}, rettet den {at}: {reason}", document.number),
                None => format!("Version {}, rettet den {at}", document.number),
            }
        }),
        items,
        signed: document.signed_by.iter().map(|s| format!("{}, {}", s.name, danish::date_time(&s.signed_at))).collect(),
    }
}

/// An entry's place in the conventional order: closed or not, and its section where it is shown.
fn rank(entry: &DocumentEntry) -> (bool, Option<AgendaSection>) {
    match entry {
        DocumentEntry::Full(item) => (item.closed, item.section),
        DocumentEntry::TitleOnly(_) => (true, None),
    }
}

/// The heading of an entry's section: "Til behandling – for åbne døre", "Eventuelt", "For lukkede
/// døre" for a closed item shown as its title.
fn section_heading(entry: &DocumentEntry) -> Option<String> {
    match rank(entry) {
        (false, Some(section @ (AgendaSection::ForDecision | AgendaSection::ForInformation))) => {
            Some(format!("{} – for åbne døre", section.heading()))
        }
        (false, Some(section)) => Some(section.heading().to_owned()),
        (true, Some(section)) => Some(format!("{} – for lukkede døre", section.heading())),
        (true, None) => Some("For lukkede døre".to_owned()),
        (false, None) => None,
    }
}

/// Where the sections begin: headings are shown when the agenda follows the conventional order
/// (open items before closed ones, the sections in order) and has more than one section; an agenda
/// in an order of its own is shown as ordered, without them.
fn section_openings(entries: &[DocumentEntry]) -> Vec<Option<String>> {
    let in_order = entries.windows(2).all(|pair| {
        let ((closed_a, section_a), (closed_b, section_b)) = (rank(&pair[0]), rank(&pair[1]));
        (!closed_a && closed_b)
            || (closed_a == closed_b && (section_a.is_none() || section_b.is_none() || section_a <= section_b))
    });
    let headings: Vec<Option<String>> = entries.iter().map(section_heading).collect();
    let distinct = headings.iter().flatten().collect::<std::collections::BTreeSet<_>>().len();
    if !in_order || distinct < 2 || headings.iter().any(Option::is_none) {
        return vec![None; entries.len()];
    }
    let mut previous: Option<&String> = None;
    headings
        .iter()
        .map(|heading| {
            let opens = heading.as_ref().filter(|h| previous != Some(*h)).cloned();
            previous = heading.as_ref();
            opens
        })
        .collect()
}

fn entry_closed(entry: &DocumentEntry) -> bool {
    match entry {
        DocumentEntry::Full(item) => item.closed,
        DocumentEntry::TitleOnly(item) => item.closed,
    }
}

/// Plain text as Markdown inline text: the characters that would start markup are escaped.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// The document as Markdown.
pub fn markdown(document: &Document, attachment_link: AttachmentLink<'_>) -> String {
    let page = page(document, attachment_link);
    let mut out = String::new();
    let mut line = |text: String| {
        out.push_str(&text);
        out.push_str("\n\n");
    };
    line(format!("# {}", escape_markdown(&page.title)));
    if page.extraordinary {
        line("**Ekstraordinært møde**".into());
    }
    line(format!("**Mødedato** {}", page.when));
    if let Some(location) = &page.location {
        line(format!("**Mødested** {}", escape_markdown(location)));
    }
    if !page.participants.is_empty() {
        line(format!("**Mødedeltagere** {}", escape_markdown(&page.participants)));
    }
    if let Some(version) = &page.version {
        line(format!("*{}*", escape_markdown(version)));
    }
    line("## Indholdsfortegnelse".into());
    let toc: Vec<String> =
        page.items.iter().map(|i| format!("- [{}](#{})", escape_markdown(&i.toc), i.anchor)).collect();
    if !toc.is_empty() {
        line(toc.join("\n"));
    }
    for item in &page.items {
        if let Some(section) = &item.opens_section {
            line(format!("**{}**", escape_markdown(section)));
        }
        line(format!("## {}", escape_markdown(&item.heading)));
        if item.supplementary {
            line("*Punkt på tillægsdagsorden*".into());
        }
        if let Some(references) = &item.references {
            line(escape_markdown(references));
        }
        for attendance in &item.attendance {
            line(escape_markdown(attendance));
        }
        for section in &item.sections {
            line(format!("{} {}", "#".repeat(section.level), section.heading));
            if !section.markdown.is_empty() {
                line(section_markdown(&section.markdown, section.level).trim().to_owned());
            }
        }
        if !item.attachments.is_empty() {
            line("### Bilag".into());
            let list: Vec<String> =
                item.attachments.iter().map(|(title, url)| format!("- [{}]({url})", escape_markdown(title))).collect();
            line(list.join("\n"));
        }
    }
    if !page.signed.is_empty() {
        line("## Godkendt af".into());
        line(page.signed.iter().map(|s| format!("- {}", escape_markdown(s))).collect::<Vec<_>>().join("\n"));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || lower.starts_with('#')
}

fn shifted(level: HeadingLevel, by: usize) -> HeadingLevel {
    let shifted = (level as usize + by).min(6);
    HeadingLevel::try_from(shifted).unwrap_or(HeadingLevel::H6)
}

/// The Markdown a section's text is read as.
const MARKDOWN: Options = Options::ENABLE_TABLES.union(Options::ENABLE_STRIKETHROUGH);

/// A section's Markdown, made safe to render anywhere: raw HTML becomes text, links go to the web
/// or mail only, images become their description, and headings sit below the section's own.
fn safe_events(markdown: &str, heading_offset: usize) -> impl Iterator<Item = Event<'_>> {
    Parser::new_ext(markdown, MARKDOWN).map(move |event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        // A block of HTML is a paragraph of its text.
        Event::Start(Tag::HtmlBlock) => Event::Start(Tag::Paragraph),
        Event::End(TagEnd::HtmlBlock) => Event::End(TagEnd::Paragraph),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let dest_url = if safe_link(&dest_url) { dest_url } else { CowStr::Borrowed("#") };
            Event::Start(Tag::Link { link_type, dest_url, title, id })
        }
        Event::Start(Tag::Image { .. }) => Event::Start(Tag::Emphasis),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Emphasis),
        Event::Start(Tag::Heading { level, id, classes, attrs }) => {
            Event::Start(Tag::Heading { level: shifted(level, heading_offset), id, classes, attrs })
        }
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shifted(level, heading_offset))),
        other => other,
    })
}

/// A section's Markdown as HTML, made safe (see [`safe_events`]).
pub fn section_html(markdown: &str, heading_offset: usize) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, safe_events(markdown, heading_offset));
    html
}

/// A section's Markdown as Markdown again, made safe (see [`safe_events`]): whatever renders the
/// published Markdown (a municipality's website) gets no HTML, script or image from it.
pub fn section_markdown(markdown: &str, heading_offset: usize) -> String {
    let mut out = String::new();
    if pulldown_cmark_to_cmark::cmark(safe_events(markdown, heading_offset), &mut out, MARKDOWN).is_err() {
        // The writer refuses only event streams no parser makes; fall back to the text, escaped.
        return escape_markdown(markdown);
    }
    out
}

struct HtmlSection {
    heading: &'static str,
    level: usize,
    html: String,
}

struct HtmlItem<'a> {
    item: &'a PageItem,
    sections: Vec<HtmlSection>,
}

#[derive(Template)]
#[template(path = "document.html")]
struct HtmlDocument<'a> {
    page: &'a Page,
    items: Vec<HtmlItem<'a>>,
}

/// The document as a standalone, print-friendly HTML page.
pub fn html(document: &Document, attachment_link: AttachmentLink<'_>) -> Result<String, askama::Error> {
    let page = page(document, attachment_link);
    let items = page
        .items
        .iter()
        .map(|item| HtmlItem {
            item,
            sections: item
                .sections
                .iter()
                .map(|s| HtmlSection { heading: s.heading, level: s.level, html: section_html(&s.markdown, s.level) })
                .collect(),
        })
        .collect();
    HtmlDocument { page: &page, items }.render()
}

/// One item's decision extract (beslutningsudskrift) as Markdown: the body and meeting, the item
/// with its case references, and its decision labelled by body and date, with the votes, dissents
/// and protocol entries the minutes hold. `document` holds the item alone (see
/// `service::published::decision_extract`).
pub fn extract_markdown(document: &Document) -> String {
    let meeting = &document.meeting;
    let body = escape_markdown(&meeting.committee.name);
    let mut out = vec![
        "# Beslutningsudskrift".to_owned(),
        format!("**{body}**, {}", danish::meeting_time(&meeting.starts_at, meeting.ends_at.as_ref())),
        format!(
            "Fra referatet, version {}, offentliggjort {}",
            document.number,
            danish::date_time(&document.published_at)
        ),
    ];
    for item in document.items.iter().filter_map(DocumentEntry::full) {
        out.push(format!("## Punkt {}: {}", item.number, escape_markdown(&item.title)));
        out.extend(references(item).map(|r| escape_markdown(&r)));
        if let Some(text) = disqualifications(item) {
            out.push("### Inhabilitet".into());
            out.push(section_markdown(&text, 3).trim().to_owned());
        }
        out.push(format!("### Beslutning i {body} den {}", danish::date(&meeting.starts_at)));
        out.push(decision(item).map_or_else(
            || "Der er ikke ført en beslutning til protokol.".into(),
            |text| section_markdown(&text, 3).trim().to_owned(),
        ));
    }
    let mut text = out.join("\n\n");
    text.push('\n');
    text
}

#[derive(Template)]
#[template(path = "extract.html")]
struct HtmlExtract<'a> {
    title: &'a str,
    body: String,
}

/// One item's decision extract as a standalone HTML page (see [`extract_markdown`]).
pub fn extract_html(document: &Document) -> Result<String, askama::Error> {
    let title = format!(
        "Beslutningsudskrift, {} d. {}",
        document.meeting.committee.name,
        danish::date(&document.meeting.starts_at)
    );
    HtmlExtract { title: &title, body: section_html(&extract_markdown(document), 0) }.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_markdown_cannot_carry_html_scripts_or_images() {
        let html = section_html("<script>alert(1)</script>\n\n[klik](javascript:alert(1)) ![x](https://evil/x.png)", 3);
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(section_html("# Overskrift", 3).contains("<h4>"));
        assert!(section_html("- en\n- to", 3).contains("<li>en</li>"));
    }

    #[test]
    fn published_markdown_carries_no_html_scripts_or_images() {
        let text = "Indledning <script>alert(1)</script> og <iframe src=\"https://evil\"></iframe>\n\n\
                    <div onclick=\"x()\">blok</div>\n\n[klik](javascript:alert(1)) ![x](https://evil/x.png)";
        let markdown = section_markdown(text, 3);
        // Rendered by any CommonMark renderer, it holds no element of the attacker's.
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, Parser::new(&markdown));
        for element in ["<script", "<iframe", "<div", "<img", "javascript:"] {
            assert!(!html.contains(element), "{element} in {html} (from {markdown})");
        }
        assert!(html.contains("&lt;script&gt;"), "{html}");
        // What Markdown is for stays: emphasis, lists, tables, links to the web, headings below the section's.
        let kept = section_markdown("*Vigtigt*\n\n- en\n- to\n\n[KL](https://www.kl.dk)\n\n# Baggrund", 3);
        for part in ["*Vigtigt*", "* en", "[KL](https://www.kl.dk)", "#### Baggrund"] {
            assert!(kept.contains(part), "{part} in {kept}");
        }
    }

    #[test]
    fn titles_are_text_in_markdown() {
        assert_eq!(escape_markdown("Punkt *vigtigt* [x](y)"), "Punkt \\*vigtigt\\* \\[x\\](y)");
        assert_eq!(escape_markdown("Ung - Sprog Kalundborg"), "Ung - Sprog Kalundborg");
    }
}
